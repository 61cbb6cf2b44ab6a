import { describe, expect, it } from 'vitest'
import { tileUrl, toDisplay } from '../../../dashboard/src/lib/map/map-coords.js'

describe('zone map coordinates', () => {
  it('keeps WGS-84 for a WGS-84 (or Tianditu CGCS2000) basemap, swapping to Leaflet order', () => {
    expect(toDisplay([101.72, 26.58], 'wgs84')).toEqual([26.58, 101.72])
  })

  it('converts to GCJ-02 for Amap and Tencent: Tiananmen moves some 600 m, as their maps show it', () => {
    // WGS-84 116.3974799 E, 39.9087202 N (Tiananmen) is 116.40372 E, 39.91012 N on Amap.
    const [lat, lon] = toDisplay([116.3974799, 39.9087202], 'gcj02')
    expect(lon).toBeCloseTo(116.40372, 4)
    expect(lat).toBeCloseTo(39.91012, 4)
    // The demo zone (Panzhihua): about 160 m east and 400 m south.
    const [plat, plon] = toDisplay([101.72, 26.58], 'gcj02')
    expect((plon - 101.72) * 111_320 * Math.cos((26.58 * Math.PI) / 180)).toBeCloseTo(157, -1)
    expect((plat - 26.58) * 110_574).toBeCloseTo(-393, -1)
  })

  it('leaves points outside China where they are (GCJ-02 applies only inside)', () => {
    expect(toDisplay([-0.1276, 51.5072], 'gcj02')).toEqual([51.5072, -0.1276])
  })

  it('puts the key into the tile URL, encoded', () => {
    expect(tileUrl('https://t{s}.tianditu.gov.cn/vec_w/wmts?x={x}&y={y}&l={z}&tk={k}', 'a b')).toBe('https://t{s}.tianditu.gov.cn/vec_w/wmts?x={x}&y={y}&l={z}&tk=a%20b')
    expect(tileUrl('https://tiles.example/{z}/{x}/{y}.png', undefined)).toBe('https://tiles.example/{z}/{x}/{y}.png')
  })
})
