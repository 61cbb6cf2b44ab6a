import type { DeviceEvent, DeviceStatus, Reading } from '../model/reading.js'
import { line } from './line-protocol.js'

/**
 * InfluxDB schema (CONTRACT.md): one measurement per device kind (`gas`, `fire`, `emission`,
 * `energy`), tags park/enterprise/device/area, one field per metric; HJ 212 flags as string
 * fields `<metric>_flag`. Discrete events in `events`, status changes in `device_status`,
 * reject samples in `ingest_rejects`, alarm steps in `alarm_events`.
 */
export function readingLine(r: Reading): string {
  const fields: Record<string, number | string> = { ...r.values }
  if (r.flags) for (const m in r.flags) fields[`${m}_flag`] = r.flags[m]!
  return line(r.kind, { park: r.park, enterprise: r.enterprise, device: r.device, area: r.area }, fields, r.ts)
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
