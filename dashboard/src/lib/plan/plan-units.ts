/**
 * The site plan's scale on screen. Its units, in metres: what one "u" of text, marks and lines
 * measures on the plan, about 1 % of what is shown, so the plan reads the same zoomed in or
 * out, but never smaller or larger on screen than a legible range. And the transform that fits
 * SVGs laid out for one box into another, so a resize moves the plan instead of redrawing it.
 */
import type { ViewBox } from './plan-bulk.js'

/** On screen, a unit is at least this many pixels, and at most MAX_PX. */
export const MIN_PX = 8
export const MAX_PX = 12
/** Marks keep their size while the plan is at most this much smaller or bigger on screen. */
export const MARK_SLACK = 2

/** The unit for a view drawn in a box of boxW × boxH pixels (about 1 % of the view when it has no size yet). */
export function planUnit(view: ViewBox, boxW: number, boxH: number): number {
  const proportional = Math.max(view.w, view.h) / 106
  const pxPerMetre = Math.min(boxW / view.w, boxH / view.h)
  if (!(pxPerMetre > 0)) return proportional
  return Math.min(Math.max(proportional, MIN_PX / pxPerMetre), MAX_PX / pxPerMetre)
}

/**
 * The unit marks and lines are drawn at: `drawn` (the unit they have) while the view is the
 * same and the unit the box asks for is within MARK_SLACK of it either way; `wanted` otherwise.
 * The marks then scale with the plan: the band below the plan opening or closing changes its
 * height by about 1.6×, and redrawing every mark, outline and bulk path of a big park for that
 * is 100 – 200 ms of script, style and layout.
 */
export function keptUnit<V>(drawn: { view: V; u: number } | undefined, view: V, wanted: number): number {
  if (drawn === undefined || drawn.view !== view) return wanted
  return wanted / drawn.u <= MARK_SLACK && drawn.u / wanted <= MARK_SLACK ? drawn.u : wanted
}

export interface Size {
  w: number
  h: number
}

/** What a plan's marks and lines were laid out for: the view, their unit, and the box's size. */
export interface LaidOut<V> {
  view: V
  u: number
  w: number
  h: number
  /** Laid out for a measured box; until then the next box lays them out again. */
  sized: boolean
}

/**
 * The layout to draw: `before` while it holds (a measured box, the same view, its unit kept by
 * `keptUnit`), else a new one for the box as it is now, at the unit the box asks for.
 */
export function relayout<V>(before: LaidOut<V> | undefined, view: V, wanted: number, box: Size, sized: boolean): LaidOut<V> {
  const u = before?.sized ? keptUnit(before, view, wanted) : wanted
  if (before?.sized === true && before.view === view && before.u === u) return before
  return { view, u, w: box.w, h: box.h, sized }
}

/**
 * How an SVG laid out at `drawn` size is moved to show its viewBox as it would be shown in the
 * box (`xMidYMid meet`): a point p of the SVG goes to (x, y) + p × scale. The plan's SVGs keep
 * the size they were drawn at, so the box changing (the band below opening) lays out and
 * re-styles none of their thousands of elements: a transform moves them. Null until both have
 * a size.
 */
export function refit(view: ViewBox, drawn: Size, box: Size): { scale: number; x: number; y: number } | null {
  if (!(drawn.w > 0 && drawn.h > 0 && box.w > 0 && box.h > 0)) return null
  const scale = Math.min(box.w / view.w, box.h / view.h) / Math.min(drawn.w / view.w, drawn.h / view.h)
  // The view's centre, at the centre of either, stays there.
  return { scale, x: box.w / 2 - (scale * drawn.w) / 2, y: box.h / 2 - (scale * drawn.h) / 2 }
}

/** The SVGs' inline style: their drawn size, moved by `refit`; empty (they fill the box) until sized. */
export function refitStyle(view: ViewBox, drawn: Size, box: Size): string {
  const fit = refit(view, drawn, box)
  if (fit === null) return ''
  const size = `width: ${drawn.w}px; height: ${drawn.h}px`
  return fit.scale === 1 && fit.x === 0 && fit.y === 0 ? size : `${size}; transform-origin: 0 0; transform: translate(${fit.x}px, ${fit.y}px) scale(${fit.scale})`
}
