/**
 * Gas incidents: a combustible leak, a toxic release, and a leak that ignites. Each picks an
 * area with at least two matching detectors, sets the wind, and puts the leak a few metres
 * upwind of one detector (GB/T 50493-2019 places point detectors within about 10 m of
 * outdoor release sources), so that detector sees the plume first and hardest.
 */
import type { Device } from '../../../hub/src/model/device.js'
import { TOXIC_GASES, type ToxicGas } from '../../../hub/src/model/vocabulary.js'
import type { TimedAction } from '../actions.js'
import { gasById, toxicFirstLevelOf } from '../models/gases.js'
import type { Rng } from '../prng.js'
import { findCluster, fireRole, isCombustible, isToxic, nearest, placeText, upwindOf, type Cluster, type ZoneIndex } from './locate.js'
import type { IncidentBuilder, IncidentOptions } from './types.js'

/** Methane, kg/s: a flange gasket letting go, growing 2 %/s to a full-bore 1.2 kg/s. */
const CH4_START = 0.02
const CH4_MAX = 1.2
const COMBUSTIBLE_GROWTH = 0.02

interface LeakPlan {
  cluster: Cluster
  target: Device
  fromDeg: number
  speed: number
  position: { x: number; y: number }
}

/**
 * Leak just upwind of one detector, with the wind blowing on towards a second one of the
 * cluster (give or take 10°), so the plume crosses both: the near one trips first and hardest.
 */
function planLeak(cluster: Cluster, rng: Rng): LeakPlan {
  const sorted = [...cluster.devices].sort((a, b) => a.id.localeCompare(b.id))
  const target = rng.pick(sorted)
  const others = sorted.filter((d) => d.id !== target.id && (d.position.x !== target.position.x || d.position.y !== target.position.y))
  let fromDeg = rng.uniform(0, 360)
  if (others.length > 0) {
    const next = rng.pick(others)
    const vx = next.position.x - target.position.x
    const vy = next.position.y - target.position.y
    // downwindVector(θ) = (−sin θ, cos θ) must point along (vx, vy).
    fromDeg = (((Math.atan2(-vx, vy) * 180) / Math.PI + rng.uniform(-10, 10)) % 360 + 360) % 360
  }
  fromDeg = Math.round(fromDeg)
  const speed = Math.round(rng.uniform(1.5, 3) * 10) / 10
  return { cluster, target, fromDeg, speed, position: upwindOf(target.position, fromDeg, rng.uniform(4, 6)) }
}

function place(c: Cluster): string {
  return `${c.park}/${c.area ?? c.enterprise}`
}

/**
 * Mass rate giving the same %LEL as `ch4Rate` of methane: %LEL per kg/s goes as 1 / (M · LEL),
 * so hydrogen (M 2.0, LEL 4 %) needs about a tenth of the mass.
 */
function equivalentRate(gas: string, ch4Rate: number): number {
  const g = gasById(gas)
  const ch4 = gasById('ch4')
  return ch4Rate * ((g.molarMass * (g.lel ?? 1)) / (ch4.molarMass * (ch4.lel ?? 1)))
}

function combustibleSteps(p: LeakPlan, leakId: string, gas: string, at: number): TimedAction[] {
  return [
    { at, action: { kind: 'wind', park: p.cluster.park, speed: p.speed, fromDeg: p.fromDeg }, label: `wind ${p.speed} m/s from ${p.fromDeg}° in ${p.cluster.park}` },
    {
      at: at + 5,
      action: {
        kind: 'leak',
        id: leakId,
        park: p.cluster.park,
        enterprise: p.cluster.enterprise,
        ...(p.cluster.area ? { area: p.cluster.area } : {}),
        gas,
        position: p.position,
        rate: round(equivalentRate(gas, CH4_START)),
        growthPerSec: COMBUSTIBLE_GROWTH,
        maxRate: round(equivalentRate(gas, CH4_MAX)),
      },
      label: `${gasById(gas).name} leak ${leakId} starts at ${place(p.cluster)} (${p.position.x}, ${p.position.y}), upwind of ${p.target.id}`,
    },
  ]
}

/** Hydrogen where the place says so (hydrogen stations, electrolysis units), else natural gas. */
function fuelOf(ix: ZoneIndex, c: Cluster): 'h2' | 'ch4' {
  return /hydrogen|氢|electroly|电解/.test(placeText(ix, c)) ? 'h2' : 'ch4'
}

