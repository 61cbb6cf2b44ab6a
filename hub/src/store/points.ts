import type { Alarm, AlarmStep } from '../model/alarm.js'
import type { DeviceEvent, DeviceStatus, Reading } from '../model/reading.js'
import { escapeTag, line, seriesText, stringField } from './line-protocol.js'

/**
 * InfluxDB schema (CONTRACT.md): one measurement per device kind (`gas`, `fire`, `emission`,
 * `energy`), tags park/enterprise/device/area, one field per metric; HJ 212 flags as string
 * fields `<metric>_flag`. Discrete events in `events`, status changes in `device_status`,
 * reject samples in `ingest_rejects`, alarm steps in `alarm_events`.
 */
/**
 * The hot path: one line per reading. A device's measurement and tags are the same on every
 * reading, so their escaped text is kept per device (rebuilt when the device moves), and only
 * fields and time are built per reading.
 */
export function readingLine(r: Reading): string {
  let out = seriesKey(r)
  let sep = ' '
  for (const m in r.values) {
    out += `${sep}${fieldKey(m)}=${r.values[m]!}`
    sep = ','
  }
  if (r.flags) for (const m in r.flags) out += `,${fieldKey(`${m}_flag`)}=${stringField(r.flags[m]!)}`
  return `${out} ${r.ts}`
}

interface SeriesKey { park: string; enterprise: string; area: string | undefined; kind: string; text: string }
const seriesKeys = new Map<string, SeriesKey>()
const fieldKeys = new Map<string, string>()

function seriesKey(r: Reading): string {
  const k = seriesKeys.get(r.device)
  if (k && k.park === r.park && k.enterprise === r.enterprise && k.area === r.area && k.kind === r.kind) return k.text
  // Bounded by the devices that ever published; a zone of a few hundred thousand at most.
  if (seriesKeys.size >= 500_000) seriesKeys.clear()
  const text = seriesText(r.kind, { park: r.park, enterprise: r.enterprise, device: r.device, area: r.area })
  seriesKeys.set(r.device, { park: r.park, enterprise: r.enterprise, area: r.area, kind: r.kind, text })
  return text
}

function fieldKey(name: string): string {
  let k = fieldKeys.get(name)
  if (k === undefined) {
    k = escapeTag(name)
    // Metric names come from the devices' declared metrics: a small vocabulary.
    if (fieldKeys.size < 10_000) fieldKeys.set(name, k)
  }
  return k
}

export function eventLine(e: DeviceEvent & { command?: string | undefined; commandId?: string | undefined }): string {
  const fields: Record<string, string | boolean> = { state: e.state, on: e.state === 'on' }
  if (e.command) fields.command = e.command
  if (e.commandId) fields.command_id = e.commandId
  return line('events', { park: e.park, enterprise: e.enterprise, device: e.device, area: e.area, type: e.type, kind: e.kind }, fields, e.ts)
}

export function statusLine(s: DeviceStatus): string {
  return line('device_status', { park: s.park, enterprise: s.enterprise, device: s.device, area: s.area, kind: s.kind }, { online: s.online }, s.ts)
}

export function rejectLine(r: { reason: string; detail: string; topic: string; device: string | undefined; ts: number; sample: string }): string {
  return line('ingest_rejects', { reason: r.reason, device: r.device }, { topic: r.topic, detail: r.detail, sample: r.sample }, r.ts)
}

/** One step of an alarm's life (raise, ack, shelve, clear, …) with the alarm as it stands after it. */
export function alarmEventLine(alarm: Alarm, step: AlarmStep): string {
  return line('alarm_events', { park: alarm.park, enterprise: alarm.enterprise, device: alarm.device, alarm: alarm.id, action: step.action, class: alarm.class }, {
    actor: step.actor, note: step.note ?? '', level: alarm.level, rule: alarm.rule, type: alarm.type, metric: alarm.metric ?? '',
    value: step.value ?? alarm.value ?? 0, condition: alarm.condition, ack: alarm.ack, workflow: alarm.workflow,
  }, step.ts)
}

/** At most `perSecond` samples per key each second: rejects are counted always, sampled into InfluxDB. */
export class Sampler {
  private window = 0
  private readonly counts = new Map<string, number>()
  constructor(private readonly perSecond: number) {}

  take(key: string, now: number): boolean {
    const w = Math.floor(now / 1000)
    if (w !== this.window) {
      this.window = w
      this.counts.clear()
    }
    const n = this.counts.get(key) ?? 0
    if (n >= this.perSecond) return false
    this.counts.set(key, n + 1)
    return true
  }
}
