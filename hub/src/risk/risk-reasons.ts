/**
 * Risk reasons made once and reused while what they say stays the same (risk-model.ts): a park
 * with thousands of devices offline, hundreds of enterprises or thousands of alarms is
 * recomputed without rendering the same texts in two languages again.
 */
import type { Alarm, AlarmLevel } from '../model/alarm.js'
import type { Device } from '../model/device.js'
import type { Message } from '../model/messages/index.js'
import type { RiskReason } from '../model/risk.js'
import type { Park } from '../model/zone.js'
import { describeAlarmKind, deviceOfflineText, joinPlace, latchedText, placeOf } from './risk-text.js'

/** The reason code of a latched alarm (cleared, awaiting reset). */
export const LATCHED_REASON = 'latched_alarm'

/**
 * The reason an offline safety device gives, made once per device. A changed device is a new
 * object, so its reason is made afresh.
 */
const offlineReasons = new WeakMap<Device, RiskReason>()
export function offlineReason(d: Device): RiskReason {
  let r = offlineReasons.get(d)
  if (!r) offlineReasons.set(d, (r = { level: 3, code: 'safety_device_offline', ...deviceOfflineText(d), alarm: undefined, device: d.id }))
  return r
}

/**
 * A group's reason that depends only on its counts (offline devices not listed, a blind spot),
 * made once per park, group and counts: a park of 438 enterprises rendered 876 texts in two
 * languages at each recomputation, a third of its time (CPU profile).
 */
const counted = new WeakMap<Park, Map<string, RiskReason>>()
const COUNTED_KEPT = 20_000
export function countedReason(park: Park, group: string, code: string, a: number, b: number, make: () => RiskReason): RiskReason {
  let byKey = counted.get(park)
  if (!byKey) counted.set(park, (byKey = new Map()))
  const key = `${group}\u0000${code}\u0000${a}\u0000${b}`
  let r = byKey.get(key)
  if (!r) {
    if (byKey.size >= COUNTED_KEPT) byKey.clear()
    byKey.set(key, (r = make()))
  }
  return r
}

/** Where a group's reasons are: its enterprise, or the park for park-wide ones (id ''). */
export function groupPlace(park: Park, id: string): ReturnType<typeof placeOf> {
  return id === '' ? { name: park.name, nameEn: park.nameEn } : placeOf(park, { enterprise: id }, undefined)
}

/**
 * An alarm's reason, made once per alarm while what its text and order depend on stays the
 * same (alarms change in place, so those are checked at each use): a park with 5,000 alarms
 * recomputes without rendering 5,000 texts. A custom `describe` may read anything of the
 * alarm, so its reasons are made afresh.
 */
interface MadeReason {
  reason: RiskReason
  park: Park
  device: Device | undefined
  type: string
  level: AlarmLevel
  metric: string | undefined
  area: string | undefined
  enterprise: string
  deviceId: string
}
const alarmReasons = new WeakMap<Alarm, MadeReason>()
export function alarmReason(park: Park, a: Alarm, device: Device | undefined, level: AlarmLevel, code: string, describe: ((alarm: Alarm) => Message) | undefined): RiskReason {
  const made = describe ? undefined : alarmReasons.get(a)
  if (made && made.park === park && made.device === device && made.type === a.type && made.level === a.level && made.metric === a.metric
    && made.area === a.area && made.enterprise === a.enterprise && made.deviceId === a.device && made.reason.level === level
    && made.reason.code === code && made.reason.alarm === a.id) return made.reason
  const described = describe ? describe(a) : describeAlarmKind(a)
  const what = code === LATCHED_REASON ? latchedText(described) : described
  const reason: RiskReason = { level, code, ...joinPlace(what, placeOf(park, a, device)), alarm: a.id, device: a.device }
  if (!describe) {
    alarmReasons.set(a, { reason, park, device, type: a.type, level: a.level, metric: a.metric, area: a.area, enterprise: a.enterprise, deviceId: a.device })
  }
  return reason
}
