/**
 * From the zone file's WGS-84 coordinates to what the basemap draws in. Chinese web maps
 * (Amap, Tencent) are in GCJ-02, the offset datum their maps must use: a WGS-84 point drawn
 * on them unconverted lands 100–700 m off. Tianditu (CGCS2000) and a map without a basemap
 * take WGS-84 as is. The conversion is gcoord's (outside China it changes nothing).
 */
import gcoordImport from 'gcoord'
import type { LonLat } from '../../../../hub/src/model/zone-map.js'

/**
 * gcoord ships CommonJS for Node and an ES module for bundlers, typed as the latter's default
 * export; under Node's module resolution TypeScript types the import as the module itself.
 */
interface Gcoord {
  transform<T>(input: T, from: string, to: string): T
  WGS84: string
  GCJ02: string
}
const imported = gcoordImport as unknown as Gcoord & { default?: Gcoord }
const gcoord: Gcoord = imported.default ?? imported

export type MapCrs = 'wgs84' | 'gcj02'

/** Leaflet's [lat, lon] for a stored [lon, lat], in the basemap's coordinate system. */
export function toDisplay(p: LonLat, crs: MapCrs): [number, number] {
  if (crs === 'wgs84') return [p[1], p[0]]
  const [lon, lat] = gcoord.transform([p[0], p[1]], gcoord.WGS84, gcoord.GCJ02)
  return [lat, lon]
}

/** The tile URL Leaflet asks for: the zone file's `{k}` is the key, `{s}` a subdomain, `{z}/{x}/{y}` the tile. */
export function tileUrl(url: string, key: string | undefined): string {
  return key === undefined ? url : url.replaceAll('{k}', encodeURIComponent(key))
}
