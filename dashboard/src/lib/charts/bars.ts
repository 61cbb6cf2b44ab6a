/**
 * Bars over time periods (hourly emissions, energy per hour, day or month) with uPlot: the
 * options they share (zone time axis, value axis from zero, drag to zoom, no legend), the
 * box of a period's bar, and the base line drawn over the bars' feet.
 */
import type uPlot from 'uplot'
import { axisOf } from './axes.js'
import type { ChartContext } from './context.js'
import { uPlotClass } from './load.js'
import { uPlotRatio } from './level-lines.js'
import { timeAxis, zoneDate } from './time-axis.js'

/**
 * A bar path builder: bars centred on their x, `share` of the spacing between periods wide.
 * uPlot's own, made when the chart first draws (uPlot is loaded on demand, charts/load.ts).
 */
export function barPaths(share: number): uPlot.Series.PathBuilder {
  let bars: uPlot.Series.PathBuilder | undefined
  return (u, seriesIdx, idx0, idx1) => {
    bars ??= uPlotClass().paths.bars!({ size: [share, Infinity], align: 0 })
    return bars(u, seriesIdx, idx0, idx1)
  }
}

export function barOptions(c: ChartContext, unit: string, yTop: number, padding: uPlot.Padding, axisSize = 56): Omit<uPlot.Options, 'width' | 'height' | 'series'> {
  return {
    ms: 1,
    tzDate: zoneDate(c.timeZone),
    padding,
    legend: { show: false },
    cursor: { drag: { x: true, y: false }, points: { show: false } },
    scales: { x: { time: true }, y: { range: () => [0, yTop] } },
    axes: [timeAxis(() => c.locale, () => c.timeZone, c.theme), axisOf(c.theme, c.locale, unit, axisSize)],
  }
}

/** The canvas box of the bar of a period from `start` to `end`, `share` of its width, centred. */
export function periodBox(u: uPlot, start: number, end: number, share: number): { x: number; w: number } {
  const x0 = u.valToPos(start, 'x', true)
  const x1 = u.valToPos(end, 'x', true)
  const w = Math.max(1, (x1 - x0) * share)
  return { x: (x0 + x1) / 2 - w / 2, w }
}

/** Clip drawing to the plot's columns (marks above and below it stay), run `draw`, then the base line over the bars' feet. */
export function withinPlot(u: uPlot, baseColour: string, draw: () => void): void {
  const ctx = u.ctx
  const { left, top, width, height } = u.bbox
  const base = Math.round(top + height) + 0.5
  ctx.save()
  ctx.beginPath()
  ctx.rect(left, 0, width, ctx.canvas.height)
  ctx.clip()
  draw()
  ctx.strokeStyle = baseColour
  ctx.lineWidth = uPlotRatio(u)
  ctx.setLineDash([])
  ctx.beginPath()
  ctx.moveTo(left, base)
  ctx.lineTo(left + width, base)
  ctx.stroke()
  ctx.restore()
}
