/**
 * The charts' colours and font, read from the design tokens in app.css (DESIGN.md: neutral
 * greys, the four level colours for risk only), so a canvas chart follows the dark and the
 * light theme as the rest of the page does. Read again whenever the theme changes.
 */
import type { AlarmLevel } from '../../../../hub/src/model/alarm.js'

export interface ChartTheme {
  text: string
  strong: string
  muted: string
  dim: string
  grid: string
  line: string
  bar: string
  panel: string
  panel2: string
  border: string
  level: Readonly<Record<AlarmLevel, string>>
  font: string
}

/** The tokens of the document's current theme (the `data-theme` of <html>). */
export function readTheme(root: Element = document.documentElement): ChartTheme {
  const css = getComputedStyle(root)
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback
  return {
    text: v('--text', '#d9dce0'),
    strong: v('--text-strong', '#f2f3f5'),
    muted: v('--muted', '#9aa1a9'),
    dim: v('--dim', '#5c636b'),
    grid: v('--chart-grid', '#30353b'),
    line: v('--chart-line', '#e1e4e8'),
    bar: v('--bar', '#8d949c'),
    panel: v('--panel', '#202327'),
    panel2: v('--panel-2', '#282c31'),
    border: v('--border', '#3a4047'),
    level: { 1: v('--level-1', '#e5322d'), 2: v('--level-2', '#f57c00'), 3: v('--level-3', '#f2c500'), 4: v('--level-4', '#1f78d1') },
    font: v('--font', 'system-ui, sans-serif'),
  }
}

/** A 45° hatch as a canvas pattern (invalid hours, periods without readings, steam); sizes in canvas pixels. */
export function hatch(ctx: CanvasRenderingContext2D, stroke: string, background: string | null, size = 6, width = 1.5): CanvasPattern | string {
  const tile = document.createElement('canvas')
  tile.width = tile.height = Math.max(2, Math.round(size))
  const s = tile.width
  const t = tile.getContext('2d')
  if (t === null) return stroke
  if (background !== null) {
    t.fillStyle = background
    t.fillRect(0, 0, s, s)
  }
  t.strokeStyle = stroke
  t.lineWidth = width
  t.beginPath()
  // The diagonal and its two neighbours' ends, so the stripes run on across tiles.
  for (const d of [-s, 0, s]) {
    t.moveTo(d, s)
    t.lineTo(d + s, 0)
  }
  t.stroke()
  return ctx.createPattern(tile, 'repeat') ?? stroke
}
