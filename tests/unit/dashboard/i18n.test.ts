import { describe, expect, it } from 'vitest'
import { en } from '../../../dashboard/src/lib/i18n/en.js'
import { interpolate, placeholders, translate } from '../../../dashboard/src/lib/i18n/translate.js'
import { zhCN } from '../../../dashboard/src/lib/i18n/zh-CN.js'

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
