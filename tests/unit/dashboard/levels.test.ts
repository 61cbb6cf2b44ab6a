import { describe, expect, it } from 'vitest'
import { compareRiskLevels, highestLevel, isAlarmLevel, LEVELS, LEVEL_SHAPES, levelInfo, ROMAN, shapePath } from '../../../dashboard/src/lib/levels.js'

describe('warning levels', () => {
  it('go highest first: I red, II orange, III yellow, IV blue', () => {
    expect(LEVELS).toEqual([1, 2, 3, 4])
    expect(LEVELS.map((l) => ROMAN[l])).toEqual(['I', 'II', 'III', 'IV'])
  })

  it('each have their own shape, so colour is never alone', () => {
    const shapes = LEVELS.map((l) => LEVEL_SHAPES[l])
    expect(new Set(shapes).size).toBe(4)
    const paths = LEVELS.map((l) => shapePath(LEVEL_SHAPES[l], 8, 8, 7))
    expect(new Set(paths).size).toBe(4)
    for (const p of paths) expect(p).toMatch(/^M.*Z$/)
  })

  it('map to a label key, a numeral and a colour variable', () => {
    expect(levelInfo(1)).toEqual({ level: 1, roman: 'I', shape: 'octagon', labelKey: 'level.1', colourVar: '--level-1' })
    expect(levelInfo(4)).toMatchObject({ roman: 'IV', shape: 'circle', labelKey: 'level.4', colourVar: '--level-4' })
  })

  it('order risk levels with normal last', () => {
    expect([null, 3, 1, 4, 2].sort(compareRiskLevels as (a: unknown, b: unknown) => number)).toEqual([1, 2, 3, 4, null])
    expect(highestLevel([3, 2, 4])).toBe(2)
    expect(highestLevel([])).toBeNull()
  })

  it('recognise alarm levels', () => {
    expect([0, 1, 4, 5, '1', null].map(isAlarmLevel)).toEqual([false, true, true, false, false, false])
  })
})
