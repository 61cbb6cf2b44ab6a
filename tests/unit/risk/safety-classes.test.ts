/**
 * The safety colour comes from life-safety alarms and device-health alarms of safety devices
 * only (DOMAIN.md "Warning colours and risk levels"); a latched alarm (cleared, awaiting
 * reset) keeps its level with the reason "latched, awaiting reset" (待复位).
 */
import { describe, expect, it } from 'vitest'
import { computeRisk } from '../../../hub/src/risk/risk-model.js'
import { RiskTracker } from '../../../hub/src/risk/risk-tracker.js'
import type { Alarm } from '../../../hub/src/model/alarm.js'
import { alarm, devices, NOW, ZONE } from './fixtures.js'

function vtc(alarms: Alarm[]) {
  return computeRisk({ zone: ZONE, alarms, devices: devices(), now: NOW }).find((p) => p.park === 'vtc')!
}

const ACTIVE = { condition: 'active', latched: false } as const
const LATCHED = { condition: 'cleared', latched: true, latching: true, currentLevel: undefined } as const
const CLEARED = { condition: 'cleared', latched: false, currentLevel: undefined } as const

describe('safety colour by class', () => {
  const rows: Array<{ name: string; a: Partial<Alarm>; level: 1 | 2 | 3 | 4 | null; code?: string }> = [
    { name: 'red gas alarm, active', a: { ...ACTIVE }, level: 1, code: 'alarm' },
    { name: 'red gas alarm, latched awaiting reset', a: { ...LATCHED }, level: 1, code: 'latched_alarm' },
    { name: 'red gas alarm, cleared and reset', a: { ...CLEARED }, level: null },
    { name: 'orange toxic alarm, latched', a: { ...LATCHED, level: 2, metric: 'cl2', device: 'vc-gas-2' }, level: 2, code: 'latched_alarm' },
    { name: 'confirmed gas leak, latched: red', a: { ...LATCHED, rule: 'correlation', type: 'gas_confirmed', level: 2 }, level: 1, code: 'latched_alarm' },
    { name: 'latched but closed', a: { ...LATCHED, workflow: 'closed' }, level: null },
    { name: 'latched but shelved', a: { ...LATCHED, shelvedUntil: NOW + 60_000 }, level: null },
    { name: 'maximum demand (energy), active', a: { ...ACTIVE, rule: 'max_demand', type: 'max_demand_exceeded', class: 'energy', level: 3, device: 'vc-meter-1', metric: 'kw' }, level: null },
    { name: 'energy budget, active', a: { ...ACTIVE, rule: 'energy_budget', type: 'energy_budget_exceeded', class: 'energy', level: 4, device: 'vc-meter-1', metric: 'tce_day' }, level: null },
    { name: 'emission exceedance, active', a: { ...ACTIVE, rule: 'emission', type: 'emission_exceedance', class: 'environmental', level: 3, device: 'stack-x', metric: 'so2' }, level: null },
    { name: 'device fault of a gas detector', a: { ...ACTIVE, rule: 'quality', type: 'device_fault', class: 'device-health', level: 3 }, level: 3, code: 'alarm' },
    { name: 'data quality of an energy meter', a: { ...ACTIVE, rule: 'quality', type: 'data_quality', class: 'device-health', level: 3, device: 'vc-meter-1' }, level: null },
    { name: 'meter offline (deadman) of an energy meter', a: { ...ACTIVE, rule: 'deadman', type: 'device_offline', level: 3, device: 'vc-meter-1' }, level: null },
    { name: 'device-health of a device the park does not know', a: { ...ACTIVE, rule: 'quality', type: 'device_fault', class: 'device-health', level: 3, device: 'ghost' }, level: null },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const p = vtc([alarm(row.a)])
      expect(p.level).toBe(row.level)
      if (row.code) expect(p.reasons.map((r) => r.code)).toEqual([row.code])
      else expect(p.reasons).toEqual([])
    })
  }

  it('says "latched, awaiting reset" in both languages, and does not count a latched alarm as active', () => {
    const p = vtc([alarm({ ...LATCHED })])
    expect(p.reasons[0]).toMatchObject({
      level: 1, code: 'latched_alarm', alarm: 'al-1',
      text: '可燃气体达到二级报警值（已锁存，待复位） · 氯化车间',
      textEn: 'Combustible gas at the second alarm set point (latched, awaiting reset) · chlorination unit',
    })
    expect(p.activeAlarms).toEqual({ 1: 0, 2: 0, 3: 0, 4: 0 })
  })

  it('a demand alarm beside a gas alarm leaves the colour to the gas alarm; its count stays on the tile', () => {
    const p = vtc([
      alarm({ id: 'gas', level: 2 }),
      alarm({ id: 'demand', rule: 'max_demand', type: 'max_demand_exceeded', class: 'energy', level: 3, device: 'vc-meter-1', metric: 'kw' }),
    ])
    expect(p.level).toBe(2)
    expect(p.reasons.map((r) => r.alarm)).toEqual(['gas'])
    expect(p.activeAlarms).toEqual({ 1: 0, 2: 1, 3: 1, 4: 0 })
  })

  it('the tracker keeps a latched alarm red until the reset, then goes back to normal', () => {
    let now = NOW
    const tracker = new RiskTracker({ zone: ZONE, clock: () => now, devices: devices() })
    const steps: Array<[Partial<Alarm>, 1 | null, string | undefined]> = [
      [{ ...ACTIVE }, 1, 'alarm'],
      [{ ...LATCHED }, 1, 'latched_alarm'],
      [{ ...CLEARED }, null, undefined],
    ]
    for (const [over, level, code] of steps) {
      now += 1000
      tracker.updateAlarm(alarm(over))
      expect(tracker.get('vtc')!.level).toBe(level)
      expect(tracker.get('vtc')!.reasons[0]?.code).toBe(code)
    }
  })
})
