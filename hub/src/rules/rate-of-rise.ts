/**
 * Rate of rise for heat detectors (`temp`): the slope of the samples in a sliding window, in
 * units per minute, trips at `rateOfRisePerMin` (about 8 °C/min, DOMAIN.md) and clears when
 * it falls below the trip less a deadband (hysteresis, ISA-18.2). Key `${device}:temp:ror`.
 *
 * Slope by least squares over every sample in the window, not first/last difference: a heat
 * detector reports in 0.1–0.5 °C steps, and a first/last difference puts that whole step
 * error on two samples (±0.5 °C over 60 s is ±0.5 °C/min), while the least-squares slope
 * spreads it over all of them and is unbiased with irregular sample times (a gateway that
 * flushes late). The slope is trusted only once the samples span `minSpanSec`, so two
 * samples a few seconds apart cannot fake a steep rise.
 */
import type { AlarmLevel, Transition } from '../model/alarm.js'
import { msg } from '../model/messages/index.js'
import { UNITS } from '../model/vocabulary.js'
import { ConditionBook, type ConditionChange, type ConditionMap } from './condition-book.js'
import { compiledMetric, type DeviceEntry } from './device-entry.js'
import type { RateOfRiseOptions } from './options.js'
import { toLevel, transition } from './transition.js'

export const RATE_OF_RISE_RULE = 'rate_of_rise'

/** Samples of one metric in the window: times (ms) and values, oldest first (plain JSON). */
export interface SampleWindow {
  t: number[]
  v: number[]
}

export interface RateOfRiseState {
  windows: Record<string, SampleWindow>
  conds: ConditionMap
}

export function rorKey(device: string, metric: string): string {
  return `${device}:${metric}:ror`
}

/**
 * Least-squares slope of v over t, per minute. Times are taken relative to the first sample
 * so the sums stay small. Rounded to 1e-6 so that float noise cannot move a value that sits
 * exactly on a set point.
 */
export function slopePerMin(t: readonly number[], v: readonly number[]): number | undefined {
  const n = t.length
  if (n < 2) return undefined
  const t0 = t[0] as number
  let st = 0
  let sv = 0
  for (let i = 0; i < n; i++) {
    st += ((t[i] as number) - t0) / 60_000
    sv += v[i] as number
  }
  const mt = st / n
  const mv = sv / n
  let num = 0
  let den = 0
  for (let i = 0; i < n; i++) {
    const dt = ((t[i] as number) - t0) / 60_000 - mt
    num += dt * ((v[i] as number) - mv)
    den += dt * dt
  }
  if (den === 0) return undefined
  return Math.round((num / den) * 1e6) / 1e6
}

export class RateOfRiseRule {
  private windows: Record<string, SampleWindow> = Object.create(null) as Record<string, SampleWindow>
  private readonly book = new ConditionBook()

  constructor(
    private readonly options: RateOfRiseOptions,
    private readonly level: AlarmLevel,
  ) {}

  evaluate(entry: DeviceEntry, metric: string, value: number, at: number, out: Transition[]): void {
    const cfg = compiledMetric(entry, metric)?.ror
    if (!cfg) return
    const id = entry.place.device
    const rate = this.push(`${id}:${metric}`, value, at)
    if (rate === undefined) return
    const change = this.book.observe(rorKey(id, metric), id, metric, rate, at, cfg)
    if (change) out.push(this.toTransition(entry, change))
  }

  /** The metric's data cannot be trusted now (data-quality.ts): an active trip stays, its clear timer stopped. */
  hold(entry: DeviceEntry, metric: string, at: number): void {
    if (compiledMetric(entry, metric)?.ror) this.book.holdClear(rorKey(entry.place.device, metric), at)
  }

  tick(now: number, lookup: (id: string) => DeviceEntry | undefined, out: Transition[]): void {
    const changes = this.book.tick(now, (c) => compiledMetric(lookup(c.d), c.m)?.ror)
    for (const change of changes) {
      const entry = lookup(change.device)
      if (entry) out.push(this.toTransition(entry, change))
    }
  }

  clearDevice(entry: DeviceEntry, at: number, out: Transition[], keep?: (metric: string) => boolean): void {
    for (const cm of entry.metrics) {
      const metric = cm.metric
      if (!cm.ror || keep?.(metric)) continue
      delete this.windows[`${entry.place.device}:${metric}`]
      const key = rorKey(entry.place.device, metric)
      const cond = this.book.drop(key)
      if (cond && cond.s >= 0) {
        out.push(this.toTransition(entry, { key, device: cond.d, metric, from: cond.s, to: -1, t: Math.max(at, cond.t), v: cond.v }))
      }
    }
  }

  state(): RateOfRiseState {
    return { windows: this.windows, conds: this.book.state() }
  }

  restore(state: RateOfRiseState, lookup: (id: string) => DeviceEntry | undefined): void {
    this.windows = Object.create(null) as Record<string, SampleWindow>
    for (const [key, w] of Object.entries(state.windows)) {
      const sep = key.indexOf(':')
      if (compiledMetric(lookup(key.slice(0, sep)), key.slice(sep + 1))?.ror) this.windows[key] = { t: [...w.t], v: [...w.v] }
    }
    this.book.restore(state.conds, (c) => compiledMetric(lookup(c.d), c.m)?.ror !== undefined)
  }

  /** Add a sample to the window and return the slope, when the window can give one. */
  private push(key: string, value: number, at: number): number | undefined {
    const o = this.options
    let w = this.windows[key]
    if (!w) {
      w = { t: [], v: [] }
      this.windows[key] = w
    }
    const last = w.t[w.t.length - 1]
    // Out of order, or closer than the minimum gap: leave it out (bounds the window to
    // windowSec / minSampleGapSec samples whatever the device's rate).
    if (last !== undefined && at - last < o.minSampleGapSec * 1000) return undefined
    w.t.push(at)
    w.v.push(value)
    const from = at - o.windowSec * 1000
    let drop = 0
    while (drop < w.t.length && (w.t[drop] as number) < from) drop++
    if (drop) {
      w.t.splice(0, drop)
      w.v.splice(0, drop)
    }
    const first = w.t[0] as number
    if (at - first < o.minSpanSec * 1000) return undefined
    return slopePerMin(w.t, w.v)
  }

  private toTransition(entry: DeviceEntry, change: ConditionChange): Transition {
    const trip = compiledMetric(entry, change.metric)?.setpoints.rateOfRisePerMin
    const active = change.to >= 0
    return transition(entry.place, {
      key: change.key,
      rule: RATE_OF_RISE_RULE,
      type: entry.place.kind === 'fire' ? 'fire' : `${change.metric}_rate_of_rise`,
      kind: active ? 'activate' : 'clear',
      level: toLevel(this.level),
      metric: change.metric,
      value: change.v,
      threshold: trip,
      ts: change.t,
      message: active ? `rate of rise ≥ ${trip} ${UNITS[change.metric] ?? ''}/min (now ${change.v})` : undefined,
      said: active ? msg('alarmNote.rateOfRise', { trip: String(trip), unit: UNITS[change.metric] ?? '', now: String(change.v) }) : undefined,
    })
  }
}
