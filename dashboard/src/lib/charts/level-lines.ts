/**
 * A uPlot plugin drawing horizontal reference lines: a trend's set points and a stack's
 * emission limit, dashed in their level's colour, each labelled right of the plot with the
 * level's shape (never colour alone, DESIGN.md) and its text. Lines outside the y range are
 * left out; the y range keeps the nearest ones in view (see `valueRange`).
 */
import type uPlot from 'uplot'
import type { AlarmLevel } from '../../../../hub/src/model/alarm.js'
import { LEVEL_SHAPES, shapePath } from '../levels.js'

export interface RefLine {
  value: number
  /** A warning level's colour and shape; null for a neutral line (the flood rate). */
  level: AlarmLevel | null
  text: string
}

/** Room right of the plot for the lines' labels, in CSS pixels. */
export const REF_LABEL_ROOM = 118

export function levelLinesPlugin(lines: () => readonly RefLine[], colours: () => { level: Readonly<Record<AlarmLevel, string>>; text: string; font: string }): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const ctx = u.ctx
        const { left, top, width, height } = u.bbox
        const c = colours()
        const ratio = uPlotRatio(u)
        ctx.save()
        for (const l of lines()) {
          const y = Math.round(u.valToPos(l.value, 'y', true)) + 0.5
          if (!(y >= top - 1 && y <= top + height + 1)) continue
          const colour = l.level === null ? c.text : c.level[l.level]
          ctx.strokeStyle = colour
          ctx.lineWidth = 1.5 * ratio
          ctx.setLineDash(l.level === null ? [5 * ratio, 4 * ratio] : [6 * ratio, 4 * ratio])
          ctx.beginPath()
          ctx.moveTo(left, y)
          ctx.lineTo(left + width, y)
          ctx.stroke()
          ctx.setLineDash([])
          let x = left + width + 4 * ratio
          if (l.level !== null) {
            ctx.fillStyle = colour
            ctx.fill(new Path2D(shapePath(LEVEL_SHAPES[l.level], x + 5 * ratio, y, 5 * ratio)))
            x += 13 * ratio
          }
          ctx.fillStyle = c.text
          ctx.font = `${11 * ratio}px ${c.font}`
          ctx.textAlign = 'left'
          ctx.textBaseline = 'middle'
          ctx.fillText(l.text, x, y)
        }
        ctx.restore()
      },
    },
  }
}

/** Canvas pixels per CSS pixel as uPlot drew this chart. */
export function uPlotRatio(u: uPlot): number {
  const r = u.ctx.canvas.width / u.width
  return Number.isFinite(r) && r > 0 ? r : globalThis.devicePixelRatio || 1
}
