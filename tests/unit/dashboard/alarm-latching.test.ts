/**
 * The board's order at equal level (GB/T 50493-2019 §3.0.2: toxic before combustible), its
 * class filter, the latched state (已锁存，待复位) and the reset that replaces close while latched.
 */
import { describe, expect, it } from 'vitest'
import { compareAlarms, DEFAULT_FILTER, filterAlarms, hazardRank, indexAlarms, isLatched, sortAlarms } from '../../../dashboard/src/lib/alarms.js'
import { allowedActions } from '../../../dashboard/src/lib/roles.js'
import { en } from '../../../dashboard/src/lib/i18n/en.js'
import { zhCN } from '../../../dashboard/src/lib/i18n/zh-CN.js'
import { alarmTypeText } from '../../../dashboard/src/lib/i18n/translate.js'
import { alarm } from './fixtures.js'

const NOW = 10_000_000

describe('order at equal level: toxic, then combustible, then the rest', () => {
  const rows: Array<{ metric: string | undefined; rank: number }> = [
    { metric: 'cl2', rank: 0 }, { metric: 'h2s', rank: 0 }, { metric: 'co', rank: 0 },
    { metric: 'lel', rank: 1 }, { metric: 'lel_m', rank: 1 },
    { metric: 'o2', rank: 2 }, { metric: 'temp', rank: 2 }, { metric: undefined, rank: 2 },
  ]
  for (const r of rows) it(`${r.metric ?? 'no metric'} ranks ${r.rank}`, () => expect(hazardRank({ metric: r.metric })).toBe(r.rank))

  it('puts an older toxic alarm before a newer combustible one of the same level, never before a higher level', () => {
    const list = [
      alarm({ id: 'lel-new', level: 1, metric: 'lel', raisedAt: 900 }),
      alarm({ id: 'cl2-old', level: 1, metric: 'cl2', raisedAt: 100 }),
      alarm({ id: 'fire', level: 1, metric: 'temp', raisedAt: 950, type: 'fire' }),
      alarm({ id: 'h2s-orange', level: 2, metric: 'h2s', raisedAt: 999 }),
    ]
    expect(sortAlarms(list).map((a) => a.id)).toEqual(['cl2-old', 'lel-new', 'fire', 'h2s-orange'])
    expect(compareAlarms(list[1]!, list[0]!)).toBeLessThan(0)
  })
})

describe('class filter and latched state', () => {
  const list = [
    alarm({ id: 'gas', class: 'life-safety' }),
    alarm({ id: 'latched', class: 'life-safety', condition: 'cleared', latched: true, latching: true }),
    alarm({ id: 'fault', class: 'device-health', type: 'device_fault' }),
    alarm({ id: 'demand', class: 'energy', type: 'max_demand_exceeded', level: 3 }),
    alarm({ id: 'closed-latched', class: 'life-safety', latched: true, workflow: 'closed' }),
  ]
  const ids = (extra: Partial<typeof DEFAULT_FILTER>) => filterAlarms(list, { ...DEFAULT_FILTER, ...extra }, NOW).map((a) => a.id).sort()

  it('filters by class', () => {
    expect(ids({ class: 'device-health' })).toEqual(['fault'])
    expect(ids({ class: 'energy' })).toEqual(['demand'])
    expect(ids({ class: 'life-safety' })).toEqual(['gas', 'latched'])
    expect(ids({ class: null })).toEqual(['demand', 'fault', 'gas', 'latched'])
  })

  it('the latched filter shows alarms awaiting reset, not closed ones', () => {
    expect(ids({ state: 'latched' })).toEqual(['latched'])
    expect(isLatched(list[4]!)).toBe(false)
  })

  it('a latched alarm marks its device on the plan at its level but is not counted as standing', () => {
    const idx = indexAlarms([alarm({ id: 'l', device: 'd9', level: 1, condition: 'cleared', latched: true, latching: true })], NOW)
    expect(idx.byDevice.get('d9')).toMatchObject({ level: 1, unacked: true })
    expect(idx.counts).toEqual({ 1: 0, 2: 0, 3: 0, 4: 0 })
    const reset = indexAlarms([alarm({ id: 'l', device: 'd9', level: 1, condition: 'cleared', latched: false })], NOW)
    expect(reset.byDevice.has('d9')).toBe(false)
  })

  it('offers reset instead of close while latched, close once reset', () => {
    const roles = ['safety']
    const resolvedLatched = alarm({ id: 'r', condition: 'cleared', latched: true, latching: true, workflow: 'resolved', ack: 'acked' })
    expect(allowedActions(resolvedLatched, roles, NOW)).toEqual(['shelve', 'reset'])
    expect(allowedActions({ ...resolvedLatched, latched: false }, roles, NOW)).toEqual(['shelve', 'close'])
    expect(allowedActions(resolvedLatched, ['viewer'], NOW)).toEqual([])
  })
})

describe('names in both languages', () => {
  it('names device-fault alarms and the latch words', () => {
    for (const type of ['device_fault', 'out_of_service', 'data_quality']) {
      expect(alarmTypeText(zhCN, type)).toMatch(/[\u4e00-\u9fff]/)
      expect(alarmTypeText(en, type)).not.toMatch(/_/)
    }
    expect(zhCN['alarm.latched']).toBe('已锁存，待复位')
    expect(en['alarm.latched']).toBe('latched, awaiting reset')
    expect(zhCN['alarm.overRange']).toBe('超量程')
    for (const c of ['life-safety', 'device-health', 'environmental', 'energy']) {
      expect((zhCN as Record<string, string>)[`alarmClass.${c}`]).toMatch(/[\u4e00-\u9fff]/)
      expect((en as Record<string, string>)[`alarmClass.${c}`]).toBeTruthy()
    }
  })
})
