/**
 * Oxygen deficiency: an inert-gas purge — nitrogen inerting a hydrogen line or a vessel before
 * work on it, argon backfilling a vacuum furnace — vents into a sheltered corner where the air
 * barely moves, displacing the air at an oxygen detector or two. Oxygen falls below 19.5 %VOL, the low set point of GB/T 50493-2019
 * §5.5.2(4) (asphyxiation: its own hazard, never a combustible one), stays there for some
 * minutes, and recovers once the gas supply is closed. The gas is inert: combustible and
 * toxic detectors nearby read nothing of it.
 */
import type { TimedAction } from '../actions.js'
import { gasById } from '../models/gases.js'
import type { Rng } from '../prng.js'
import { findCluster, isOxygen, placeText, upwindOf, type Cluster, type ZoneIndex } from './locate.js'
import type { IncidentBuilder } from './types.js'

/**
 * The purge, kg/s of nitrogen: opened at 0.6 kg/s (≈ 0.5 Nm³/s), opened further by 1 %/s to
 * 2 kg/s. Vented 3 m upwind of the detector in a 0.8–1.2 m/s stable breeze (Pasquill E), it
 * displaces 9–14 % of the air there: O2 ≈ 18–19 %VOL (20.9 × (1 − x)). Argon is scaled by its
 * molar mass to displace the same volume.
 */
const N2_START = 0.6
const N2_GROWTH = 0.01
const N2_MAX = 2
const VENT_DISTANCE_M = 3

/** Places where nitrogen purging or inert gas is at home: hydrogen stations, vacuum furnaces, tank farms. */
const PURGE_WORDS = ['nitrogen', '氮', 'inert', 'purge', 'hydrogen', '氢', 'vacuum', '真空', 'melt', '熔炼', 'tank', '罐']

/** Argon where the place melts metal under vacuum, else nitrogen. */
function purgeGasOf(ix: ZoneIndex, c: Cluster): 'ar' | 'n2' {
  return /vacuum|真空|melt|熔炼/.test(placeText(ix, c)) ? 'ar' : 'n2'
}

/** An area with two oxygen detectors if the zone has one, else one with a single detector. */
function oxygenCluster(ix: ZoneIndex, rng: Rng, avoidParks: readonly string[]): Cluster | undefined {
  const pair = findCluster(ix, rng, { match: isOxygen, min: 2, preferWords: PURGE_WORDS, avoidParks })
  if (pair && pair.devices.length >= 2) return pair
  return findCluster(ix, rng, { match: isOxygen, min: 1, preferWords: PURGE_WORDS, avoidParks })
}

export const oxygenDeficiency: IncidentBuilder = (ix, rng, opts) => {
  const cluster = oxygenCluster(ix, rng, opts.avoidParks ?? [])
  if (!cluster) return undefined
  const sorted = [...cluster.devices].sort((a, b) => a.id.localeCompare(b.id))
  const target = rng.pick(sorted)
  const other = sorted.find((d) => d.id !== target.id && (d.position.x !== target.position.x || d.position.y !== target.position.y))
  // Wind from the vent over the first detector on towards the second, if there is one
  // (downwind vector (−sin θ, cos θ) along target → other).
  const fromDeg = other
    ? Math.round(((((Math.atan2(-(other.position.x - target.position.x), other.position.y - target.position.y) * 180) / Math.PI) % 360) + 360) % 360)
    : Math.round(rng.uniform(0, 360))
  const speed = Math.round(rng.uniform(0.8, 1.2) * 10) / 10
  const position = upwindOf(target.position, fromDeg, VENT_DISTANCE_M)
  const place = `${cluster.park}/${cluster.area ?? cluster.enterprise}`
  const purgeId = `${opts.id}-purge`
  const gas = gasById(purgeGasOf(ix, cluster))
  const scale = gas.molarMass / gasById('n2').molarMass
  const startAt = 30
  const closeAt = opts.short ? 300 : 510
  const steps: TimedAction[] = [
    { at: 0, action: { kind: 'wind', park: cluster.park, speed, fromDeg, stability: 'E' }, label: `sheltered air in ${place}: ${speed} m/s from ${fromDeg}°, stable` },
    {
      at: startAt,
      action: {
        kind: 'leak',
        id: purgeId,
        park: cluster.park,
        enterprise: cluster.enterprise,
        ...(cluster.area ? { area: cluster.area } : {}),
        gas: gas.id,
        position,
        rate: round(N2_START * scale),
        growthPerSec: N2_GROWTH,
        maxRate: round(N2_MAX * scale),
      },
      label: `${gas.name} purge ${purgeId} vents at ${place} (${position.x}, ${position.y}), ${VENT_DISTANCE_M} m upwind of ${target.id}: oxygen falls`,
    },
    { at: closeAt, action: { kind: 'valve', leak: purgeId, state: 'closed' }, label: `the purge ends: the ${gas.name} supply of ${purgeId} is closed, oxygen recovers` },
  ]
  return {
    kind: 'oxygen-deficiency',
    park: cluster.park,
    summary: `${gas.name} purge at ${place}: oxygen below 19.5 %VOL at ${target.id}${other ? `, drifting on to ${other.id}` : ''}`,
    timeline: steps,
    durationSec: closeAt + 240,
  }
}

function round(v: number): number {
  return Number(v.toPrecision(3))
}
