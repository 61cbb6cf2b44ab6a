import { Type, type Static } from 'typebox'

/**
 * A park's site plan drawing (docs/site-plans.md): an image exported from CAD or an aerial
 * photo, uploaded by an admin, laid under the buildings and devices, which stay in metres on
 * the site as before. Where it lies: `metresPerPixel` and the site position of its top-left
 * corner, given directly or fitted from two reference points (pixel → metres).
 */
export const PlanPlacement = Type.Object(
  {
    metresPerPixel: Type.Number({ exclusiveMinimum: 0, maximum: 1000 }),
    /** Site metres of the image's top-left corner. */
    origin: Type.Object({ x: Type.Number(), y: Type.Number() }, { additionalProperties: false }),
  },
  { additionalProperties: false },
)
export type PlanPlacement = Static<typeof PlanPlacement>

const Pair = Type.Object({ x: Type.Number(), y: Type.Number() }, { additionalProperties: false })
/** Two points known on both the drawing (pixels) and the site (metres). */
export const ReferencePoint = Type.Object({ px: Pair, m: Pair }, { additionalProperties: false })
export type ReferencePoint = Static<typeof ReferencePoint>

/** `PUT /parks/:park/plan/placement`: a scale (and origin), or two reference points. */
export const PlacementBody = Type.Union([
  Type.Object({ metresPerPixel: Type.Number({ exclusiveMinimum: 0, maximum: 1000 }), origin: Type.Optional(Pair) }, { additionalProperties: false }),
  Type.Object({ points: Type.Tuple([ReferencePoint, ReferencePoint]) }, { additionalProperties: false }),
])
export type PlacementBody = Static<typeof PlacementBody>

export const PlanImageInfo = Type.Object(
  {
    format: Type.Union([Type.Literal('png'), Type.Literal('jpeg')]),
    /** What was uploaded: an SVG is rasterised to PNG (it could carry scripts). */
    uploaded: Type.Union([Type.Literal('png'), Type.Literal('jpeg'), Type.Literal('svg')]),
    width: Type.Integer({ minimum: 1 }),
    height: Type.Integer({ minimum: 1 }),
    bytes: Type.Integer({ minimum: 1 }),
    /** Changes with every upload: the dashboard's cache key. */
    version: Type.String(),
    uploadedAt: Type.Number(),
    uploadedBy: Type.String(),
  },
  { additionalProperties: false },
)
export type PlanImageInfo = Static<typeof PlanImageInfo>

export const PlanInfo = Type.Object(
  {
    park: Type.String(),
    image: Type.Optional(PlanImageInfo),
    /** Absent until set: the image is then drawn to fill the site. */
    placement: Type.Optional(PlanPlacement),
  },
  { additionalProperties: false },
)
export type PlanInfo = Static<typeof PlanInfo>
