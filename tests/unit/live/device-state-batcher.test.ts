import { afterEach, describe, expect, it } from 'vitest'
import { DeviceStateBatcher } from '../../../hub/src/live/device-state-batcher.js'
import type { DeviceStateUpdate } from '../../../hub/src/model/live-events.js'

describe('device presence to the sockets', () => {
  let batcher: DeviceStateBatcher | undefined
  afterEach(() => batcher?.stop())

  it('goes per park in one batch per flush, the latest state of each device', () => {
    const sent: [string, DeviceStateUpdate[]][] = []
    batcher = new DeviceStateBatcher(60_000, (park, batch) => sent.push([park, batch]))
    batcher.add({ device: 'a', park: 'p1', online: false, ts: 10 })
    batcher.add({ device: 'b', park: 'p2', online: false, ts: 11 })
    batcher.add({ device: 'a', park: 'p1', online: true, ts: 12 })
    // An older state arriving late does not undo a newer one.
    batcher.add({ device: 'a', park: 'p1', online: false, ts: 9 })
    batcher.flush()
    expect(sent).toEqual([
      ['p1', [{ device: 'a', park: 'p1', online: true, ts: 12 }]],
      ['p2', [{ device: 'b', park: 'p2', online: false, ts: 11 }]],
    ])
    batcher.flush()
    expect(sent).toHaveLength(2)
  })

  it('sends 20,000 changes of one park as one message', () => {
    const sent: DeviceStateUpdate[][] = []
    batcher = new DeviceStateBatcher(60_000, (_park, batch) => sent.push(batch))
    for (let i = 0; i < 20_000; i++) batcher.add({ device: `d${i}`, park: 'p', online: false, ts: i })
    batcher.flush()
    expect(sent).toHaveLength(1)
    expect(sent[0]).toHaveLength(20_000)
  })
})
