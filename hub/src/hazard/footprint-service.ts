/**
 * Keeps each park's hazard footprint up to date, off the readings' path (docs/hazard.md): a
 * timer every `periodMs` (default 3 s) samples the weather stations' latest values (for the wind
 * direction's spread) and, for every park with an active gas alarm, gathers the inputs of
 * footprint.ts from the latest-value cache and the alarm book. A park is computed again only when
 * its inputs changed (the gases, a detector's value, a new weather reading), and pushed live only
 * when the result differs; a footprint that goes away is pushed once as `none`.
 */
import { gasCatalogue } from '../catalogue/gas-catalogue.js'
import type { Alarm } from '../model/alarm.js'
import type { Device } from '../model/device.js'
import type { ParkFootprint } from '../model/footprint.js'
import type { Park, Zone } from '../model/zone.js'
import type { Terrain } from './dispersion.js'
import { computeFootprint, type FootprintInputs, type GasDetectorInput, type WeatherInput } from './footprint.js'
import { WindHistory } from './wind-history.js'

/** A reading older than this (or 3 × the device's interval, if longer) is no longer "now", s. */
const FRESH_SEC = 60
/** A weather reading older than this cannot steer a footprint, s (a station reports every 10 s in the demo). */
const WEATHER_STALE_SEC = 300
/** Metrics with no point concentration to fit: oxygen (%VOL displaced), open-path LEL·m. */
const NOT_FITTED = new Set(['o2', 'lel_m'])

export interface FootprintDeps {
  zone: Zone
  devices: () => Iterable<Device>
  latest: (device: string) => Readonly<Record<string, { value: number; ts: number }>> | undefined
  activeAlarms: () => Alarm[]
  push: (footprint: ParkFootprint) => void
  clock: () => number
  periodMs?: number
  /** Dispersion curves: `urban` (the default: an industrial site's tanks, units and buildings roughen the air as a built-up area does) or `rural`. */
  terrain?: Terrain
  log?: { warn(o: object, m: string): void }
}

export class FootprintService {
  private readonly parks: ReadonlyMap<string, Park>
  private readonly wind = new WindHistory()
  private readonly current = new Map<string, { inputsKey: string; footprint: ParkFootprint; shown: string }>()
  /** What was last pushed live per park (a GET computes too, and must not hide a change from the push). */
  private readonly pushed = new Map<string, { shown: string; drawn: boolean }>()
  private byPark: Map<string, Device[]> | undefined
  private byId: Map<string, Device> | undefined
  private timer: NodeJS.Timeout | undefined

  constructor(private readonly d: FootprintDeps) {
    this.parks = new Map(d.zone.parks.map((p) => [p.id, p]))
  }

  start(): void {
    this.timer ??= setInterval(() => this.tick(), this.d.periodMs ?? 3000)
    this.timer.unref()
  }

