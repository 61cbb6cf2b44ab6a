/**
 * The named scenarios. Each builds against whatever zone is loaded (narrowed by `--parks`),
 * choosing its places from the devices it finds; the same zone and seed give the same timeline.
 */
import { createRng } from '../prng.js'
import { buildDemo } from './demo.js'
import { hj212Faults } from './hj212-faults.js'
import { BUILDERS } from './incidents.js'
import type { ZoneIndex } from './locate.js'
import { INCIDENT_KINDS, shift, type Incident, type IncidentKind, type Scenario, type ScenarioDef, type ScenarioOptions } from './types.js'

const DESCRIPTIONS: Readonly<Record<IncidentKind, string>> = {
  'combustible-leak':
    'natural gas or hydrogen leak growing near two or more combustible detectors, past 25 and 50 %LEL (the nearest may read past its range: over range, red); the hub proposes closing the valve (a confirmed proposal closes it), and someone on site closes it after 15 min in any case',
  'toxic-release':
    'chlorine (or another toxic gas) released near a chlorination area, past 1× and 2× OEL (the nearest may read past its range: over range, red); the release is isolated on site after 10 min',
  fire: 'a medium t² fire: smoke detectors trip, then heat detectors, a call point is pressed, then it is put out',
  'leak-ignites': 'a combustible leak that ignites into a jet fire in the same area (gas + fire: a confirmed red)',
  'emission-exceedance': 'a stack runs SO2 or NOx at 1.5–2 × its limit for 2.5 h (watch it at --speed 20 or more)',
  'energy-spike': 'an enterprise\'s electrical load jumps 2–3× for 45 min',
  'sensor-faults':
    'a stuck sensor, a dropout, one spike (inside the range, below the second level: a nuisance first-level alarm, latched until reset), a gas detector in fault (flag D: device_fault, yellow, clears when its values are valid again), one under calibration (flag C: out of service, blue), a device going offline, a meter replacement, a panel fault',
  'oxygen-deficiency':
    'a nitrogen (or, at a vacuum furnace, argon) purge vents by one or two oxygen detectors: O2 falls below 19.5 %VOL for about 8 min, then recovers (o2_low; oxygen, never combustible gas)',
}

/** Long episodes are scripted in simulated hours; these speeds compress them to minutes. */
const SUGGESTED_SPEED: Partial<Record<IncidentKind, number>> = { 'emission-exceedance': 20, 'energy-spike': 10 }

function single(kind: IncidentKind): ScenarioDef {
  return {
    name: kind,
    description: DESCRIPTIONS[kind],
    build: (ix, opts) => {
      const incident = BUILDERS[kind](ix, createRng(opts.seed).fork(kind), { id: kind.split('-')[0] ?? kind })
      if (!incident) throw new Error(`scenario ${kind}: the selected parks have no devices it can use`)
      return {
        name: kind,
        description: DESCRIPTIONS[kind],
        durationSec: incident.durationSec,
        suggestedSpeed: SUGGESTED_SPEED[kind] ?? 1,
        quiet: true,
        timeline: incident.timeline,
        incidents: [incident],
      }
    },
  }
}

const normalDay: ScenarioDef = {
  name: 'normal-day',
  description: 'an ordinary day: load curves, CEMS drift with calibration and maintenance flags, nothing above a blue advisory',
  build: () => ({
    name: 'normal-day',
    description: normalDay.description,
    durationSec: 86_400,
    suggestedSpeed: 1,
    quiet: true,
    timeline: [],
    incidents: [],
  }),
}

/** Several incidents at once, spread over different parks where the zone has them. */
const multi: ScenarioDef = {
  name: 'multi',
  description: 'a combustible leak, a fire, an oxygen deficiency, a toxic release, an emission upset and a load spike at once, across parks',
  build: (ix, opts) => {
    const rng = createRng(opts.seed).fork('multi')
    // The oxygen purge needs the calm, stable air it sets (the wind is one per park): it joins
    // only in a park no other incident of the run has taken.
    const ownPark: ReadonlySet<IncidentKind> = new Set(['oxygen-deficiency'])
    const plan: Array<[IncidentKind, number]> = [
      ['combustible-leak', 0],
      ['fire', 45],
      ['oxygen-deficiency', 60],
      ['toxic-release', 90],
      ['emission-exceedance', 120],
      ['energy-spike', 150],
    ]
    const used: string[] = []
    const incidents: Incident[] = []
    const ends: number[] = []
    const timeline = []
    for (const [kind, offset] of plan) {
      const incident = BUILDERS[kind](ix, rng.fork(kind), { id: `multi-${kind.split('-')[0]}`, avoidParks: used, short: kind === 'emission-exceedance' })
      if (!incident || (ownPark.has(kind) && used.includes(incident.park))) continue
      used.push(incident.park)
      incidents.push(incident)
      ends.push(offset + incident.durationSec)
      timeline.push(...shift(incident.timeline, offset))
    }
    if (incidents.length === 0) throw new Error('scenario multi: the selected parks have no devices it can use')
    const durationSec = Math.max(...ends)
    return {
      name: 'multi',
      description: multi.description,
      // The 75-minute emission episode is cut at 40 minutes unless --duration asks for more.
      durationSec: Math.min(durationSec, 2400),
      suggestedSpeed: 1,
      quiet: true,
      timeline: timeline.sort((a, b) => a.at - b.at),
      incidents,
    }
  },
}

const demo: ScenarioDef = {
  name: 'demo',
  description: 'a normal day with an incident every 4–7 minutes, rotating kinds and parks (what `npm start` runs)',
  build: buildDemo,
}

export const SCENARIOS: readonly ScenarioDef[] = [normalDay, ...INCIDENT_KINDS.map(single), multi, demo, hj212Faults]

export function scenarioByName(name: string): ScenarioDef {
  const def = SCENARIOS.find((s) => s.name === name)
  if (!def) throw new Error(`unknown scenario "${name}" (known: ${SCENARIOS.map((s) => s.name).join(', ')})`)
  return def
}

export function buildScenario(name: string, ix: ZoneIndex, opts: ScenarioOptions): Scenario {
  return scenarioByName(name).build(ix, opts)
}
