import { describe, expect, it } from 'vitest'
import { loadGasCatalogue } from '../../../hub/src/catalogue/gas-catalogue.js'
import { computeFootprint, type FootprintInputs } from '../../../hub/src/hazard/footprint.js'
import { levelsOf } from '../../../hub/src/hazard/levels.js'
import { placesInside, pointInPolygon, rectTouchesPolygon } from '../../../hub/src/hazard/places.js'
import { WindHistory } from '../../../hub/src/hazard/wind-history.js'
import type { Park } from '../../../hub/src/model/zone.js'

const catalogue = loadGasCatalogue()

/** A 600 × 400 m park: the chlorination unit at the west, a warehouse and a gate downwind (east), an office upwind. */
const park: Park = {
  id: 'p', name: '园', nameEn: 'Park', kind: 'chemical',
  site: {
    width: 600, height: 400,
    buildings: [
      { id: 'unit', name: '氯化装置', nameEn: 'Chlorination unit', kind: 'unit', rect: { x: 90, y: 190, w: 20, h: 20 } },
      { id: 'store', name: '仓库', nameEn: 'Warehouse', kind: 'building', rect: { x: 150, y: 185, w: 40, h: 30 } },
      { id: 'gate-e', name: '东门', nameEn: 'East gate', kind: 'gate', rect: { x: 205, y: 195, w: 10, h: 10 } },
      { id: 'office', name: '办公楼', nameEn: 'Office', kind: 'building', rect: { x: 10, y: 20, w: 30, h: 20 } },
    ],
  },
  areas: [
    { id: 'a-ti', name: '氯化区', nameEn: 'Chlorination', enterprise: 'ti', rect: { x: 80, y: 170, w: 60, h: 60 } },
    { id: 'a-log', name: '物流区', nameEn: 'Logistics', enterprise: 'log', rect: { x: 145, y: 170, w: 80, h: 60 } },
    { id: 'a-far', name: '北区', nameEn: 'North', enterprise: 'far', rect: { x: 400, y: 0, w: 100, h: 50 } },
  ],
  enterprises: [
    { id: 'ti', name: '钛业', nameEn: 'Ti Co', landMu: 1, outputValue: 1 },
    { id: 'log', name: '物流', nameEn: 'Logistics Co', landMu: 1, outputValue: 1 },
    { id: 'far', name: '远方', nameEn: 'Far Co', landMu: 1, outputValue: 1 },
  ],
  musterPoints: [
    { id: 'm-west', name: '西集合点', position: { x: 20, y: 200 } },
    { id: 'm-east', name: '东集合点', position: { x: 500, y: 200 } },
  ],
}

const base = (over: Partial<FootprintInputs> = {}): FootprintInputs => ({
  park, now: 1_000_000, alarmingGases: ['cl2'], terrain: 'urban', catalogue,
  // Wind from the west (270°) at 2 m/s: chlorine goes east, over the warehouse and the east gate.
  weather: { station: 'wx', speed: 2, fromDeg: 270, spreadDeg: 5, stability: 4, ts: 999_000 },
  detectors: [
    { device: 'cl-1', metric: 'cl2', position: { x: 110, y: 200 }, value: 60, alarming: true },
    { device: 'cl-2', metric: 'cl2', position: { x: 125, y: 203 }, value: 18, alarming: true },
    { device: 'cl-3', metric: 'cl2', position: { x: 100, y: 240 }, value: 0, alarming: false },
  ],
  ...over,
})

describe('emergency levels from the catalogue', () => {
  it('chlorine: AEGL-1/2/3 60-min 0.5 / 2 / 20 ppm → mg/m³ at 20 °C (× 70.90 / 24.04), flagged dense', () => {
    const l = levelsOf('cl2', catalogue)!
    expect(l.scheme).toBe('AEGL-60min')
    expect(l.levels.map((x) => x.threshold)).toEqual([1.47, 5.9, 59])
    expect(l.buoyancy).toBe('dense_gas')
  })

  it('carbon monoxide has no AEGL-1; H2S is modestly heavier; lel uses ALOHA\'s 10 / 60 %LEL', () => {
    expect(levelsOf('co', catalogue)!.levels.map((x) => x.label)).toEqual(['AEGL-2', 'AEGL-3'])
    expect(levelsOf('co', catalogue)!.buoyancy).toBeUndefined()
    expect(levelsOf('h2s', catalogue)!.buoyancy).toBe('heavier_than_air')
    expect(levelsOf('nh3', catalogue)!.buoyancy).toBe('dense_gas') // denseRelease
    expect(levelsOf('lel', catalogue)!.levels).toEqual([{ level: 1, label: '10 %LEL', threshold: 10 }, { level: 3, label: '60 %LEL', threshold: 60 }])
    expect(levelsOf('o2', catalogue)).toBeUndefined()
  })
})

