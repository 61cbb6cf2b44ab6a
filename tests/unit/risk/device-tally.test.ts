import { describe, expect, it } from 'vitest'
import type { Alarm } from '../../../hub/src/model/alarm.js'
import type { Device } from '../../../hub/src/model/device.js'
import { computeParkRisk, type DeviceState } from '../../../hub/src/risk/risk-model.js'
import { RiskTracker } from '../../../hub/src/risk/risk-tracker.js'
import { alarm, devices, NOW, ZONE } from './fixtures.js'

/** A small deterministic generator (mulberry32), so a failure repeats. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * The tracker keeps each park's devices counted (device-tally.ts) and does not walk them; its
 * risk must be the one computed by walking them, in the order the tracker holds them, after
 * any sequence of changes: devices going offline and back, moving between enterprises and
 * parks, removed, and offline alarms of some of them.
 */
describe('park risk from the tally is the risk from walking the devices', () => {
  it('after 2,000 random changes, with more devices offline than are listed', () => {
    const next = random(20261207)
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!
    // Thirty more detectors in ti-white and ten with an enterprise vtc does not list.
    const extra: Device[] = [
      ...Array.from({ length: 30 }, (_, i) => ({ ...devices()[6]!.device, id: `tw-x-${i}` })),
      ...Array.from({ length: 10 }, (_, i) => ({ ...devices()[6]!.device, id: `un-x-${i}`, enterprise: 'not-listed' })),
    ]
    const all: DeviceState[] = [...devices(), ...extra.map((device) => ({ device, online: true }))]
    const t = new RiskTracker({ zone: ZONE, clock: () => NOW, devices: all, options: { offlineListed: 4 } })
    const held = new Map(all.map((s) => [s.device.id, s]))
    const ids = [...held.keys()]
    const alarms = new Map<string, Alarm>()
    for (let step = 0; step < 2000; step++) {
      const id = pick(ids)
      const r = next()
      const cur = held.get(id)
      if (r < 0.6 && cur) {
        const online = next() < 0.4
        held.delete(id)
        held.set(id, { device: cur.device, online })
        t.updateDevice(cur.device, online)
      } else if (r < 0.7 && cur) {
        const device = { ...cur.device, enterprise: pick(['vt-chem', 'ti-white', 'not-listed']), park: next() < 0.8 ? 'vtc' : 'glp' }
        held.delete(id)
        held.set(id, { device, online: cur.online })
        t.updateDevice(device, cur.online)
      } else if (r < 0.75 && cur) {
        held.delete(id)
        t.removeDevice(id)
      } else if (r < 0.9 && cur) {
        const a = alarm({ id: `off-${id}`, type: 'device_offline', rule: 'deadman', level: 3, device: id, enterprise: cur.device.enterprise, park: cur.device.park, area: undefined })
        alarms.set(a.id, a)
        t.updateAlarm(a)
      } else if (alarms.size > 0) {
        const a = pick([...alarms.values()])
        alarms.delete(a.id)
        t.updateAlarm({ ...a, workflow: 'closed' })
      }
      if (step % 50 !== 49) continue
      for (const park of ZONE.parks) {
        // The tracker holds its devices in the order of their last change: walked so (held is kept in that order).
        const order = [...held.values()].filter((s) => s.device.park === park.id)
        const walked = computeParkRisk(park, [...alarms.values()].filter((a) => a.park === park.id), order, NOW, { offlineListed: 4 })
        const tracked = t.get(park.id)!
        expect({ ...tracked, reasons: tracked.reasons.map((x) => x.code + (x.device ?? '') + (x.count ?? '')) }).toEqual({
          ...walked, updatedAt: tracked.updatedAt, reasons: walked.reasons.map((x) => x.code + (x.device ?? '') + (x.count ?? '')),
        })
      }
    }
  })
})
