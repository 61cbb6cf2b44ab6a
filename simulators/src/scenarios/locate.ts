/**
 * Finding where an incident can happen in whatever zone is loaded: an area with at least two
 * detectors of the right kind, preferably in a chemical park, and a leak position just upwind
 * of one of them. Choices are sorted before the seeded pick, so the same zone and seed give
 * the same place.
 */
import type { Device, Position } from '../../../hub/src/model/device.js'
import { TOXIC_GASES } from '../../../hub/src/model/vocabulary.js'
import type { Park, Zone } from '../../../hub/src/model/zone.js'
import { fireRoleOf, type FireRole } from '../models/fire-detector.js'
import { downwindVector } from '../models/plume.js'
import type { Rng } from '../prng.js'

/** A device with its place on the site plan. */
export type PlacedDevice = Device & { position: Position }

/** Incidents happen somewhere on the site: devices not yet placed on their plan take no part in them. */
export interface ZoneIndex {
  zone: Zone
  parks: Park[]
  devices: PlacedDevice[]
}

/** The zone narrowed to some parks (all when `parks` is empty or absent). */
export function indexZone(zone: Zone, parks?: readonly string[]): ZoneIndex {
  const wanted = parks && parks.length > 0 ? new Set(parks) : undefined
  if (wanted) {
    const unknown = [...wanted].filter((p) => !zone.parks.some((z) => z.id === p))
    if (unknown.length > 0) throw new Error(`unknown park(s): ${unknown.join(', ')} (zone has ${zone.parks.map((p) => p.id).join(', ')})`)
  }
  const keep = (park: string): boolean => !wanted || wanted.has(park)
  return {
    zone,
    parks: zone.parks.filter((p) => keep(p.id)),
    devices: zone.devices.filter((d): d is typeof d & { position: Position } => keep(d.park) && d.position !== undefined).map(({ secretHash: _secret, ...d }) => d),
  }
}

/** Detectors grouped where they stand together: by area, or by enterprise when unassigned. */
export interface Cluster {
  park: string
  enterprise: string
  area: string | undefined
  devices: PlacedDevice[]
}

function clusters(devices: readonly PlacedDevice[]): Cluster[] {
  const groups = new Map<string, Cluster>()
  for (const d of devices) {
    const key = `${d.park}/${d.area ?? `enterprise:${d.enterprise}`}`
    const g = groups.get(key) ?? { park: d.park, enterprise: d.enterprise, area: d.area, devices: [] }
    g.devices.push(d)
    groups.set(key, g)
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, g]) => g)
}

export interface ClusterQuery {
  /** Which devices count. */
  match: (d: Device) => boolean
  min?: number
  /** Prefer clusters in these park kinds (default chemical). */
  preferKinds?: readonly string[]
  /** Prefer clusters whose area or enterprise names contain one of these words. */
  preferWords?: readonly string[]
  /** Avoid these parks if anything else qualifies. */
  avoidParks?: readonly string[]
  /** Prefer clusters where some other device also stands (e.g. fire detectors beside gas). */
  alsoNear?: (d: Device) => boolean
}

export function findCluster(ix: ZoneIndex, rng: Rng, q: ClusterQuery): Cluster | undefined {
  const min = q.min ?? 2
  const all = clusters(ix.devices.filter(q.match))
  const kinds = q.preferKinds ?? ['chemical']
  const parkKind = new Map(ix.parks.map((p) => [p.id, p.kind as string]))
  const words = (q.preferWords ?? []).map((w) => w.toLowerCase())
  const named = (c: Cluster): boolean => words.length > 0 && words.some((w) => placeText(ix, c).includes(w))
  const near = (c: Cluster): boolean =>
    !q.alsoNear || ix.devices.some((d) => q.alsoNear?.(d) && d.park === c.park && (c.area ? d.area === c.area : d.enterprise === c.enterprise))
  const tiers: Array<(c: Cluster) => boolean> = [
    (c) => c.devices.length >= min && named(c) && near(c) && !q.avoidParks?.includes(c.park),
    (c) => c.devices.length >= min && kinds.includes(parkKind.get(c.park) ?? '') && near(c) && !q.avoidParks?.includes(c.park),
    (c) => c.devices.length >= min && near(c) && !q.avoidParks?.includes(c.park),
    (c) => c.devices.length >= min && kinds.includes(parkKind.get(c.park) ?? ''),
    (c) => c.devices.length >= min,
    (c) => c.devices.length >= 1,
  ]
  for (const tier of tiers) {
    const hits = all.filter(tier)
    if (hits.length > 0) return rng.pick(hits)
  }
  return undefined
}

/** The names of a cluster's area and enterprise, lower-cased, for matching words. */
export function placeText(ix: ZoneIndex, c: Cluster): string {
  const park = ix.parks.find((p) => p.id === c.park)
  const area = park?.areas.find((a) => a.id === c.area)
  const ent = park?.enterprises.find((e) => e.id === c.enterprise)
  return [c.area, area?.name, area?.nameEn, ent?.name, ent?.nameEn, ent?.industry].join(' ').toLowerCase()
}

export const isCombustible = (d: Device): boolean => d.kind === 'gas' && d.metrics.includes('lel')
export const isToxic = (d: Device): boolean => d.kind === 'gas' && d.metrics.some((m) => (TOXIC_GASES as readonly string[]).includes(m))
export const isOxygen = (d: Device): boolean => d.kind === 'gas' && d.metrics.includes('o2')
export const fireRole = (d: Device): FireRole | undefined => (d.kind === 'fire' ? fireRoleOf(d) : undefined)
export const isSmokeOrHeat = (d: Device): boolean => fireRole(d) === 'smoke' || fireRole(d) === 'heat'

/** A point `dist` metres upwind of `target` for wind from `fromDeg`. */
export function upwindOf(target: Position, fromDeg: number, dist: number): Position {
  const d = downwindVector(fromDeg)
  return { x: round1(target.x - d.dx * dist), y: round1(target.y - d.dy * dist) }
}

/** A point at `dist` metres from `p` in a seeded direction. */
export function besides(p: Position, dist: number, rng: Rng): Position {
  const a = rng.uniform(0, 2 * Math.PI)
  return { x: round1(p.x + Math.cos(a) * dist), y: round1(p.y + Math.sin(a) * dist) }
}

/** The device of a kind nearest to a point in a park, within `maxDist`. */
export function nearest(ix: ZoneIndex, park: string, at: Position, match: (d: Device) => boolean, maxDist = Infinity): PlacedDevice | undefined {
  let best: PlacedDevice | undefined
  let bestD = maxDist
  for (const d of ix.devices) {
    if (d.park !== park || !match(d)) continue
    const dist = Math.hypot(d.position.x - at.x, d.position.y - at.y)
    if (dist <= bestD) {
      best = d
      bestD = dist
    }
  }
  return best
}

/** Seeded, sorted pick of a device matching a predicate (preferring some parks' kinds). */
export function pickDevice(ix: ZoneIndex, rng: Rng, match: (d: Device) => boolean, avoidParks: readonly string[] = []): PlacedDevice | undefined {
  const all = ix.devices.filter(match).sort((a, b) => a.id.localeCompare(b.id))
  const preferred = all.filter((d) => !avoidParks.includes(d.park))
  const list = preferred.length > 0 ? preferred : all
  return list.length > 0 ? rng.pick(list) : undefined
}

function round1(v: number): number {
  return Math.round(v * 10) / 10
}
