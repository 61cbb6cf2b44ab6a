import { describe, expect, it } from 'vitest'
import type { Device } from '../../../hub/src/model/device.js'
import { WeatherStationModel } from '../../../simulators/src/models/weather.js'
import { createRng } from '../../../simulators/src/prng.js'
import { World } from '../../../simulators/src/world.js'
import { T0 } from './scenario-run.js'

const station: Device = { id: 'p-weather-001', kind: 'weather', type: 'station', park: 'p', enterprise: 'e', name: '气象站', metrics: ['wind_speed', 'wind_dir', 'air_temp', 'stability'], position: { x: 0, y: 0 }, interval: 10 }

describe('the weather station model', () => {
  it('reads the simulated park wind that carries the leaks: speed, direction it blows from, class', () => {
    const world = new World(createRng(3), { start: T0, quiet: true })
    world.apply({ kind: 'wind', park: 'p', speed: 2.5, fromDeg: 300, stability: 'E' }, T0)
    const model = new WeatherStationModel(station, createRng(4))
    const samples = Array.from({ length: 60 }, (_, i) => model.sample(T0 + i * 10_000, world)!.values)
    const mean = (m: string): number => samples.reduce((s, v) => s + v[m]!, 0) / samples.length
    expect(mean('wind_speed')).toBeGreaterThan(2.3)
    expect(mean('wind_speed')).toBeLessThan(2.7)
    for (const v of samples) {
      // ±3° vane noise (and no meander: the world is not stepped here), across no wrap at 300°.
      expect(Math.abs(v.wind_dir! - 300)).toBeLessThanOrEqual(13)
      expect(v.stability).toBe(5)
      expect(v.air_temp).toBeGreaterThan(5)
      expect(v.air_temp).toBeLessThan(40)
    }
  })

  it('sends only the metrics the device lists', () => {
    const world = new World(createRng(3), { start: T0, quiet: true })
    const model = new WeatherStationModel({ ...station, metrics: ['wind_speed', 'wind_dir'] }, createRng(4))
    expect(Object.keys(model.sample(T0, world)!.values).sort()).toEqual(['wind_dir', 'wind_speed'])
  })
})