export const combustibleLeak: IncidentBuilder = (ix, rng, opts) => {
  const cluster = findCluster(ix, rng, { match: isCombustible, avoidParks: opts.avoidParks ?? [], preferWords: ['hydrogen', '氢', 'gas', '燃气', 'tank', '罐'] })
  if (!cluster) return undefined
  const p = planLeak(cluster, rng)
  const gas = fuelOf(ix, cluster)
  const leakId = `${opts.id}-leak`
  const closeAt = opts.short ? 330 : 900
  return {
    kind: 'combustible-leak',
    park: cluster.park,
    summary: `${gasById(gas).name} leak at ${place(cluster)} near ${p.target.id}`,
    timeline: [
      ...combustibleSteps(p, leakId, gas, 0),
      { at: closeAt, action: { kind: 'valve', leak: leakId, state: 'closed' }, label: `operator closes the isolation valve of ${leakId}` },
    ],
    durationSec: closeAt + 240,
  }
}

/** Words that mark the zone's chlorination units (TiO2 by chlorination, DOMAIN.md). */
const CHLORINE_WORDS = ['chlor', '氯', 'tio2', 'titanium', '钛白']

export const toxicRelease: IncidentBuilder = (ix, rng, opts) => {
  const hasCl2 = ix.devices.some((d) => d.kind === 'gas' && d.metrics.includes('cl2'))
  const match = hasCl2 ? (d: Device) => d.kind === 'gas' && d.metrics.includes('cl2') : isToxic
  const cluster = findCluster(ix, rng, { match, avoidParks: opts.avoidParks ?? [], preferWords: CHLORINE_WORDS })
  if (!cluster) return undefined
  const p = planLeak(cluster, rng)
  const metric = (p.target.metrics.find((m) => (TOXIC_GASES as readonly string[]).includes(m)) ?? 'cl2') as ToxicGas
  const gas = gasById(metric).id
  // Scaled to the gas's set point: chlorine starts at 0.01 g/s (≈ 0.5 × OEL 5 m downwind) and
  // grows 1.5 %/s, through 1× and 2× OEL within two minutes, to a 2 g/s valve-packing failure.
  const oel = toxicFirstLevelOf(metric)
  const leakId = `${opts.id}-release`
  const closeAt = opts.short ? 330 : 600
  return {
    kind: 'toxic-release',
    park: cluster.park,
    summary: `${gasById(gas).name} release at ${place(cluster)} near ${p.target.id}`,
    timeline: [
      { at: 0, action: { kind: 'wind', park: cluster.park, speed: p.speed, fromDeg: p.fromDeg }, label: `wind ${p.speed} m/s from ${p.fromDeg}° in ${cluster.park}` },
      {
        at: 5,
        action: {
          kind: 'leak',
          id: leakId,
          park: cluster.park,
          enterprise: cluster.enterprise,
          ...(cluster.area ? { area: cluster.area } : {}),
          gas,
          position: p.position,
          rate: round(1e-5 * oel),
          growthPerSec: 0.015,
          maxRate: round(2e-3 * oel),
        },
        label: `${gasById(gas).name} release ${leakId} at ${place(cluster)} (${p.position.x}, ${p.position.y}), upwind of ${p.target.id}`,
      },
      { at: closeAt, action: { kind: 'valve', leak: leakId, state: 'closed' }, label: `operator isolates ${leakId}` },
    ],
    durationSec: closeAt + 240,
  }
}

export const leakIgnites: IncidentBuilder = (ix, rng, opts: IncidentOptions) => {
  const cluster = findCluster(ix, rng, { match: isCombustible, avoidParks: opts.avoidParks ?? [], alsoNear: (d) => d.kind === 'fire' })
  if (!cluster) return undefined
  const p = planLeak(cluster, rng)
  const leakId = `${opts.id}-leak`
  const fireId = `${opts.id}-fire`
  const igniteAt = opts.short ? 150 : 200
  const closeAt = opts.short ? 330 : 480
  const gas = fuelOf(ix, cluster)
  const steps: TimedAction[] = [
    ...combustibleSteps(p, leakId, gas, 0),
    {
      at: igniteAt,
      action: { kind: 'fire', id: fireId, park: cluster.park, ...(cluster.area ? { area: cluster.area } : {}), position: p.position, growth: 'ultrafast', ceilingM: 8, fuelLeak: leakId },
      label: `the cloud finds an ignition source: jet fire ${fireId} at ${place(cluster)}`,
    },
  ]
  const callPoint = nearest(ix, cluster.park, p.position, (d) => fireRole(d) === 'call_point', 80)
  if (callPoint) steps.push({ at: igniteAt + 45, action: { kind: 'call_point', device: callPoint.id }, label: `a worker presses call point ${callPoint.id}` })
  steps.push({ at: closeAt, action: { kind: 'valve', leak: leakId, state: 'closed' }, label: `emergency shut-off closes ${leakId}: the fire starves` })
  return {
    kind: 'leak-ignites',
    park: cluster.park,
    summary: `${gasById(gas).name} leak at ${place(cluster)} ignites after ${igniteAt} s`,
    timeline: steps,
    durationSec: closeAt + 300,
  }
}

function round(v: number): number {
  return Number(v.toPrecision(3))
}

