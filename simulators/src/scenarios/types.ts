/** A named, scripted timeline over a zone, reproducible from its seed. */
import type { TimedAction } from '../actions.js'
import type { Rng } from '../prng.js'
import type { ZoneIndex } from './locate.js'

export interface Incident {
  kind: IncidentKind
  park: string
  /** One line saying what happens and where. */
  summary: string
  timeline: TimedAction[]
  /** How long the incident lasts, s, from its first step to its end. */
  durationSec: number
}

export const INCIDENT_KINDS = [
  'combustible-leak',
  'toxic-release',
  'fire',
  'leak-ignites',
  'emission-exceedance',
  'energy-spike',
  'sensor-faults',
  'oxygen-deficiency',
] as const
export type IncidentKind = (typeof INCIDENT_KINDS)[number]

export interface IncidentOptions {
  /** Prefix making ids of leaks and fires unique within a run. */
  id: string
  /** Parks to avoid if another qualifies (spread incidents across parks). */
  avoidParks?: readonly string[]
  /** Keep it short (the demo): the operator closes the valve or the fire is put out sooner. */
  short?: boolean
}

export type IncidentBuilder = (ix: ZoneIndex, rng: Rng, opts: IncidentOptions) => Incident | undefined

export interface Scenario {
  name: string
  description: string
  /** Simulated seconds the scripted part lasts; undefined = runs until stopped. */
  durationSec: number | undefined
  /** Speed-up the scenario is meant to be watched at (a long episode, compressed). */
  suggestedSpeed: number
  /** No random incidents (exceedances, meter replacements) besides the script. */
  quiet: boolean
  timeline: TimedAction[]
  incidents: Incident[]
}

export interface ScenarioOptions {
  seed: number
  /** For open-ended scenarios: how far ahead to script, s. */
  horizonSec?: number
}

export interface ScenarioDef {
  name: string
  description: string
  build: (ix: ZoneIndex, opts: ScenarioOptions) => Scenario
}

/** Shift an incident's timeline by `offsetSec`. */
export function shift(timeline: readonly TimedAction[], offsetSec: number): TimedAction[] {
  return timeline.map((s) => ({ ...s, at: s.at + offsetSec }))
}