  close(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  /** Devices were added, moved or retired: the per-park lists are built again at the next need. */
  devicesChanged(): void {
    this.byPark = undefined
    this.byId = undefined
  }

  /** The park's footprint as of now (computed when its inputs changed since the last one); undefined for an unknown park. */
  footprint(park: string): ParkFootprint | undefined {
    if (!this.parks.has(park)) return undefined
    this.sampleWind()
    const alarming = this.gasesInAlarm()
    return this.refresh(park, alarming.gases.get(park) ?? [], alarming.devices).footprint
  }

  /** One round: sample the wind, recompute parks with gas alarms and those whose footprint just went. */
  tick(): void {
    try {
      this.sampleWind()
      const alarming = this.gasesInAlarm()
      // Parks with a gas alarm, and those whose last push was not "no gas alarm" (so its end is pushed once).
      const parks = new Set([...alarming.gases.keys(), ...[...this.pushed].filter(([, p]) => p.drawn).map(([park]) => park)])
      for (const park of parks) {
        const now = this.refresh(park, alarming.gases.get(park) ?? [], alarming.devices)
        if (now.shown === this.pushed.get(park)?.shown) continue
        this.pushed.set(park, { shown: now.shown, drawn: now.footprint.reason !== 'no_gas_alarm' })
        this.d.push(now.footprint)
      }
    } catch (err) {
      this.d.log?.warn({ err: (err as Error).message }, 'hazard footprint not computed')
    }
  }

  private refresh(park: string, gases: string[], alarmingDevices: ReadonlySet<string>): { footprint: ParkFootprint; shown: string } {
    const inputs = this.inputs(this.parks.get(park)!, gases, alarmingDevices)
    const key = inputsKey(inputs)
    const held = this.current.get(park)
    if (held && held.inputsKey === key) return held
    const footprint = computeFootprint(inputs)
    const entry = { inputsKey: key, footprint, shown: JSON.stringify({ ...footprint, computedAt: 0 }) }
    this.current.set(park, entry)
    return entry
  }

  /** The gas detectors and weather stations, by park and by id (built again after a device change). */
  private index(): { byPark: Map<string, Device[]>; byId: Map<string, Device> } {
    if (!this.byPark || !this.byId) {
      this.byPark = new Map()
      this.byId = new Map()
      for (const dev of this.d.devices()) {
        if (dev.kind !== 'gas' && dev.kind !== 'weather') continue
        this.byId.set(dev.id, dev)
        const list = this.byPark.get(dev.park) ?? []
        list.push(dev)
        this.byPark.set(dev.park, list)
      }
    }
    return { byPark: this.byPark, byId: this.byId }
  }

  private devicesOf(park: string): Device[] {
    return this.index().byPark.get(park) ?? []
  }

  /** Gas metrics in an active alarm per park (the most severe alarm's gas first), and the gas detectors in alarm. */
  private gasesInAlarm(): { gases: Map<string, string[]>; devices: Set<string> } {
    const out = new Map<string, { gas: string; level: number }[]>()
    const devices = new Set<string>()
    const { byId } = this.index()
    for (const a of this.d.activeAlarms()) {
      if (a.condition !== 'active' || a.class !== 'life-safety' || a.device === undefined) continue
      const dev = byId.get(a.device)
      if (!dev || dev.kind !== 'gas') continue
      devices.add(dev.id)
      const gas = a.metric !== undefined && dev.metrics.includes(a.metric) ? a.metric : dev.metrics[0]
      if (gas === undefined || NOT_FITTED.has(gas)) continue
      const list = out.get(a.park) ?? []
      const seen = list.find((x) => x.gas === gas)
      if (seen) seen.level = Math.min(seen.level, a.level)
      else list.push({ gas, level: a.level })
      out.set(a.park, list)
    }
    return { gases: new Map([...out].map(([p, l]) => [p, l.sort((a, b) => a.level - b.level).map((x) => x.gas)])), devices }
  }

  private sampleWind(): void {
    for (const park of this.parks.keys())
      for (const dev of this.devicesOf(park)) {
        if (dev.kind !== 'weather') continue
        const v = this.d.latest(dev.id)?.wind_dir
        if (v) this.wind.add(dev.id, v.ts, v.value, this.d.clock())
      }
  }

  private inputs(park: Park, gases: string[], alarmingDevices: ReadonlySet<string>): FootprintInputs {
    const now = this.d.clock()
    const devices = this.devicesOf(park.id)
    const detectors: GasDetectorInput[] = []
    if (gases.length > 0)
      for (const dev of devices) {
        if (dev.kind !== 'gas' || dev.position === undefined) continue
        const metric = dev.metrics.find((m) => gases.includes(m))
        const v = metric && this.d.latest(dev.id)?.[metric]
        if (!metric || !v || now - v.ts > Math.max(FRESH_SEC, 3 * dev.interval) * 1000 || !Number.isFinite(v.value)) continue
        detectors.push({ device: dev.id, metric, position: dev.position, value: Math.max(0, v.value), alarming: alarmingDevices.has(dev.id) })
      }
    return { park, now, alarmingGases: gases, detectors, weather: this.weatherOf(devices, now), terrain: this.d.terrain ?? 'urban', catalogue: gasCatalogue() }
  }

  /** The freshest station of the park with wind speed and direction. */
  private weatherOf(devices: readonly Device[], now: number): FootprintInputs['weather'] {
    const stations = devices.filter((x) => x.kind === 'weather')
    if (stations.length === 0) return 'no_weather_station'
    let best: WeatherInput | undefined
    for (const s of stations) {
      const l = this.d.latest(s.id)
      const speed = l?.wind_speed
      const dir = l?.wind_dir
      if (!speed || !dir) continue
      const ts = Math.min(speed.ts, dir.ts)
      if (best && best.ts >= ts) continue
      best = { station: s.id, speed: speed.value, fromDeg: ((dir.value % 360) + 360) % 360, spreadDeg: this.wind.spread(s.id, now), stability: l.stability?.value, airTemp: l.air_temp?.value, ts }
    }
    if (!best) return 'no_weather_reading'
    return now - best.ts > WEATHER_STALE_SEC * 1000 ? 'weather_stale' : best
  }
}

/** What decides a park's footprint, as a string: equal keys give equal footprints. */
function inputsKey(i: FootprintInputs): string {
  const w = typeof i.weather === 'string' ? i.weather : [i.weather.station, i.weather.ts, i.weather.speed, i.weather.fromDeg, Math.round(i.weather.spreadDeg), i.weather.stability]
  return JSON.stringify([i.alarmingGases, i.detectors.map((x) => [x.device, x.value, x.alarming]), w])
}
