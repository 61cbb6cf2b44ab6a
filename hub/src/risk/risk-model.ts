/**
 * Live four-colour risk level (四色分级: 1 red 重大, 2 orange 较大, 3 yellow 一般, 4 blue 低)
 * per enterprise and per park, computed from what the sensors say now. The park's static,
 * assessed grade A–D (化工园区安全风险排查治理导则 2023) is reported beside it, unchanged.
 *
 * The formula (docs/risk.md says the same):
 *
 *   1. An alarm counts when it is of a safety class, live and presented:
 *      - class `life-safety`, or `device-health` of a safety device (rule 2's definition);
 *        `environmental` and `energy` alarms never colour the safety risk (DOMAIN.md: they
 *        have their own indicators on their pages);
 *      - workflow not closed, not shelved, not suppressed by design, not out of service
 *        (ISA-18.2 / IEC 62682);
 *      - condition active, or latched, awaiting reset (待复位: a latching alarm whose
 *        condition cleared and nobody has reset; the hazard is not known to be gone until
 *        someone has looked, DOMAIN.md). A cleared alarm that is not latched never counts,
 *        even an unacknowledged red one: the condition is gone.
 *      Its reason's level is the alarm's level (a latched alarm's is the level it holds,
 *      with code `latched_alarm` and the words "latched, awaiting reset"); a confirmed hazard
 *      (type `fire_confirmed`, `gas_confirmed` or `gas_fire`: two detectors in one area, or
 *      gas and fire together) is red (1) whatever its configured level.
 *   2. Safety devices are those with `safety: true`, or of kind `gas` / `fire` unless marked
 *      `safety: false`. Each offline safety device gives yellow (3) (DOMAIN.md: a safety
 *      device offline or faulty → yellow), unless a counted `device_offline` / `deadman`
 *      alarm of that device already says so. Per enterprise, the first `offlineListed` are
 *      reasons of their own and the rest one reason that counts them.
 *   3. If ≥ 20 % (`blindSpotShare`) of an enterprise's safety devices are offline, that is a
 *      monitoring blind spot (监测盲区): orange (2).
 *   4. An enterprise's level is the most severe (lowest number) of its reasons; none → null
 *      (normal, no colour). Alarms and devices of an enterprise the park does not list are
 *      park-wide reasons (rules 2 and 3 apply to them as one group).
 *   5. A park's level is the most severe of its enterprises' reasons and its park-wide ones;
 *      its `reasons` list the `parkReasonsListed` most severe of them, and the rest as one
 *      reason per level that counts them (`more_reasons`): a park of 438 enterprises, all with
 *      devices offline, listed 5,256 reasons (3.3 MB in each risk update, 40 – 80 ms of the
 *      event loop to encode for the sockets at 18,000 connections).
 *   6. Per enterprise, the `alarmsListed` most severe alarm reasons are listed one by one and
 *      the rest are one reason per level that counts them (`more_alarms`): the levels are
 *      computed over every alarm, the list stays short (a park with 5,000 alarms sorted
 *      5,000 reasons at each recomputation, 100 – 360 ms tasks at 18,000 connections).
 *
 * Pure: no clock of its own, no I/O; `risk-tracker.ts` keeps it up to date incrementally.
 */
import { alarmClassOf, type AlarmClass } from '../model/alarm-class.js'
import type { Alarm, AlarmLevel } from '../model/alarm.js'
import type { Device } from '../model/device.js'
import type { EnterpriseRisk, ParkRisk, RiskLevel, RiskReason } from '../model/risk.js'
import type { Park, Zone } from '../model/zone.js'
import type { Message } from '../model/messages/index.js'
import { blindSpotText, moreAlarmsText, moreOfflineText, moreReasonsText } from './risk-text.js'
import { alarmReason, countedReason, groupPlace, LATCHED_REASON, offlineReason } from './risk-reasons.js'
import { selectTop } from './select-top.js'

/** A park's devices already counted (device-tally.ts keeps them so): per group, its safety devices and the offline ones. */
export interface CountedDevices {
  total: number
  online: number
  groups: ReadonlyMap<string, { safetyTotal: number; offline: ReadonlyMap<string, Device> }>
}

