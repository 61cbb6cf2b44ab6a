/**
 * Zoom and pan of a site plan: the view (metres) the operator moved to, from the one the plan
 * chose (the whole site, or an incident's area). Zooming keeps the point under the pointer (or
 * the centre) where it is; the view never gets smaller than MIN_VIEW_M across (a detector's
 * surroundings) nor larger than the site with its margin twice over, and never leaves the site
 * entirely. Marks and names keep their size on screen: their unit follows the view (plan-units.ts).
 */
import type { ViewBox } from './plan-bulk.js'

/** The smallest view across, metres: a room, a pump, a few detectors. */
export const MIN_VIEW_M = 20
/** The largest view: this many times the whole site's. */
const MAX_OUT = 2
/** One wheel notch or key press: this factor. */
export const ZOOM_STEP = 1.25

/** `factor` > 1 zooms in. `at` (metres) stays where it is on screen; the view's centre by default. */
export function zoomView(view: ViewBox, factor: number, whole: ViewBox, at?: { x: number; y: number }): ViewBox {
  const c = at ?? { x: view.x + view.w / 2, y: view.y + view.h / 2 }
  const larger = Math.max(view.w, view.h)
  const min = Math.min(MIN_VIEW_M, Math.max(whole.w, whole.h))
  const max = Math.max(whole.w, whole.h) * MAX_OUT
  const f = Math.min(Math.max(factor, larger / max), larger / min)
  const next = { x: c.x - (c.x - view.x) / f, y: c.y - (c.y - view.y) / f, w: view.w / f, h: view.h / f }
  return keepInSight(next, whole)
}

/** Move the view by metres (a drag: the plan follows the pointer, so the view moves against it). */
export function panView(view: ViewBox, dx: number, dy: number, whole: ViewBox): ViewBox {
  return keepInSight({ ...view, x: view.x + dx, y: view.y + dy }, whole)
}

/** At least a quarter of the view stays on the site: it cannot be dragged off into nothing. */
function keepInSight(v: ViewBox, whole: ViewBox): ViewBox {
  const [qx, qy] = [v.w / 4, v.h / 4]
  const x = Math.min(Math.max(v.x, whole.x - v.w + qx), whole.x + whole.w - qx)
  const y = Math.min(Math.max(v.y, whole.y - v.h + qy), whole.y + whole.h - qy)
  return { x, y, w: v.w, h: v.h }
}

/** The zoom factor between the whole site and a view, for "1.5×" beside the buttons. */
export function zoomOf(view: ViewBox, whole: ViewBox): number {
  return Math.max(whole.w, whole.h) / Math.max(view.w, view.h)
}
