import type { PlacementBody, PlanPlacement, ReferencePoint } from '../model/plan.js'

/**
 * Where a drawing lies on the site: site metres = origin + pixels × metresPerPixel. From two
 * reference points (a corner of a building on the drawing and on the site, say) the scale is
 * the ratio of their distances and the origin follows from the first. A drawing turned against
 * the site's axes would need a rotation the plan does not apply: past 2° the points are refused
 * with the angle, so the drawing is turned before upload (CAD export "align to north").
 */
export const MAX_ROTATION_DEG = 2
/** Reference points closer than this on the drawing give no usable scale. */
const MIN_PIXELS_APART = 10

export class PlacementError extends Error {}

export function placementFrom(body: PlacementBody): PlanPlacement {
  if ('metresPerPixel' in body) return { metresPerPixel: body.metresPerPixel, origin: body.origin ?? { x: 0, y: 0 } }
  return fromPoints(body.points[0], body.points[1])
}

function fromPoints(a: ReferencePoint, b: ReferencePoint): PlanPlacement {
  const [pdx, pdy] = [b.px.x - a.px.x, b.px.y - a.px.y]
  const [mdx, mdy] = [b.m.x - a.m.x, b.m.y - a.m.y]
  const pixels = Math.hypot(pdx, pdy)
  const metres = Math.hypot(mdx, mdy)
  if (pixels < MIN_PIXELS_APART) throw new PlacementError(`the reference points are ${pixels.toFixed(1)} px apart on the drawing: at least ${MIN_PIXELS_APART}`)
  if (metres <= 0) throw new PlacementError('the reference points are the same place on the site')
  let turn = ((Math.atan2(mdy, mdx) - Math.atan2(pdy, pdx)) * 180) / Math.PI
  turn = ((turn + 540) % 360) - 180
  if (Math.abs(turn) > MAX_ROTATION_DEG) throw new PlacementError(`the drawing is turned ${turn.toFixed(1)}° against the site: turn it before upload (at most ${MAX_ROTATION_DEG}°)`)
  const metresPerPixel = metres / pixels
  return { metresPerPixel, origin: { x: a.m.x - a.px.x * metresPerPixel, y: a.m.y - a.px.y * metresPerPixel } }
}
