import { describe, expect, it } from 'vitest'
import { iconKind } from '../../../dashboard/src/lib/plan/device-icons.js'
import { en } from '../../../dashboard/src/lib/i18n/en.js'
import { zhCN } from '../../../dashboard/src/lib/i18n/zh-CN.js'

describe('a device kind as a glyph on the plan', () => {
  it.each([
    [{ kind: 'gas', metrics: ['lel'] }, 'combustible'],
    [{ kind: 'gas', metrics: ['h2s'] }, 'toxic'],
    [{ kind: 'gas', metrics: ['lel', 'co'] }, 'toxic'],
    [{ kind: 'gas', metrics: ['o2'] }, 'oxygen'],
    [{ kind: 'fire', metrics: ['smoke'] }, 'fire'],
    [{ kind: 'emission', metrics: ['so2'] }, 'stack'],
    [{ kind: 'energy', metrics: ['kwh'] }, 'meter'],
    [{ kind: 'wastewater', metrics: ['cod'] }, 'outlet'],
    [{ kind: 'weather', metrics: ['wind_speed'] }, 'weather'],
  ])('%o → %s, one character in either language', (d, icon) => {
    expect(iconKind(d)).toBe(icon)
    expect([...zhCN[`plan.icon.${icon}` as keyof typeof zhCN]]).toHaveLength(1)
    expect([...en[`plan.icon.${icon}` as keyof typeof en]]).toHaveLength(1)
  })
})
