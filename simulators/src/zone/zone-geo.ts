/**
 * Where the demo zone's parks lie on the zone map, and the roads and rivers drawn between them.
 * Schematic, not surveyed: each park's centre comes from its schematic map position (km east
 * and south of a reference point near Panzhihua), its outline is an irregular octagon of a few
 * kilometres, the Jinsha and Yalong rivers and the G5 expressway follow their courses roughly.
 * A real zone file carries surveyed WGS-84 boundaries instead (docs/zone-map.md).
 */
import type { ParkGeo, ZoneMapSettings } from '../../../hub/src/model/zone-map.js'

/** Reference point of the schematic map positions: 101.50° E, 26.95° N (WGS-84). */
const REF = { lon: 101.5, lat: 26.95 }
/** Kilometres per degree of latitude, and of longitude at the reference latitude. */
const KM_PER_DEG_LAT = 110.574
const KM_PER_DEG_LON = 111.32 * Math.cos((REF.lat * Math.PI) / 180)

const round = (v: number): number => Math.round(v * 1e6) / 1e6

/** A small stable number in [0, 1) from a park id, so outlines differ without the generator's random stream. */
function jitter(id: string, i: number): number {
  let h = 2166136261 ^ i
  for (let k = 0; k < id.length; k++) h = Math.imul(h ^ id.charCodeAt(k), 16777619)
  return ((h >>> 0) % 1000) / 1000
}

export function parkGeo(id: string, mapPosition: { x: number; y: number }, enterprises: number): ParkGeo {
  const lon = REF.lon + mapPosition.x / KM_PER_DEG_LON
  const lat = REF.lat - mapPosition.y / KM_PER_DEG_LAT
  const radiusKm = 1.2 + 0.35 * Math.sqrt(Math.max(1, enterprises))
  const boundary: [number, number][] = []
  for (let i = 0; i < 8; i++) {
    const a = (i / 8) * 2 * Math.PI
    const r = radiusKm * (0.75 + 0.5 * jitter(id, i))
    boundary.push([round(lon + (r * Math.cos(a)) / KM_PER_DEG_LON), round(lat + (r * Math.sin(a)) / KM_PER_DEG_LAT)])
  }
  return { center: [round(lon), round(lat)], boundary }
}

/** Rivers and the expressway of the demo zone, schematic. No basemap: the demo works offline. */
export const DEMO_MAP: ZoneMapSettings = {
  features: [
    { kind: 'river', name: '金沙江', nameEn: 'Jinsha River', line: [[101.45, 26.64], [101.56, 26.6], [101.65, 26.58], [101.72, 26.56], [101.8, 26.54], [101.88, 26.5], [102.0, 26.45], [102.1, 26.42]] },
    { kind: 'river', name: '雅砻江', nameEn: 'Yalong River', line: [[101.75, 26.95], [101.78, 26.75], [101.8, 26.6], [101.8, 26.54]] },
    { kind: 'road', name: 'G5 京昆高速', nameEn: 'G5 Beijing–Kunming Expressway', line: [[102.12, 26.95], [101.95, 26.75], [101.85, 26.58], [101.75, 26.4], [101.7, 26.3]] },
  ],
}
