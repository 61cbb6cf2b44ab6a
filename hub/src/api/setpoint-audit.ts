import { exceedanceLines, layerExceedanceLines } from '../catalogue/device-gas-settings.js'
import type { Zone } from '../model/zone.js'
import type { AuditEntry, AuditLog } from './audit.js'

/** The audit action of a set point kept above the standard's ceiling (GB/T 50493-2019 §5.5.2) with `exceedsStandard` and a reason. */
export const SETPOINT_EXCEEDS_STANDARD = 'setpoint.exceeds_standard'

/**
 * The zone file's set points kept above the standard's ceilings, into the audit log as the
 * zone file's (user `zone-file`), once: an entry already there with the same target and
 * detail is not written again at the next start.
 */
export function auditZoneExceedances(audit: AuditLog, zone: Zone, file: string, now: number): void {
  const targets: [string, string[]][] = [
    ['zone', layerExceedanceLines(zone.setpoints)],
    ...zone.parks.flatMap((p): [string, string[]][] => [
      [`park ${p.id}`, layerExceedanceLines(p.setpoints)],
      ...p.areas.map((a): [string, string[]] => [`area ${p.id}/${a.id}`, layerExceedanceLines(a.setpoints)]),
    ]),
    ...zone.devices.map((d): [string, string[]] => [d.id, exceedanceLines(d)]),
  ]
  const known = new Set(audit.query({ action: SETPOINT_EXCEEDS_STANDARD, limit: 20_000 }).map((e) => `${e.target}\u0000${e.detail}`))
  for (const [target, lines] of targets)
    for (const detail of lines) {
      if (known.has(`${target}\u0000${detail}`)) continue
      const entry: AuditEntry = { ts: now, user: 'zone-file', ip: file, action: SETPOINT_EXCEEDS_STANDARD, target, ok: true, detail }
      audit.record(entry)
    }
}