export interface DeviceState {
  device: Device
  online: boolean
}

export interface RiskOptions {
  /** Share of an enterprise's safety devices offline that makes a blind spot (orange). Default 0.2. */
  blindSpotShare?: number
  /**
   * Offline safety devices listed one by one per enterprise (default 10); the rest are one
   * reason that counts them. A park with thousands of devices offline otherwise carried
   * thousands of reasons in every risk update (3 MB for a 10,000-device zone).
   */
  offlineListed?: number
  /**
   * Alarm reasons listed one by one per enterprise (default 10), the most severe first; the
   * rest are one `more_alarms` reason per level that counts them. The levels see every alarm.
   */
  alarmsListed?: number
  /**
   * The park's reasons listed one by one (default 20), the most severe first; the rest are one
   * `more_reasons` reason per level that counts them. The park's level sees every reason.
   */
  parkReasonsListed?: number
  /** Alarm types that are red whatever their level, with the reason code each gives. */
  confirmedTypes?: Readonly<Record<string, string>>
  /** Override the "what" of an alarm reason (the place is added after ` · `). */
  describeAlarm?: (alarm: Alarm) => Message
}

export interface RiskInput {
  zone: Pick<Zone, 'parks'>
  alarms: Iterable<Alarm>
  devices: Iterable<DeviceState>
  now: number
}

export const RISK_DEFAULTS = {
  blindSpotShare: 0.2,
  offlineListed: 10,
  alarmsListed: 10,
  parkReasonsListed: 20,
  confirmedTypes: { fire_confirmed: 'confirmed_fire', gas_confirmed: 'confirmed_gas', gas_fire: 'gas_fire' },
} as const

/** Alarm types that already report a device as offline (rule 2 does not repeat them). */
const OFFLINE_ALARM_TYPES: ReadonlySet<string> = new Set(['device_offline', 'deadman'])

/** Order of reasons within one level: confirmed hazards, alarms, latched alarms, alarms not listed, blind spots, offline devices. */
const CODE_RANK: Readonly<Record<string, number>> = { alarm: 1, latched_alarm: 2, more_alarms: 3, monitoring_blind_spot: 4, safety_device_offline: 5, more_reasons: 6 }

/** The reason code of the alarms of one level an enterprise does not list one by one. */
export const MORE_ALARMS_REASON = 'more_alarms'

/** The reason code of the park's reasons of one level it does not list one by one. */
export const MORE_REASONS_REASON = 'more_reasons'

export { LATCHED_REASON }

export function isSafetyDevice(d: Device): boolean {
  return d.safety ?? (d.kind === 'gas' || d.kind === 'fire')
}

/** Rule 1, state: live, condition active or latched awaiting reset, and presented to the operator. */
export function alarmCounts(a: Alarm, now: number): boolean {
  if (a.workflow === 'closed' || (a.condition !== 'active' && a.latched !== true)) return false
  if (a.shelvedUntil !== undefined && a.shelvedUntil > now) return false
  return !a.suppressed && !a.outOfService
}

/** The alarm's class; alarms from before classes existed get their rule's and type's default. */
export function classOfAlarm(a: Alarm, device: Device | undefined): AlarmClass {
  return a.class ?? alarmClassOf(a.rule, a.type, device?.kind)
}

/**
 * Rule 1, class: life-safety always; device-health only of a safety device (a meter's or a
 * stack's data quality is not a safety matter); environmental and energy never.
 */
export function colours(a: Alarm, device: Device | undefined): boolean {
  const cls = classOfAlarm(a, device)
  if (cls === 'life-safety') return true
  return cls === 'device-health' && device !== undefined && isSafetyDevice(device)
}

export function compareReasons(x: RiskReason, y: RiskReason): number {
  const rx = CODE_RANK[x.code] ?? 0
  const ry = CODE_RANK[y.code] ?? 0
  const ix = x.alarm ?? x.device ?? ''
  const iy = y.alarm ?? y.device ?? ''
  return x.level - y.level || rx - ry || (x.text < y.text ? -1 : x.text > y.text ? 1 : 0) || (ix < iy ? -1 : ix > iy ? 1 : 0)
}

