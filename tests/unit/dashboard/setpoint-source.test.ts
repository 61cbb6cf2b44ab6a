import { describe, expect, it } from 'vitest'
import { setpointSourceLines } from '../../../dashboard/src/lib/setpoint-source.js'
import { translate } from '../../../dashboard/src/lib/i18n/translate.js'
import { zhCN } from '../../../dashboard/src/lib/i18n/zh-CN.js'
import { en } from '../../../dashboard/src/lib/i18n/en.js'

const clause = 'GB/T 50493-2019 §5.5.2(3): ≤ 100 % / 200 % OEL (MAC 10 mg/m³, GBZ 2.1-2019)'
const tr = (dict: Record<string, string>) => (key: string, fallback: string, params?: Record<string, string | number>) => translate(dict, key, params, fallback)

describe('set-point sources on the dashboard, zh-CN and en', () => {
  it('standard defaults: one line with the clause', () => {
    const sp = { unit: 'mg/m³', high: [{ value: 10, level: 2, source: { layer: 'standard' as const, clause } }, { value: 20, level: 1, source: { layer: 'standard' as const, clause } }] }
    expect(setpointSourceLines(sp, tr(en))).toEqual([`10 / 20 mg/m³: standard ${clause}`])
    expect(setpointSourceLines(sp, tr(zhCN))).toEqual([`10 / 20 mg/m³: 标准 ${clause}`])
  })

  it('an override above the ceiling shows the layer, the ceiling and the reason; the declared unit is said', () => {
    const sp = {
      unit: 'mg/m³',
      declaredUnit: 'ppm',
      high: [
        { value: 12, level: 2, source: { layer: 'park' as const, clause, ceiling: 10, exceedsStandard: true, reason: '开车期间背景值' } },
        { value: 20, level: 1, source: { layer: 'park' as const, clause, ceiling: 20 } },
      ],
    }
    expect(setpointSourceLines(sp, tr(zhCN))).toEqual([
      '12 mg/m³: 园区设定，标准上限 10 mg/m³，超出标准上限，理由：开车期间背景值',
      '20 mg/m³: 园区设定，标准上限 20 mg/m³',
      '设备以 ppm 上报，已换算',
    ])
    expect(setpointSourceLines(sp, tr(en))[0]).toBe('12 mg/m³: park setting, standard ceiling 10 mg/m³, above the standard ceiling, reason: 开车期间背景值')
  })

  it('nothing resolved: no lines', () => {
    expect(setpointSourceLines(undefined, tr(en))).toEqual([])
  })
})
