/**
 * What part of a park's site the plan shows, in metres, and the length of its scale bar.
 */
import type { ViewBox } from './plan-bulk.js'

/** The whole site with a 3 % margin, or `focus` with its surroundings (35 % of its larger side, plus 1/60 of the site's). */
export function viewOf(site: { width: number; height: number }, focus: ViewBox | undefined): ViewBox {
  const [W, H] = [site.width, site.height]
  if (focus === undefined) {
    const m = Math.max(W, H) * 0.03
    return { x: -m, y: -m, w: W + 2 * m, h: H + 2 * m }
  }
  const pad = Math.max(focus.w, focus.h) * 0.35 + Math.max(W, H) / 60
  return { x: focus.x - pad, y: focus.y - pad, w: focus.w + 2 * pad, h: focus.h + 2 * pad }
}

/** The scale bar's length in metres: the longest of 1, 2, 5 or 10 × a power of ten within a fifth of the view's width inside its margins. */
export function scaleBarLength(viewW: number, margin: number): number {
  const raw = (viewW - 2 * margin) / 5
  const mag = 10 ** Math.floor(Math.log10(raw))
  return [1, 2, 5, 10].map((k) => k * mag).filter((v) => v <= raw).pop() ?? mag
}
