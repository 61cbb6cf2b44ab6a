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

/** Calm marks in the order the plan draws them (markLayers); alarming ones go over them, the most severe last. */
const CALM = ['fresh', 'stale', 'offline', 'nodata']
const drawnAt = (m: PlanMark): number => (m.level === null ? CALM.indexOf(m.connectivity) : 10 - m.level)

/**
 * The bulk drawn by stamping: each kind of mark (its connectivity and level) is drawn once into
 * a small sprite, with the plan's own path and styles for one mark (`bulkPaths`, `markLayers`),
 * and the sprite is copied to each mark's position, rounded to the device pixel. Filling and
 * stroking one path of a few thousand marks per layer took the worker 100 – 200 ms of CPU a
 * scene (a trace of the bench's park switches: four scenes), CPU the page's own frames need on
 * a two-core machine.
 */
export function drawBulk(ctx: Context2D, s: BulkScene): void {
  const width = Math.max(1, Math.round(s.w * s.dpr))
  const height = Math.max(1, Math.round(s.h * s.dpr))
  if (ctx.canvas.width !== width) ctx.canvas.width = width
  if (ctx.canvas.height !== height) ctx.canvas.height = height
  ctx.setTransform(1, 0, 0, 1, 0, 0)
  ctx.clearRect(0, 0, width, height)
  const fit = fitView(s.view, s.w, s.h)
  if (fit.scale <= 0 || s.marks.length === 0) return
  const scale = s.dpr * fit.scale
  const r = s.u * 1.1
  // Half the sprite's side: the widest mark (an offline alarm's ring, 2.1 r) and its line, and a pixel.
  const half = Math.ceil((r * 2.1 + s.u * 0.3) * scale) + 1
  const colour = (name: string): string => s.colours[name] ?? '#888'
  const byKind = new Map<string, PlanMark[]>()
  for (const m of s.marks) {
    const kind = `${m.connectivity}/${m.level ?? ''}`
    const same = byKind.get(kind)
    if (same === undefined) byKind.set(kind, [m])
    else same.push(m)
  }
  for (const marks of [...byKind.values()].sort((a, b) => drawnAt(a[0]!) - drawnAt(b[0]!))) {
    const sprite = new OffscreenCanvas(2 * half, 2 * half)
    const pen = sprite.getContext('2d')!
    pen.setTransform(scale, 0, 0, scale, half, half)
    for (const layer of markLayers(bulkPaths([{ ...marks[0]!, x: 0, y: 0 }], r))) {
      const path = new Path2D(layer.d)
      if (layer.fill !== null) {
        pen.fillStyle = colour(layer.fill)
        pen.fill(path)
      }
      pen.strokeStyle = colour(layer.stroke)
      pen.lineWidth = s.u * layer.width
      pen.setLineDash(layer.dash === undefined ? [] : layer.dash.map((k) => k * s.u))
      pen.stroke(path)
    }
    for (const m of marks) ctx.drawImage(sprite, Math.round(s.dpr * (fit.x + fit.scale * m.x)) - half, Math.round(s.dpr * (fit.y + fit.scale * m.y)) - half)
  }
}
