import { Type, type Static } from 'typebox'

/**
 * The zone map's ground, from the zone file (docs/zone-map.md): each park's position and
 * boundary in real coordinates, the roads and rivers worth drawing, and an optional online
 * basemap. Coordinates are stored as WGS-84 longitude / latitude (GeoJSON order, [lon, lat]);
 * a basemap in GCJ-02 (Amap, Tencent: the coordinate system Chinese web maps must use, GB/T
 * 35764 family practice) gets the zone's coordinates converted for display, never stored so.
 * Tianditu uses CGCS2000, which differs from WGS-84 by centimetres: taken as WGS-84.
 */

/** [longitude, latitude], WGS-84 degrees. */
export const LonLat = Type.Tuple([Type.Number({ minimum: -180, maximum: 180 }), Type.Number({ minimum: -90, maximum: 90 })])
export type LonLat = Static<typeof LonLat>

export const ParkGeo = Type.Object(
  {
    /** Where the park's label and marker sit. */
    center: LonLat,
    /** The park's outline, a closed ring (the last point joins the first); absent: a marker at the centre. */
    boundary: Type.Optional(Type.Array(LonLat, { minItems: 3, maxItems: 5000 })),
  },
  { additionalProperties: false },
)
export type ParkGeo = Static<typeof ParkGeo>

export const MapFeature = Type.Object(
  {
    kind: Type.Union([Type.Literal('road'), Type.Literal('river'), Type.Literal('rail')]),
    name: Type.Optional(Type.String()),
    nameEn: Type.Optional(Type.String()),
    line: Type.Array(LonLat, { minItems: 2, maxItems: 5000 }),
  },
  { additionalProperties: false },
)
export type MapFeature = Static<typeof MapFeature>

/**
 * An online tile basemap, optional: `url` with `{z}`, `{x}`, `{y}` (and `{s}` for subdomains,
 * `{k}` for the key), e.g. Tianditu's `https://t{s}.tianditu.gov.cn/vec_w/wmts?...&tk={k}`.
 * The key is a browser key: every tile request carries it, so it is no secret from the
 * dashboard's users. Without network access the map draws from the zone file alone.
 */
export const Basemap = Type.Object(
  {
    url: Type.String({ pattern: '^https?://[^\\s]*\\{z\\}[^\\s]*$', maxLength: 1000 }),
    /** The basemap's coordinate system: wgs84 (also Tianditu's CGCS2000) or gcj02 (Amap, Tencent). */
    crs: Type.Union([Type.Literal('wgs84'), Type.Literal('gcj02')]),
    key: Type.Optional(Type.String({ maxLength: 200 })),
    subdomains: Type.Optional(Type.String({ maxLength: 20 })),
    attribution: Type.Optional(Type.String({ maxLength: 300 })),
    maxZoom: Type.Optional(Type.Integer({ minimum: 1, maximum: 22 })),
  },
  { additionalProperties: false },
)
export type Basemap = Static<typeof Basemap>

export const ZoneMapSettings = Type.Object(
  {
    basemap: Type.Optional(Basemap),
    features: Type.Optional(Type.Array(MapFeature, { maxItems: 500 })),
  },
  { additionalProperties: false },
)
export type ZoneMapSettings = Static<typeof ZoneMapSettings>
