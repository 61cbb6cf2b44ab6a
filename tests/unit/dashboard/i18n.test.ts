import { describe, expect, it } from 'vitest'
import { en } from '../../../dashboard/src/lib/i18n/en.js'
import { alarmTypeText, interpolate, placeholders, translate } from '../../../dashboard/src/lib/i18n/translate.js'
import { zhCN } from '../../../dashboard/src/lib/i18n/zh-CN.js'
import { DEVICE_KINDS, EVENT_TYPES, METRICS_BY_KIND } from '../../../hub/src/model/vocabulary.js'
import { CORRELATION_TYPES } from '../../../hub/src/rules/correlation.js'
import { setpointType } from '../../../hub/src/rules/setpoint.js'

describe('dictionaries', () => {
  const zhKeys = Object.keys(zhCN).sort()
  const enKeys = Object.keys(en).sort()

  it('have the same keys', () => {
    expect(enKeys.filter((k) => !zhKeys.includes(k))).toEqual([])
    expect(zhKeys.filter((k) => !enKeys.includes(k))).toEqual([])
  })

  it('have no empty values', () => {
    for (const [k, v] of [...Object.entries(zhCN), ...Object.entries(en)]) expect(v.trim(), k).not.toBe('')
  })

  it('use the same placeholders in both languages', () => {
    for (const k of zhKeys) expect(placeholders(en[k as keyof typeof en]), k).toEqual(placeholders(zhCN[k as keyof typeof zhCN]))
  })

  it('keep Chinese out of the English dictionary', () => {
    for (const [k, v] of Object.entries(en)) expect(/[\u4e00-\u9fff]/.test(v), k).toBe(false)
  })

  it('label the four levels 一级–四级 with I–IV', () => {
    expect([1, 2, 3, 4].map((l) => zhCN[`level.${l}` as keyof typeof zhCN])).toEqual(['一级 I', '二级 II', '三级 III', '四级 IV'])
    expect([1, 2, 3, 4].map((l) => en[`level.${l}` as keyof typeof en])).toEqual(['Level I', 'Level II', 'Level III', 'Level IV'])
  })

  it('title the app as the tab shows it', () => {
    expect(zhCN['app.title']).toBe('园区应急指挥')
  })
})

describe('translate', () => {
  it('fills placeholders and leaves unknown ones', () => {
    expect(interpolate('{n} 条 {x}', { n: 3 })).toBe('3 条 {x}')
  })
  it('falls back for keys built at run time', () => {
    expect(translate(zhCN, 'alarmType.gas_high')).toBe('气体浓度超限')
    expect(translate(zhCN, 'alarmType.unheard_of', undefined, 'unheard_of')).toBe('unheard_of')
    expect(translate(zhCN, 'nope')).toBe('nope')
  })
})

describe('keys used in the dashboard sources', () => {
  it('all exist in the dictionaries', async () => {
    const { readdirSync, readFileSync, statSync } = await import('node:fs')
    const { join } = await import('node:path')
    const root = join(import.meta.dirname, '../../../dashboard/src')
    const files: string[] = []
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name)
        if (statSync(p).isDirectory()) walk(p)
        else if (/\.(svelte|ts)$/.test(name) && !p.includes(`${join('lib', 'i18n')}`)) files.push(p)
      }
    }
    walk(root)
    const keys = new Set(Object.keys(zhCN))
    const missing: string[] = []
    for (const file of files) {
      const src = readFileSync(file, 'utf8')
      // Literal keys: t('a.b') and tr('a.b').
      for (const m of src.matchAll(/\b(?:t|tr)\('([\w.]+)'/g)) if (!keys.has(m[1]!)) missing.push(`${m[1]} in ${file}`)
      // Keys built at run time: t(`prefix.${…}`) needs at least one key under the prefix.
      for (const m of src.matchAll(/\b(?:t|tx)\(`([\w.]+)\$\{/g)) if (![...keys].some((k) => k.startsWith(m[1]!))) missing.push(`${m[1]}* in ${file}`)
    }
    expect(missing).toEqual([])
  })
})

describe('alarm types', () => {
  // Every type the hub's rules raise: set points and rates of rise on each kind's metrics, the
  // correlations, fire events and faults, a device gone quiet, emissions and energy budgets.
  const raised = [
    ...DEVICE_KINDS.flatMap((kind) => METRICS_BY_KIND[kind].flatMap((m) => [setpointType(kind, m, 'high'), setpointType(kind, m, 'low'), `${m}_rate_of_rise`])),
    ...CORRELATION_TYPES,
    ...EVENT_TYPES,
    'fire', 'device_fault', 'device_offline', 'emission_exceedance', 'energy_budget',
  ]

  it('each has a name in Chinese and in English, none shown as its code', () => {
    for (const type of new Set(raised)) {
      expect(/[\u4e00-\u9fff]/.test(alarmTypeText(zhCN, type)), `zh ${type}: ${alarmTypeText(zhCN, type)}`).toBe(true)
      expect(alarmTypeText(en, type), type).not.toMatch(/_|[\u4e00-\u9fff]/)
    }
  })

  it("names a type of its own by its text, and one built from a metric by the metric's name", () => {
    expect(alarmTypeText(zhCN, 'gas_confirmed')).toBe('气体泄漏确认')
    expect(alarmTypeText(en, 'gas_confirmed')).toBe('Confirmed gas leak')
    expect(alarmTypeText(zhCN, 'gas_high')).toBe('气体浓度超限')
    expect(alarmTypeText(zhCN, 'nox_high')).toBe('氮氧化物超限')
    expect(alarmTypeText(en, 'water_m3_low')).toBe('Water (cumulative) low')
    expect(alarmTypeText(zhCN, 'smoke_rate_of_rise')).toBe('烟雾浓度上升过快')
    expect(alarmTypeText(en, 'something_new')).toBe('something_new')
  })
})
