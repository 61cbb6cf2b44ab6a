/**
 * A park's weather station (docs/hazard.md): `wind_speed` (m/s at about 10 m), `wind_dir` (where
 * the wind blows from, ° clockwise from north), `air_temp` (°C) and `stability` (the
 * Pasquill–Gifford class A–F as 1–6, as stations with a radiation sensor derive it) — the
 * metrics the device lists. It reads the simulated park's wind (world.ts, the same wind that
 * carries the leaks' gas), with an anemometer's noise (±5 % speed, ±3° direction, vane and cup
 * accuracies of common ultrasonic sensors, check); the air temperature follows the day (a
 * Panzhihua-like dry-valley day: 14 °C at dawn to 30 °C mid-afternoon, check).
 */
import type { Device } from '../../../hub/src/model/device.js'
import { ouStep, type Rng } from '../prng.js'
import { round } from './gas-detector.js'
import type { DeviceModel, Sample, WorldView } from './types.js'
import { localTime } from './types.js'

const CLASS_NUMBER = { A: 1, B: 2, C: 3, D: 4, E: 5, F: 6 } as const

export class WeatherStationModel implements DeviceModel {
  private tempOffset = 0
  private lastT: number | undefined
  /** Without a simulated wind (a world that has none): a breeze of its own. */
  private readonly ownDir: number
  private readonly ownSpeed: number

  constructor(
    private readonly device: Device,
    private readonly rng: Rng,
  ) {
    this.ownDir = rng.uniform(0, 360)
    this.ownSpeed = rng.uniform(1.5, 3)
  }

  sample(t: number, world: WorldView): Sample | null {
    const dt = this.lastT === undefined ? 0 : Math.max(0, (t - this.lastT) / 1000)
    this.lastT = t
    this.tempOffset = ouStep(this.rng, this.tempOffset, 0, 1.2, 3 * 3600, dt)
    const wind = world.windIn?.(this.device.park) ?? { speed: this.ownSpeed, fromDeg: this.ownDir, stability: 'D' as const }
    const { hour } = localTime(t, world.tzOffsetMin)
    const temp = 22 + 8 * Math.sin(((hour - 9) / 24) * 2 * Math.PI) + this.tempOffset
    const values: Record<string, number> = {
      wind_speed: round(Math.max(0, wind.speed * (1 + this.rng.truncGaussian(0, 0.05))), 1),
      wind_dir: round((((wind.fromDeg + this.rng.truncGaussian(0, 3)) % 360) + 360) % 360, 0),
      air_temp: round(temp, 1),
      stability: CLASS_NUMBER[wind.stability],
    }
    const picked: Record<string, number> = {}
    for (const m of this.device.metrics) if (values[m] !== undefined) picked[m] = values[m]
    return Object.keys(picked).length === 0 ? null : { values: picked }
  }
}