function worst(reasons: readonly RiskReason[]): RiskLevel {
  let level: RiskLevel = null
  for (const r of reasons) if (level === null || r.level < level) level = r.level
  return level
}

interface Group {
  reasons: RiskReason[]
  /** Every counted alarm's reason; the most severe are listed, the rest counted. */
  alarmReasons: RiskReason[]
  safetyTotal: number
  /** Offline safety devices by id, in the order they changed (a tally's own map, only read; or one made by walking the devices). */
  offline: ReadonlyMap<string, Device>
  /** Devices already reported offline by a counted alarm. */
  offlineAlarmed: Set<string>
}

/**
 * Rule 6: the group's `max` most severe alarm reasons (a partial selection, not a sort of
 * them all), and one reason per level counting the rest.
 */
function listAlarms(g: Group, max: number, park: Park, id: string): void {
  const listed = selectTop(g.alarmReasons, max, compareReasons)
  for (const r of listed) g.reasons.push(r)
  if (listed.length === g.alarmReasons.length) return
  const rest = { 1: 0, 2: 0, 3: 0, 4: 0 }
  for (const r of g.alarmReasons) rest[r.level]++
  for (const r of listed) rest[r.level]--
  for (const level of [1, 2, 3, 4] as const) {
    const count = rest[level]
    if (count > 0) g.reasons.push({ level, code: MORE_ALARMS_REASON, ...moreAlarmsText(count, groupPlace(park, id)), alarm: undefined, device: undefined, count })
  }
}

/** The live level of one park, from the alarms and devices given (others' parks are ignored). */
export function computeParkRisk(
  park: Park,
  alarms: Iterable<Alarm>,
  devices: Iterable<DeviceState>,
  now: number,
  options: RiskOptions = {},
  /**
   * The park's devices by id, when the caller holds them so (risk-tracker.ts): a park of
   * 30,000 devices is then not copied into a map of its own at each recomputation.
   */
  devicesById?: ReadonlyMap<string, DeviceState>,
  /** The park's devices counted as they change (device-tally.ts): then `devices` is not walked. */
  tally?: CountedDevices,
): ParkRisk {
  const share = options.blindSpotShare ?? RISK_DEFAULTS.blindSpotShare
  const listedMax = options.offlineListed ?? RISK_DEFAULTS.offlineListed
  const confirmed: Readonly<Record<string, string>> = options.confirmedTypes ?? RISK_DEFAULTS.confirmedTypes
  const listed = new Set(park.enterprises.map((e) => e.id))
  const groups = new Map<string, Group>()
  const groupOf = (enterprise: string): Group => {
    const id = listed.has(enterprise) ? enterprise : ''
    let g = groups.get(id)
    if (!g) {
      g = { reasons: [], alarmReasons: [], safetyTotal: 0, offline: new Map(), offlineAlarmed: new Set() }
      groups.set(id, g)
    }
    return g
  }

  const deviceById = new Map<string, Device>()
  const deviceOf = devicesById ? (id: string): Device | undefined => devicesById.get(id)?.device : (id: string): Device | undefined => deviceById.get(id)
  let devicesTotal = 0
  let devicesOnline = 0
  if (tally) {
    devicesTotal = tally.total
    devicesOnline = tally.online
    for (const [id, t] of tally.groups) {
      const g = groupOf(id)
      g.safetyTotal = t.safetyTotal
      g.offline = t.offline
    }
  } else {
    for (const { device, online } of devices) {
      if (device.park !== park.id) continue
      if (!devicesById) deviceById.set(device.id, device)
      devicesTotal++
      if (online) devicesOnline++
      if (!isSafetyDevice(device)) continue
      const g = groupOf(device.enterprise)
      g.safetyTotal++
      if (!online) (g.offline as Map<string, Device>).set(device.id, device)
    }
  }

  const activeAlarms = { 1: 0, 2: 0, 3: 0, 4: 0 }
  for (const a of alarms) {
    if (a.park !== park.id || !alarmCounts(a, now)) continue
    const device = deviceOf(a.device)
    const isConfirmed = Object.hasOwn(confirmed, a.type)
    const level: AlarmLevel = isConfirmed ? 1 : a.level
    const latched = a.condition !== 'active'
    if (!latched) activeAlarms[level]++
    if (!colours(a, device)) continue
    const code = latched ? LATCHED_REASON : isConfirmed ? confirmed[a.type]! : 'alarm'
    const g = groupOf(a.enterprise)
    if (OFFLINE_ALARM_TYPES.has(a.type)) g.offlineAlarmed.add(a.device)
    g.alarmReasons.push(alarmReason(park, a, device, level, code, options.describeAlarm))
  }

  const alarmsMax = options.alarmsListed ?? RISK_DEFAULTS.alarmsListed
  for (const [id, g] of groups) {
    listAlarms(g, alarmsMax, park, id)
    // The first `listedMax` offline devices no counted alarm reports are listed, the rest
    // counted: the walk stops at the listed ones, the rest is counted from the map's size.
    let alarmed = 0
    for (const id of g.offlineAlarmed) if (g.offline.has(id)) alarmed++
    let shown = 0
    for (const d of g.offline.values()) {
      if (shown >= listedMax) break
      if (g.offlineAlarmed.has(d.id)) continue
      g.reasons.push(offlineReason(d))
      shown++
    }
    const unlisted = g.offline.size - alarmed - shown
    if (unlisted > 0) {
      g.reasons.push(countedReason(park, id, 'safety_device_offline', unlisted, 0, () => ({
        level: 3, code: 'safety_device_offline', ...moreOfflineText(unlisted, groupPlace(park, id)), alarm: undefined, device: undefined, count: unlisted,
      })))
    }
    const offlineCount = g.offline.size
    if (g.safetyTotal > 0 && offlineCount > 0 && offlineCount >= g.safetyTotal * share - 1e-9) {
      const { safetyTotal } = g
      g.reasons.push(countedReason(park, id, 'monitoring_blind_spot', offlineCount, safetyTotal, () => ({
        level: 2, code: 'monitoring_blind_spot', ...blindSpotText(offlineCount, safetyTotal, groupPlace(park, id)),
        alarm: undefined, device: undefined,
      })))
    }
    g.reasons.sort(compareReasons)
  }

  const enterprises: EnterpriseRisk[] = park.enterprises.map((e) => {
    const reasons = groups.get(e.id)?.reasons ?? []
    return { enterprise: e.id, park: park.id, level: worst(reasons), reasons }
  })
  const all = [...groups.values()].flatMap((g) => g.reasons)
  return {
    park: park.id,
    level: worst(all),
    grade: park.grade,
    reasons: parkReasons(all, options.parkReasonsListed),
    enterprises,
    activeAlarms,
    devicesOnline,
    devicesTotal,
    updatedAt: now,
  }
}

