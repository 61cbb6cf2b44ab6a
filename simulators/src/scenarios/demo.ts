/**
 * The demo: a normal day with an incident every few minutes, rotating through the incident
 * kinds and across parks, each short and self-ending (valve closed, fire put out, purge ended), so a
 * dashboard left open always has something happening and never piles up.
 */
import type { TimedAction } from '../actions.js'
import { createRng } from '../prng.js'
import { BUILDERS } from './incidents.js'
import type { ZoneIndex } from './locate.js'
import { shift, type Incident, type IncidentKind, type Scenario, type ScenarioOptions } from './types.js'

/**
 * Rotation: the safety incidents come round most often. A fire opens it: its smoke reaches the
 * detector 40–46 s after it starts (a gas leak grows for 2–2.5 min before a detector reads
 * 20 %LEL, the first alarm level), so a fresh demo raises its first alarm within two minutes.
 */
const ROTATION: readonly IncidentKind[] = [
  'fire',
  'combustible-leak',
  'energy-spike',
  'toxic-release',
  'sensor-faults',
  'leak-ignites',
  'oxygen-deficiency',
  'emission-exceedance',
]

/** First incident 20 s into the live run (the devices have connected and sent a first reading); then one every 4–7 minutes. */
export const FIRST_AT_SEC = 20
const GAP_SEC: [number, number] = [240, 420]

export function buildDemo(ix: ZoneIndex, opts: ScenarioOptions): Scenario {
  const rng = createRng(opts.seed).fork('demo')
  const horizon = opts.horizonSec ?? 86_400
  const timeline: TimedAction[] = []
  const incidents: Incident[] = []
  const parks = [...new Set(ix.parks.map((p) => p.id))]
  let at = FIRST_AT_SEC
  let turn = 0
  let lastPark: string | undefined
  let misses = 0
  while (at < horizon && misses < ROTATION.length) {
    const kind = ROTATION[turn % ROTATION.length] as IncidentKind
    turn++
    // Stay away from the park that just had one, when the zone has another that qualifies.
    const avoidParks = lastPark && parks.length > 1 ? [lastPark] : []
    const incident = BUILDERS[kind](ix, rng.fork(`incident:${turn}`), { id: `demo${turn}`, avoidParks, short: true })
    if (!incident) {
      misses++
      continue
    }
    misses = 0
    incidents.push(incident)
    timeline.push({ at, action: { kind: 'note' }, label: `— incident ${turn}: ${incident.summary}` })
    timeline.push(...shift(incident.timeline, at))
    lastPark = incident.park
    at += Math.round(rng.uniform(GAP_SEC[0], GAP_SEC[1]))
  }
  return {
    name: 'demo',
    description: 'a normal day with an incident every few minutes, rotating kinds and parks',
    durationSec: undefined,
    suggestedSpeed: 1,
    quiet: true,
    timeline: timeline.sort((a, b) => a.at - b.at),
    incidents,
  }
}
