import type { Alarm } from '../model/alarm.js'
import type { Incident } from '../model/incident.js'
import type { RulesState } from '../rules/index.js'
import type { ConditionMap } from '../rules/condition-book.js'
import type { LoadedPark } from './fenced-park-log.js'

/**
 * What a park's owner keeps on its fenced log (fenced-park-log.ts), so that the next owner
 * continues it exactly: records of each turn (every alarm and incident version the safety loop
 * persisted for the park, latest wins by id) and, now and then, a snapshot of the park's whole
 * part of the safety loop (alarms, incidents, and the rules' conditions of its devices).
 *
 * The rules' part lets a condition active when the owner died clear when its readings return
 * to normal on the next owner: the whole park's with each snapshot, and with each turn whose
 * alarms changed, the conditions of those alarms' devices (`c` records), so the next owner
 * holds every condition behind an alarm as the last owner left it.
 */
export type ParkRecord = { a: { key: string; alarm: Alarm } } | { i: Incident } | { c: { devices: string[]; rules: ParkRules } }

export interface ParkRules {
  setpoints: ConditionMap
  rateOfRise: { windows: RulesState['rateOfRise']['windows']; conds: ConditionMap }
  events: RulesState['events']
  quality: NonNullable<RulesState['quality']>
  /** The quality flags' newest sample times; absent in parks' logs written before they were kept. */
  qualityAt?: NonNullable<RulesState['qualityAt']>
  /** Correlation's areas of the park (keys `<park>:<area>`). */
  correlation: RulesState['correlation']
  /** Devices the deadman held offline, with their cause and last-seen time. */
  offline: Record<string, { cause: RulesState['deadman']['offline'][string]; seen: number | undefined }>
}

export interface ParkSnapshot {
  v: 1
  alarms: { key: string; alarm: Alarm }[]
  activations: Record<string, number[]>
  incidents: Incident[]
  rules?: ParkRules
}

/** The park as its log holds it: the last snapshot with every later record applied in order. */
export function parkStateOf(park: string, loaded: LoadedPark): ParkSnapshot {
  const snap = (loaded.snapshot ?? undefined) as ParkSnapshot | undefined
  if (snap !== undefined && snap.v !== 1) throw new Error(`park ${park}: state snapshot of unknown version ${JSON.stringify(snap.v)}`)
  const alarms = new Map((snap?.alarms ?? []).map((e) => [e.alarm.id, e]))
  const incidents = new Map((snap?.incidents ?? []).map((i) => [i.id, i]))
  let rules = snap?.rules
  for (const r of loaded.records as ParkRecord[]) {
    if ('a' in r) alarms.set(r.a.alarm.id, r.a)
    else if ('i' in r) incidents.set(r.i.id, r.i)
    else if ('c' in r) rules = withDeviceRules(rules, new Set(r.c.devices), r.c.rules)
    else throw new Error(`park ${park}: state record of unknown shape ${JSON.stringify(r).slice(0, 80)}`)
  }
  return { v: 1, alarms: [...alarms.values()], activations: snap?.activations ?? {}, incidents: [...incidents.values()], ...(rules ? { rules } : {}) }
}

/** `base` (a park's rules part) with the entries of `devices` replaced by `part`'s (the park's correlation areas too). */
function withDeviceRules(base: ParkRules | undefined, devices: ReadonlySet<string>, part: ParkRules): ParkRules {
  const b = base ?? { setpoints: {}, rateOfRise: { windows: {}, conds: {} }, events: {}, quality: {}, correlation: {}, offline: {} }
  const keep = <T>(m: Record<string, T>, deviceOf: (k: string, v: T) => string): Record<string, T> => pick(m, (k, v) => !devices.has(deviceOf(k, v)))
  return {
    setpoints: { ...keep(b.setpoints, (_k, c) => c.d), ...part.setpoints },
    rateOfRise: { windows: { ...keep(b.rateOfRise.windows, deviceOfKey), ...part.rateOfRise.windows }, conds: { ...keep(b.rateOfRise.conds, (_k, c) => c.d), ...part.rateOfRise.conds } },
    events: { ...keep(b.events, deviceOfKey), ...part.events },
    quality: { ...keep(b.quality, (k) => k), ...part.quality },
    qualityAt: { ...keep(b.qualityAt ?? {}, (k) => k), ...part.qualityAt },
    correlation: part.correlation,
    offline: { ...keep(b.offline, (k) => k), ...part.offline },
  }
}

const pick = <T>(m: Record<string, T>, keep: (key: string, v: T) => boolean): Record<string, T> => {
  const out = Object.create(null) as Record<string, T>
  for (const k in m) if (keep(k, m[k] as T)) out[k] = m[k] as T
  return out
}
const deviceOfKey = (k: string): string => k.slice(0, k.indexOf(':'))

/** The rules state of `devices` (one park's) and the park's correlation areas, copied. */
export function parkRulesOf(state: RulesState, park: string, devices: ReadonlySet<string>): ParkRules {
  const offline: ParkRules['offline'] = {}
  for (const id in state.deadman.offline) if (devices.has(id)) offline[id] = { cause: state.deadman.offline[id]!, seen: state.deadman.seen[id] }
  return structuredClone({
    setpoints: pick(state.setpoints, (_k, c) => devices.has(c.d)),
    rateOfRise: { windows: pick(state.rateOfRise.windows, (k) => devices.has(deviceOfKey(k))), conds: pick(state.rateOfRise.conds, (_k, c) => devices.has(c.d)) },
    events: pick(state.events, (k) => devices.has(deviceOfKey(k))),
    quality: pick(state.quality ?? {}, (k) => devices.has(k)),
    qualityAt: pick(state.qualityAt ?? {}, (k) => devices.has(k)),
    correlation: pick(state.correlation, (k) => k.startsWith(`${park}:`)),
    offline,
  })
}

/**
 * `current` with the park's part replaced by `part` (none: the park starts clean). Its devices
 * not offline in `part` count as seen `now`: this node just started listening to them, as a
 * restarted hub does (rules/deadman.ts grace), so a takeover is not a flood of offline alarms.
 */
export function withParkRules(current: RulesState, park: string, devices: ReadonlySet<string>, part: ParkRules | undefined, now: number): RulesState {
  const other = <T>(m: Record<string, T>, deviceOf: (k: string, v: T) => string): Record<string, T> => pick(m, (k, v) => !devices.has(deviceOf(k, v)))
  const seen = other(current.deadman.seen, (k) => k)
  const offline = other(current.deadman.offline, (k) => k)
  for (const id of devices) seen[id] = now
  for (const [id, o] of Object.entries(part?.offline ?? {})) {
    offline[id] = o.cause
    if (o.seen !== undefined) seen[id] = o.seen
  }
  return {
    ...current,
    setpoints: { ...other(current.setpoints, (_k, c) => c.d), ...part?.setpoints },
    rateOfRise: {
      windows: { ...other(current.rateOfRise.windows, deviceOfKey), ...part?.rateOfRise.windows },
      conds: { ...other(current.rateOfRise.conds, (_k, c) => c.d), ...part?.rateOfRise.conds },
    },
    events: { ...other(current.events, deviceOfKey), ...part?.events },
    quality: { ...other(current.quality ?? {}, (k) => k), ...part?.quality },
    qualityAt: { ...other(current.qualityAt ?? {}, (k) => k), ...part?.qualityAt },
    correlation: { ...pick(current.correlation, (k) => !k.startsWith(`${park}:`)), ...part?.correlation },
    deadman: { ...current.deadman, seen, offline },
  }
}
