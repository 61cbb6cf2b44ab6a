/**
 * The bulk of a big site plan drawn on a canvas, for a worker to draw off the page's main thread
 * (bulk-worker.ts). Without a GPU, an SVG of a few thousand marks is rasterised in tiles that the
 * page's next frame waits for: 100 – 300 ms after a switch to a 3,000-device park, and a click
 * made meanwhile waits as long. A canvas drawn in a worker holds up no frame of the page. The
 * marks are the plan's own (plan-bulk.ts: the same paths and styles as the SVG elements).
 */
import { bulkPaths, fitView, markLayers, type PlanMark, type ViewBox } from './plan-bulk.js'

/** The CSS custom properties the marks are drawn in. */
export const MARK_COLOURS = ['--device', '--device-stale', '--plan-bg', '--text', '--level-1', '--level-2', '--level-3', '--level-4'] as const
export type MarkColours = Record<string, string>

/** What the canvas shows: everything the worker needs, with the colours resolved. */
export interface BulkScene {
  /** The canvas's size in CSS pixels (the plan's laid-out box) and the device pixel ratio. */
  w: number
  h: number
  dpr: number
  /** The metres shown, fitted to the box as the plan's SVGs fit theirs (`xMidYMid meet`). */
  view: ViewBox
  /** The unit of marks, in metres. */
  u: number
  marks: PlanMark[]
  colours: MarkColours
}

type Context2D = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D

export function drawBulk(ctx: Context2D, s: BulkScene): void {
  const width = Math.max(1, Math.round(s.w * s.dpr))
  const height = Math.max(1, Math.round(s.h * s.dpr))
  if (ctx.canvas.width !== width) ctx.canvas.width = width
  if (ctx.canvas.height !== height) ctx.canvas.height = height
  ctx.setTransform(1, 0, 0, 1, 0, 0)
  ctx.clearRect(0, 0, width, height)
  const fit = fitView(s.view, s.w, s.h)
  if (fit.scale <= 0 || s.marks.length === 0) return
  ctx.setTransform(s.dpr * fit.scale, 0, 0, s.dpr * fit.scale, s.dpr * fit.x, s.dpr * fit.y)
  const colour = (name: string): string => s.colours[name] ?? '#888'
  for (const layer of markLayers(bulkPaths(s.marks, s.u * 1.1))) {
    const path = new Path2D(layer.d)
    if (layer.fill !== null) {
      ctx.fillStyle = colour(layer.fill)
      ctx.fill(path)
    }
    ctx.strokeStyle = colour(layer.stroke)
    ctx.lineWidth = s.u * layer.width
    ctx.setLineDash(layer.dash === undefined ? [] : layer.dash.map((k) => k * s.u))
    ctx.stroke(path)
  }
}
