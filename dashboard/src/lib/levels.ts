/**
 * Warning levels I–IV (DOMAIN.md, 突发事件预警): 1 red, 2 orange, 3 yellow, 4 blue.
 * Never colour alone (DESIGN.md): each level also has a label, a Roman numeral and a shape,
 * and lists put the highest level first.
 */
import type { AlarmLevel } from '../../../hub/src/model/alarm.js'
import type { RiskLevel } from '../../../hub/src/model/risk.js'

/** Highest first. */
export const LEVELS: readonly AlarmLevel[] = [1, 2, 3, 4]

export const ROMAN: Readonly<Record<AlarmLevel, string>> = { 1: 'I', 2: 'II', 3: 'III', 4: 'IV' }

export type LevelShape = 'octagon' | 'triangle' | 'diamond' | 'circle'

/** One distinct shape per level, so the level reads without colour. */
export const LEVEL_SHAPES: Readonly<Record<AlarmLevel, LevelShape>> = {
  1: 'octagon',
  2: 'triangle',
  3: 'diamond',
  4: 'circle',
}

export interface LevelInfo {
  level: AlarmLevel
  roman: string
  shape: LevelShape
  /** i18n key of the label: 一级/二级/三级/四级, Level I–IV. */
  labelKey: `level.${AlarmLevel}`
  /** CSS custom property holding the level's colour. */
  colourVar: `--level-${AlarmLevel}`
}

export function levelInfo(level: AlarmLevel): LevelInfo {
  return {
    level,
    roman: ROMAN[level],
    shape: LEVEL_SHAPES[level],
    labelKey: `level.${level}`,
    colourVar: `--level-${level}`,
  }
}

export function isAlarmLevel(value: unknown): value is AlarmLevel {
  return value === 1 || value === 2 || value === 3 || value === 4
}

/** Orders risk levels highest first; `null` (normal) last. */
export function compareRiskLevels(a: RiskLevel, b: RiskLevel): number {
  return (a ?? 5) - (b ?? 5)
}

/** The most severe of a list of levels (`null` when empty). */
export function highestLevel(levels: Iterable<AlarmLevel>): AlarmLevel | null {
  let best: AlarmLevel | null = null
  for (const l of levels) if (best === null || l < best) best = l
  return best
}

const f = (n: number): string => (Math.round(n * 100) / 100).toString()

/**
 * The corners of a level's shape around (0, 0) with outer radius 1, in drawing order; `null`
 * for the circle. Shared by `shapePath` and the site plan's bulk, so both draw the same shapes.
 */
export function shapeCorners(shape: LevelShape): readonly (readonly [number, number])[] | null {
  switch (shape) {
    case 'octagon':
      return Array.from({ length: 8 }, (_, i) => {
        const a = Math.PI / 8 + (i * Math.PI) / 4
        return [Math.cos(a), Math.sin(a)] as const
      })
    case 'triangle':
      return [
        [0, -1],
        [0.95, 0.75],
        [-0.95, 0.75],
      ]
    case 'diamond':
      return [
        [0, -1],
        [1, 0],
        [0, 1],
        [-1, 0],
      ]
    case 'circle':
      return null
  }
}

/**
 * SVG path of a level's shape centred on (cx, cy) with outer radius r. Used by the level icon
 * and by device markers on the site plan, so both speak the same shapes.
 */
export function shapePath(shape: LevelShape, cx: number, cy: number, r: number): string {
  const corners = shapeCorners(shape)
  if (corners === null) return `M${f(cx - r)},${f(cy)}A${f(r)},${f(r)} 0 1 0 ${f(cx + r)},${f(cy)}A${f(r)},${f(r)} 0 1 0 ${f(cx - r)},${f(cy)}Z`
  return `M${corners.map(([x, y]) => `${f(cx + r * x)},${f(cy + r * y)}`).join('L')}Z`
}
