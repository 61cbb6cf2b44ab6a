/**
 * How a device looks on the site plan: its most severe standing alarm (colour + shape) and,
 * separately, whether its data can be trusted: online and fresh, stale, offline, or never seen.
 * An offline device must never look like one that reads zero (DESIGN.md, truth about freshness).
 */
import type { AlarmLevel } from '../../../hub/src/model/alarm.js'
import { isStale } from './format.js'

export type Connectivity = 'fresh' | 'stale' | 'offline' | 'nodata'

export interface DeviceLook {
  connectivity: Connectivity
  /** Most severe standing alarm, if any. */
  level: AlarmLevel | null
  /** Pulses: an active alarm nobody has acknowledged yet. */
  pulse: boolean
}

export interface DeviceFacts {
  online: boolean | undefined
  lastSeen: number | null | undefined
  intervalSec: number | undefined
  alarm: { level: AlarmLevel; unacked: boolean } | undefined
  /**
   * Whether it sends readings (it has metrics). One that does not (a manual call point, a
   * flame detector, a fire panel: events only) has no data to grow old: heard from and not
   * offline, it is fresh.
   */
  readings?: boolean
}

export function connectivity(f: DeviceFacts, now: number): Connectivity {
  if (f.online === false) return 'offline'
  if (f.readings === false) return f.lastSeen === null || f.lastSeen === undefined ? 'nodata' : 'fresh'
  if (f.lastSeen === null || f.lastSeen === undefined) return f.online === true ? 'stale' : 'nodata'
  return isStale(f.lastSeen, now, f.intervalSec) ? 'stale' : 'fresh'
}

export function deviceLook(f: DeviceFacts, now: number): DeviceLook {
  return {
    connectivity: connectivity(f, now),
    level: f.alarm?.level ?? null,
    pulse: f.alarm?.unacked === true,
  }
}

export function sameLook(a: DeviceLook, b: DeviceLook): boolean {
  return a.connectivity === b.connectivity && a.level === b.level && a.pulse === b.pulse
}