describe('a park footprint', () => {
  it('draws chlorine downwind with its band, names what is inside and the safe assembly point', () => {
    const f = computeFootprint(base())
    expect(f.state).toBe('estimate')
    const plume = f.plumes[0]!
    expect(plume.gas).toBe('cl2')
    expect(plume.source.x).toBeLessThan(110) // upwind (west) of the strongest detector
    expect(plume.contours.map((c) => c.label)).toEqual(['AEGL-1', 'AEGL-2', 'AEGL-3'])
    const aegl1 = plume.contours[0]!
    expect(pointInPolygon({ x: 220, y: 200 }, aegl1.polygon)).toBe(true)
    expect(pointInPolygon({ x: 60, y: 200 }, aegl1.polygon)).toBe(false)
    // The band holds the estimate's tip and more.
    expect(pointInPolygon({ x: plume.source.x + aegl1.reachM * 0.98, y: plume.source.y }, aegl1.band)).toBe(true)
    const ids = plume.places.map((p) => p.id)
    expect(ids).toContain('store')
    expect(ids).toContain('gate-e')
    expect(ids).toContain('log') // a neighbouring enterprise
    expect(ids).not.toContain('office')
    expect(ids).not.toContain('far')
    expect(plume.caveats).toContain('dense_gas')
    expect(plume.caveats).not.toContain('default_stability')
    expect(f.muster[0]).toMatchObject({ id: 'm-west', upwind: true, inside: false })
    expect(f.muster.find((m) => m.id === 'm-east')!.upwind).toBe(false)
  })

  it('follows the wind: from the east, the source is east of the detectors and the gas goes west', () => {
    const f = computeFootprint(base({ weather: { station: 'wx', speed: 2, fromDeg: 90, spreadDeg: 5, stability: 4, ts: 999_000 } }))
    const plume = f.plumes[0]!
    expect(plume.source.x).toBeGreaterThan(125) // both detectors read: the source is upwind of both
    expect(pointInPolygon({ x: 80, y: 200 }, plume.contours[0]!.polygon)).toBe(true)
    expect(f.muster[0]).toMatchObject({ id: 'm-east', upwind: true, inside: false })
  })

  it('draws a combustible gas to ALOHA\'s 10 / 60 %LEL, the source placed 10 m upwind of a lone detector', () => {
    const f = computeFootprint(base({
      alarmingGases: ['lel'],
      detectors: [{ device: 'lel-1', metric: 'lel', position: { x: 110, y: 200 }, value: 70, alarming: true }],
    }))
    const plume = f.plumes[0]!
    expect(plume).toMatchObject({ gas: 'lel', unit: '%LEL', scheme: 'flammable', source: { x: 100, y: 200 } })
    expect(plume.contours.map((c) => c.label)).toEqual(['10 %LEL', '60 %LEL'])
    expect(plume.caveats).toEqual(['one_detector'])
  })

  it('says why there is none', () => {
    expect(computeFootprint(base({ alarmingGases: [] }))).toMatchObject({ state: 'none', reason: 'no_gas_alarm' })
    expect(computeFootprint(base({ weather: 'no_weather_station' }))).toMatchObject({ state: 'none', reason: 'no_weather_station', gases: ['cl2'] })
    expect(computeFootprint(base({ weather: 'weather_stale' })).reason).toBe('weather_stale')
    expect(computeFootprint(base({ alarmingGases: ['o2'] })).reason).toBe('no_levels')
    expect(computeFootprint(base({ detectors: [] })).reason).toBe('no_readings')
  })

  it('flags a default stability, low wind and a single detector', () => {
    const f = computeFootprint(base({
      weather: { station: 'wx', speed: 0.4, fromDeg: 270, spreadDeg: 40, ts: 999_000 },
      detectors: [{ device: 'cl-1', metric: 'cl2', position: { x: 110, y: 200 }, value: 10, alarming: true }],
    }))
    expect(f.wind).toMatchObject({ stability: 'D', stabilitySource: 'default', spreadDeg: 40 })
    expect(f.plumes[0]!.caveats).toEqual(expect.arrayContaining(['dense_gas', 'low_wind', 'default_stability', 'one_detector']))
  })
})

describe('places inside', () => {
  const square: [number, number][] = [[0, 0], [100, 0], [100, 100], [0, 100]]
  it('a rectangle touching a polygon by a corner, by an edge crossing, or holding it', () => {
    expect(rectTouchesPolygon({ x: 90, y: 90, w: 30, h: 30 }, square)).toBe(true)
    expect(rectTouchesPolygon({ x: -10, y: 40, w: 200, h: 5 }, square)).toBe(true) // crosses, no corner inside
    expect(rectTouchesPolygon({ x: -10, y: -10, w: 300, h: 300 }, square)).toBe(true) // holds it
    expect(rectTouchesPolygon({ x: 101, y: 0, w: 5, h: 5 }, square)).toBe(false)
  })

  it('band-only places come after those the estimate covers', () => {
    const contours = [{ level: 2 as const, label: 'AEGL-2', threshold: 1, polygon: square, band: [[0, 0], [300, 0], [300, 300], [0, 300]] as [number, number][], reachM: 100 }]
    const out = placesInside({ ...park, areas: [], enterprises: [], site: { ...park.site, buildings: [
      { id: 'far', name: 'far', rect: { x: 250, y: 250, w: 10, h: 10 } },
      { id: 'near', name: 'near', rect: { x: 10, y: 10, w: 10, h: 10 } },
    ] } }, contours)
    expect(out.map((p) => [p.id, p.bandOnly])).toEqual([['near', false], ['far', true]])
  })
})

describe('wind direction spread', () => {
  it('is the circular standard deviation of the last 10 minutes, across north', () => {
    const h = new WindHistory()
    const t0 = 10_000_000
    ;[350, 10, 350, 10].forEach((d, i) => h.add('s', t0 + i * 1000, d, t0 + i * 1000))
    // Four directions ±10° about north: R̄ = cos 10° → √(−2 ln cos 10°) = 10.0°.
    expect(h.spread('s', t0 + 4000)).toBeCloseTo(10.03, 1)
    expect(h.spread('s', t0 + 20 * 60_000)).toBe(0) // all older than 10 min
  })
})
