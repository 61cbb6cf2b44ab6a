/**
 * Labels on the site plan that do not pile up: each label's box is estimated from its text
 * (CJK characters one em wide, others about half), kept inside the drawing, and a label that
 * would overlap one already placed is left out (its name stays in the tooltip). Earlier
 * labels win, so callers list the most important first (areas, then large buildings).
 */
export interface LabelRequest {
  id: string
  text: string
  /** Anchor point: the middle of the text's baseline (or its start for `anchor: 'start'`). */
  x: number
  y: number
  size: number
  anchor: 'start' | 'middle'
}

export interface PlacedLabel extends LabelRequest {
  /** x of the text's start after keeping it inside the bounds. */
  left: number
  width: number
  /** What the label takes: its text with a little room around, kept clear of later labels. */
  box: Box
}

export interface Box {
  x0: number
  y0: number
  x1: number
  y1: number
}

const WIDE = /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/u

/** Estimated advance of `text` at font size `size`. */
export function textWidth(text: string, size: number): number {
  let em = 0
  for (const ch of text) em += WIDE.test(ch) ? 1 : 0.56
  return em * size
}

function overlaps(a: Box, b: Box): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1
}

/**
 * Place labels in order; skip the ones that would collide, and those whose anchor is outside
 * `bounds` (the part of the drawing on screen). A label near an edge is shifted inside.
 */
export function placeLabels(requests: readonly LabelRequest[], bounds: Box): PlacedLabel[] {
  const placed: PlacedLabel[] = []
  const boxes: Box[] = []
  for (const r of requests) {
    if (r.x < bounds.x0 || r.x > bounds.x1 || r.y < bounds.y0 || r.y > bounds.y1) continue
    const width = textWidth(r.text, r.size)
    let left = r.anchor === 'middle' ? r.x - width / 2 : r.x
    left = Math.max(bounds.x0, Math.min(left, bounds.x1 - width))
    const pad = r.size * 0.15
    const box = { x0: left - pad, y0: r.y - r.size * 0.9, x1: left + width + pad, y1: r.y + r.size * 0.25 }
    if (boxes.some((b) => overlaps(b, box))) continue
    boxes.push(box)
    placed.push({ ...r, left, width, box })
  }
  return placed
}