/**
 * Rule 5's list: the `max` most severe of a park's reasons (a partial selection), and one
 * `more_reasons` reason per level counting the reasons not listed (reasons, not the devices or
 * alarms a reason may stand for).
 */
export function parkReasons(all: readonly RiskReason[], max: number = RISK_DEFAULTS.parkReasonsListed): RiskReason[] {
  const listed = selectTop(all, max, compareReasons)
  if (listed.length === all.length) return listed
  const shown = new Set(listed)
  const rest = { 1: 0, 2: 0, 3: 0, 4: 0 }
  for (const r of all) if (!shown.has(r)) rest[r.level]++
  for (const level of [1, 2, 3, 4] as const) {
    const count = rest[level]
    if (count > 0) listed.push({ level, code: MORE_REASONS_REASON, ...moreReasonsText(count), alarm: undefined, device: undefined, count })
  }
  return listed
}

/** The live level of every park of the zone, in the zone's order. */
export function computeRisk(input: RiskInput, options: RiskOptions = {}): ParkRisk[] {
  const alarms = groupByPark(input.alarms, (a) => a.park)
  const devices = groupByPark(input.devices, (d) => d.device.park)
  return input.zone.parks.map((park) =>
    computeParkRisk(park, alarms.get(park.id) ?? [], devices.get(park.id) ?? [], input.now, options))
}

function groupByPark<T>(items: Iterable<T>, parkOf: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const item of items) {
    const park = parkOf(item)
    const list = out.get(park)
    if (list) list.push(item)
    else out.set(park, [item])
  }
  return out
}
