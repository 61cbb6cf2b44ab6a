import { describe, expect, it } from 'vitest'
import { compassOf, contourLabels, drawOrder, polygonPath, rateUnit, warningLevelOf, worthTelling } from '../../../dashboard/src/lib/plan/footprint-view.js'
import type { FootprintPlume, ParkFootprint } from '../../../hub/src/model/footprint.js'

const plume = (reaches: [1 | 2 | 3, number][]): FootprintPlume => ({
  gas: 'cl2', unit: 'mg/m³', scheme: 'AEGL-60min', source: { x: 0, y: 0 }, rate: 1, rateLow: 0.5, rateHigh: 2, detectors: [], places: [], caveats: [],
  contours: reaches.map(([level, r]) => ({ level, label: `AEGL-${level}`, threshold: level, reachM: r, band: [], polygon: [[0, 0], [r, 2], [r, -2]] })),
})

describe('footprint drawing', () => {
  it('closes a polygon into a path, and draws nothing for fewer than three points', () => {
    expect(polygonPath([[0, 0], [10, 0], [10, 5]])).toBe('M0 0L10 0L10 5Z')
    expect(polygonPath([[0, 0], [1, 1]])).toBe('')
  })

  it('colours AEGL-3 as a red (I) warning and AEGL-1 as yellow (III); gravest drawn last', () => {
    expect(warningLevelOf({ level: 3 })).toBe(1)
    expect(warningLevelOf({ level: 1 })).toBe(3)
    expect(drawOrder(plume([[3, 20], [1, 150], [2, 70]])).map((c) => c.level)).toEqual([1, 2, 3])
  })

  it('labels the tips outermost first, leaving out a label too close to one placed', () => {
    expect(contourLabels(plume([[3, 20], [2, 70], [1, 150]]), 30).map((l) => l.label)).toEqual(['AEGL-1', 'AEGL-2', 'AEGL-3'])
    expect(contourLabels(plume([[3, 60], [2, 70], [1, 150]]), 30).map((l) => l.label)).toEqual(['AEGL-1', 'AEGL-2'])
  })

  it('names the wind by the 8-point compass, across north', () => {
    expect([0, 44, 90, 200, 270, 350, -10].map(compassOf)).toEqual(['N', 'NE', 'E', 'S', 'W', 'N', 'N'])
  })

  it('gives the release rate\'s unit and says when there is something to tell', () => {
    expect(rateUnit({ unit: 'mg/m³' })).toBe('mg/s')
    expect(rateUnit({ unit: '%LEL' })).toBe('%LEL·m³/s')
    const none = (reason: ParkFootprint['reason']): ParkFootprint => ({ park: 'p', computedAt: 0, state: 'none', reason, plumes: [], muster: [] })
    expect(worthTelling(none('no_gas_alarm'))).toBe(false)
    expect(worthTelling(none('no_weather_station'))).toBe(true)
    expect(worthTelling(undefined)).toBe(false)
  })
})
