/** Runs a scenario through the engine (no MQTT) and collects what the devices would send. */
import { Engine, type Output } from '../../../simulators/src/engine.js'
import { indexZone } from '../../../simulators/src/scenarios/locate.js'
import { buildScenario } from '../../../simulators/src/scenarios/index.js'
import type { Scenario } from '../../../simulators/src/scenarios/types.js'
import { smallZone } from './small-zone.js'

/** Monday 2025-01-06 10:00 in Beijing (02:00 UTC). */
export const T0 = Date.UTC(2025, 0, 6, 2, 0, 0)

export interface ScenarioRun {
  scenario: Scenario
  engine: Engine
  outputs: Output[]
  telemetry: Array<Extract<Output, { type: 'telemetry' }>>
  events: Array<Extract<Output, { type: 'event' }>>
  /** Largest value of a metric a device sent. */
  max(device: string, metric: string): number
  /** Seconds after T0 at which a device's metric first exceeded a value (Infinity if never). */
  firstAbove(device: string, metric: string, value: number): number
  series(device: string, metric: string): Array<[number, number]>
}

export function runScenario(name: string, opts: { seed?: number; durationSec?: number; parks?: string[] } = {}): ScenarioRun {
  const ix = indexZone(smallZone(), opts.parks)
  const seed = opts.seed ?? 1
  const scenario = buildScenario(name, ix, { seed, horizonSec: opts.durationSec ?? 3600 })
  const engine = new Engine(ix.devices, { seed, start: T0, quiet: scenario.quiet })
  engine.schedule(scenario.timeline, T0)
  const outputs: Output[] = []
  engine.runUntil(T0 + (opts.durationSec ?? scenario.durationSec ?? 3600) * 1000, (o) => outputs.push(o))
  return collect(scenario, engine, outputs)
}

export function collect(scenario: Scenario, engine: Engine, outputs: Output[]): ScenarioRun {
  const telemetry = outputs.filter((o): o is Extract<Output, { type: 'telemetry' }> => o.type === 'telemetry')
  const events = outputs.filter((o): o is Extract<Output, { type: 'event' }> => o.type === 'event')
  const series = (device: string, metric: string): Array<[number, number]> =>
    telemetry.filter((o) => o.device === device && o.values[metric] !== undefined).map((o) => [(o.ts - T0) / 1000, o.values[metric] as number])
  return {
    scenario,
    engine,
    outputs,
    telemetry,
    events,
    series,
    max: (device, metric) => Math.max(-Infinity, ...series(device, metric).map(([, v]) => v)),
    firstAbove: (device, metric, value) => series(device, metric).find(([, v]) => v > value)?.[0] ?? Infinity,
  }
}
