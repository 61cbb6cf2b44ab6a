import { describe, expect, it } from 'vitest'
import { parseZone, ZoneFileError } from '../../../hub/src/config/zone-file.js'
import { parkGeo } from '../../../simulators/src/zone/zone-geo.js'

const zone = (parkExtra: string, zoneExtra = ''): string => `
id: z
name: 区
nameEn: Zone
parks:
  - id: p
    name: 园
    nameEn: Park
    kind: chemical
    site: { width: 100, height: 100, buildings: [] }
    areas: []
    enterprises: []
${parkExtra}
gateways: []
devices: []
users: []
${zoneExtra}`

function problem(text: string): string {
  try {
    parseZone(text, 'zone.yaml')
  } catch (err) {
    expect(err).toBeInstanceOf(ZoneFileError)
    return (err as Error).message
  }
  throw new Error('accepted')
}

describe('the zone map in the zone file (WGS-84 [lon, lat])', () => {
  it('takes a park centre and outline, and the roads, rivers and basemap of the zone', () => {
    const z = parseZone(zone(
      '    geo: { center: [101.72, 26.58], boundary: [[101.7, 26.57], [101.74, 26.57], [101.74, 26.6]] }',
      `map:
  basemap: { url: 'https://webrd0{s}.is.autonavi.com/appmaptile?style=8&x={x}&y={y}&z={z}', crs: gcj02, subdomains: '1234' }
  features: [ { kind: river, name: 金沙江, line: [[101.5, 26.6], [101.8, 26.5]] } ]`,
    ), 'zone.yaml')
    expect(z.parks[0]!.geo?.center).toEqual([101.72, 26.58])
    expect(z.map?.basemap?.crs).toBe('gcj02')
    expect(z.map?.features?.[0]?.line).toHaveLength(2)
  })

  it.each([
    ['a longitude past 180', '    geo: { center: [181, 26.5] }', '', '/parks/0/geo/center/0'],
    ['a latitude past 90', '    geo: { center: [101, 91] }', '', '/parks/0/geo/center/1'],
    ['an outline of two points', '    geo: { center: [101, 26], boundary: [[101, 26], [101.1, 26]] }', '', '/parks/0/geo/boundary'],
    ['a basemap without {z}', '', "map: { basemap: { url: 'https://tiles.example/x.png', crs: wgs84 } }", '/map/basemap/url'],
    ['a basemap in Baidu BD-09', '', "map: { basemap: { url: 'https://tiles.example/{z}/{x}/{y}.png', crs: bd09 } }", '/map/basemap/crs'],
  ])('refuses %s, naming where', (_name, park, extra, path) => {
    expect(problem(zone(park, extra))).toContain(path)
  })

  it('places the demo parks near Panzhihua with a closed outline of a few kilometres', () => {
    const g = parkGeo('vtc', { x: 26, y: 48 }, 9)
    expect(g.center[0]).toBeCloseTo(101.764, 2)
    expect(g.center[1]).toBeCloseTo(26.516, 2)
    expect(g.boundary).toHaveLength(8)
    const eastKm = (Math.max(...g.boundary!.map((p) => p[0])) - g.center[0]) * 111.32 * Math.cos((26.95 * Math.PI) / 180)
    expect(eastKm).toBeGreaterThan(1)
    expect(eastKm).toBeLessThan(5)
  })
})
