import { describe, expect, it } from 'vitest'
import { computeRisk } from '../../../hub/src/risk/risk-model.js'
import { RiskTracker } from '../../../hub/src/risk/risk-tracker.js'
import { alarm, devices, NOW, ZONE } from './fixtures.js'

function tracker() {
  let now = NOW
  const clock = { now: () => now, set: (t: number) => { now = t } }
  const t = new RiskTracker({ zone: ZONE, clock: clock.now, devices: devices() })
  return { t, clock }
}

describe('RiskTracker: incremental, per park', () => {
  it('starts like computeRisk', () => {
    const { t } = tracker()
    expect(t.all()).toEqual(computeRisk({ zone: ZONE, alarms: [], devices: devices(), now: NOW }))
  })

  it('reports only the park that changed, and nothing when nothing changed', () => {
    const { t, clock } = tracker()
    clock.set(NOW + 1000)
    const changed = t.updateAlarm(alarm())
    expect(changed.map((r) => [r.park, r.level, r.updatedAt])).toEqual([['vtc', 1, NOW + 1000]])
    expect(t.get('glp')).toMatchObject({ level: null, updatedAt: NOW })

    // The same alarm with a new value only: no change to report.
    clock.set(NOW + 2000)
    expect(t.updateAlarm(alarm({ value: 60 }))).toEqual([])
    expect(t.get('vtc')?.updatedAt).toBe(NOW + 1000)

    // A device in the other park goes offline: only that park.
    const gl = devices().find((d) => d.device.id === 'gl-gas-1')!.device
    expect(t.updateDevice(gl, false).map((r) => [r.park, r.level])).toEqual([['glp', 2]]) // 1 of 2: blind spot
    expect(t.updateDevice(gl, false)).toEqual([])
    expect(t.updateDevice(gl, true).map((r) => [r.park, r.level])).toEqual([['glp', null]])
  })

  it('drops an alarm when it is shelved, cleared or closed', () => {
    const { t } = tracker()
    t.updateAlarm(alarm())
    expect(t.updateAlarm(alarm({ shelvedUntil: NOW + 60_000 })).map((r) => r.level)).toEqual([null])
    t.updateAlarm(alarm())
    expect(t.updateAlarm(alarm({ condition: 'cleared' })).map((r) => r.level)).toEqual([null])
    t.updateAlarm(alarm())
    expect(t.updateAlarm(alarm({ condition: 'cleared', workflow: 'closed' })).map((r) => r.level)).toEqual([null])
    expect(t.removeAlarm('al-1')).toEqual([])
  })

  it('recomputes the old and the new park when a device moves', () => {
    const { t } = tracker()
    const d = devices().find((x) => x.device.id === 'tw-gas-1')!.device
    const changed = t.updateDevice({ ...d, park: 'glp', enterprise: 'glp-gas' }, true)
    expect(changed.map((r) => [r.park, r.devicesTotal])).toEqual([['vtc', 15], ['glp', 3]])
    expect(t.removeDevice('tw-gas-1').map((r) => [r.park, r.devicesTotal])).toEqual([['glp', 2]])
  })

  it('marks changes and recomputes each marked park once on flush', () => {
    const { t } = tracker()
    const all = devices().map((d) => d.device)
    for (const d of all) t.markDevice(d, false)
    t.markAlarm(alarm())
    expect(t.pending).toBe(true)
    // Nothing is recomputed until the flush; then each park is reported once, with every mark in it.
    expect(t.get('vtc')?.devicesOnline).toBe(t.get('vtc')?.devicesTotal)
    const changed = t.flush()
    expect(changed.map((r) => r.park).sort()).toEqual(['glp', 'vtc'])
    expect(changed.map((r) => r.devicesOnline)).toEqual([0, 0])
    expect(changed.find((r) => r.park === 'vtc')?.activeAlarms[1]).toBe(1)
    expect(t.pending).toBe(false)
    expect(t.flush()).toEqual([])
  })

  it('recomputes on the clock only the parks whose shelved alarm came back', () => {
    const { t, clock } = tracker()
    expect(t.refreshDue()).toEqual([])
    expect(t.updateAlarm(alarm({ shelvedUntil: NOW + 60_000 }))).toEqual([])
    clock.set(NOW + 59_000)
    expect(t.refreshDue()).toEqual([])
    clock.set(NOW + 60_000)
    expect(t.refreshDue().map((r) => [r.park, r.level])).toEqual([['vtc', 1]])
    expect(t.refreshDue()).toEqual([])
  })

  it('ignores alarms of parks it does not know', () => {
    const { t } = tracker()
    expect(t.updateAlarm(alarm({ park: 'elsewhere' }))).toEqual([])
  })

  it("takes device changes at the next promotion (the hub's tick), alarm changes at the next flush", () => {
    const { t } = tracker()
    const gl = devices().find((d) => d.device.id === 'gl-gas-1')!.device
    t.markDevice(gl, false)
    expect(t.pending).toBe(false)
    expect(t.flushSome(7)).toEqual([])
    expect(t.get('glp')?.level).toBeNull()
    t.promoteDevices()
    expect(t.pending).toBe(true)
    expect(t.flushSome(7).map((r) => [r.park, r.level])).toEqual([['glp', 2]])
    // An alarm of the park takes its device changes with it.
    t.markDevice(gl, true)
    t.markAlarm(alarm({ park: 'glp', enterprise: 'glp-gas', device: 'gl-gas-2', area: undefined, level: 3 }))
    expect(t.flushSome(7).map((r) => [r.park, r.level, r.devicesOnline])).toEqual([['glp', 3, 2]])
    t.promoteDevices()
    expect(t.pending).toBe(false)
  })
})
