import { describe, expect, it } from 'vitest'
import type { Transition } from '../../../hub/src/model/alarm.js'
import type { Device } from '../../../hub/src/model/device.js'
import { CommunicationsGrouper } from '../../../hub/src/rules/communications-alarm.js'

/** Ten detectors of one area; a mass timeout takes them one second after another. */
const devices: Device[] = Array.from({ length: 10 }, (_, i) => ({
  id: `g-${i}`, kind: 'gas', park: 'p', enterprise: 'e', area: 'a', name: `探测器 ${i}`, metrics: ['lel'], position: { x: i, y: 0 }, interval: 10,
}))
const byId = new Map(devices.map((d) => [d.id, d]))
const offline = (id: string, ts: number): Transition => ({ device: id, park: 'p', kind: 'activate', type: 'device_offline', ts }) as Transition

describe("a communications alarm's growing list", () => {
  it('is restated at most once every refreshMs, with every device that joined meanwhile', () => {
    const g = new CommunicationsGrouper(devices, (id) => byId.get(id), { refreshMs: 5000 })
    const raised = [0, 1, 2, 3, 4].flatMap((i) => g.offline(offline(`g-${i}`, 1000 + i)).transitions)
    expect(raised.map((t) => t.kind)).toEqual(['activate'])
    expect(raised[0]!.devices).toEqual(['g-0', 'g-1', 'g-2', 'g-3', 'g-4'])
    // Three more a second apart: not restated before 5 s after the raise.
    for (const [i, ts] of [[5, 2000], [6, 3000], [7, 4000]] as const) {
      g.offline(offline(`g-${i}`, ts))
      expect(g.tick(ts).changed).toEqual([])
    }
    const restated = g.tick(6004)
    expect(restated.changed.map((c) => c.count)).toEqual([8])
    expect(restated.transitions[0]!.devices).toHaveLength(8)
    // Nothing new: nothing said; one more: said once the next 5 s have passed.
    expect(g.tick(7000).changed).toEqual([])
    g.offline(offline('g-8', 7000))
    expect(g.tick(10_000).changed).toEqual([])
    expect(g.tick(11_004).changed.map((c) => c.count)).toEqual([9])
  })
})
