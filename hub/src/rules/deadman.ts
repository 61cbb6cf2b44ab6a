/**
 * Deadman: a device that sends nothing for N × its interval (N = 3 by default) is offline;
 * a `DeviceStatus` with online = false (its retained status or MQTT will message) makes it
 * offline at once. Data again, or status online, clears it. Key `${device}:offline`.
 *
 * A device without metrics (a manual call point, a flame detector, a fire panel: events only)
 * sends no readings, so its `interval` (CONTRACT.md: seconds expected between readings) does
 * not apply once it has been heard from (status, event): from then on it is offline only by
 * its status, the will message of its connection. Timing it out marked every such device of
 * the demo zone offline half a minute after start (73 of 240). One never heard from is timed
 * out like any other: a call point whose connection never came up is not taken for healthy.
 *
 * Level (DOMAIN.md): a safety device offline → yellow (3); a non-safety device (emission,
 * energy) → blue (4), an advisory. Both configurable.
 *
 * Cost for 10,000 devices: a reading only writes the device's last-seen time (O(1)). Each
 * device has one entry in a min-heap of deadlines; `tick` pops only entries that are due
 * and re-checks them against the real last-seen time, re-scheduling the ones that have had
 * data since (lazy deadlines: O(log n) per device per timeout, never a scan of all devices).
 *
 * State (plain JSON): last seen per device (hub receive time, ms; a gateway flushing its
 * buffer proves the device alive now as long as the readings are within the live window —
 * older ones are history and never reach the deadman, live-window.ts) and the offline
 * devices with their cause. The heap is rebuilt from it on restore.
 */
import type { Transition } from '../model/alarm.js'
import { msg } from '../model/messages/index.js'
import { DeadlineHeap } from './deadline-heap.js'
import type { DeviceEntry } from './device-entry.js'
import type { AlarmLevels } from './options.js'
import { toLevel, transition } from './transition.js'

export const DEADMAN_RULE = 'deadman'

/**
 * Most devices one pass times out. A zone loaded before its devices are installed times all
 * of them out in the same second: 34,000 in one tick held the event loop 122 ms (CPU profile,
 * many-connections bench, 6,000 connections in a 40,000-device zone), and 5,000 a tick still
 * 35 – 60 ms with what follows each tick (18,000 connections, 100,000-device zone, 82,000
 * never connected). 1,000 is ≈ 7 ms; while more are due the hub runs a pass every 100 ms
 * (safety-loop.ts), 10,000 devices a second, earliest deadline first.
 */
export const TIMEOUTS_PER_PASS = 1000

export type OfflineCause = 'timeout' | 'status'

export interface DeadmanState {
  seen: Record<string, number>
  offline: Record<string, OfflineCause>
  /** Events-only devices heard from (status or event), no longer timed out; absent in older states. */
  heard?: Record<string, true>
}

/** A device without metrics: it sends events and its status, never readings. */
function eventsOnly(entry: DeviceEntry): boolean {
  return entry.device.metrics.length === 0
}

export function offlineKey(device: string): string {
  return `${device}:offline`
}

export class DeadmanRule {
  private seen: Record<string, number> = Object.create(null) as Record<string, number>
  private offline: Record<string, OfflineCause> = Object.create(null) as Record<string, OfflineCause>
  private heard: Record<string, true> = Object.create(null) as Record<string, true>
  /**
   * The last-seen times of the offline devices, kept as they go offline and come back (an
   * offline device's time does not move until it is back): `restartState` hands it over as it
   * is instead of walking 82,000 offline devices (65 ms of the event loop in a 100,000-device
   * zone, many-connections bench CPU profile).
   */
  private offlineSeen: Record<string, number> = Object.create(null) as Record<string, number>
  private readonly heap = new DeadlineHeap()
  /** The live heap entry per device; other entries for it are stale and skipped. */
  private readonly scheduled = new Map<string, number>()
  /** Counts changes to `offline` and `heard` (not to `seen`): what a restart needs changed (`restartState`). */
  private changes = 0

  constructor(
    private readonly intervals: number,
    private readonly levels: AlarmLevels,
    private readonly lookup: (id: string) => DeviceEntry | undefined,
  ) {}

  /** Start (or re-schedule after an interval change) watching a device; baseline = now. */
  watch(entry: DeviceEntry, now: number): void {
    const id = entry.place.device
    if (this.seen[id] === undefined) {
      this.seen[id] = now
      if (id in this.offline) this.offlineSeen[id] = now
    }
    if (!(id in this.offline) && this.timed(entry)) this.schedule(id, (this.seen[id] as number) + this.timeout(entry))
  }

  /** Stop watching; an offline device is cleared. */
  unwatch(entry: DeviceEntry, now: number, out: Transition[]): void {
    const id = entry.place.device
    if (id in this.offline) out.push(this.toTransition(entry, 'clear', now, this.offline[id] as OfflineCause))
    if (id in this.offline || id in this.heard) this.changes++
    delete this.offline[id]
    delete this.offlineSeen[id]
    delete this.seen[id]
    delete this.heard[id]
    this.scheduled.delete(id)
  }

  /** Data or status online from the device at hub time `now`. */
  alive(entry: DeviceEntry, now: number, out: Transition[]): void {
    const id = entry.place.device
    const cause = this.offline[id]
    if (cause !== undefined) {
      out.push(this.toTransition(entry, 'clear', now, cause))
      delete this.offline[id]
      delete this.offlineSeen[id]
      this.changes++
    }
    const prev = this.seen[id]
    this.seen[id] = prev === undefined ? now : Math.max(prev, now)
    if (eventsOnly(entry)) this.hear(id)
    else if (!this.scheduled.has(id)) this.schedule(id, (this.seen[id] as number) + this.timeout(entry))
  }

  /** Status offline (will message): offline at once. */
  dead(entry: DeviceEntry, now: number, out: Transition[]): void {
    const id = entry.place.device
    if (eventsOnly(entry)) this.hear(id)
    if (id in this.offline) return
    this.offline[id] = 'status'
    this.markSeen(id)
    this.changes++
    this.scheduled.delete(id)
    out.push(this.toTransition(entry, 'activate', now, 'status'))
  }

  /** Whether devices are due by `now` that a pass has not reached yet. */
  behind(now: number): boolean {
    const next = this.heap.peek()
    return next !== undefined && next <= now
  }

  isOffline(id: string): boolean {
    return id in this.offline
  }

  /**
   * Times out the devices due by `now`, at most `TIMEOUTS_PER_PASS` of them: the rest stay due
   * (`behind`) and go at the next pass, earliest deadline first.
   */
  tick(now: number, out: Transition[]): void {
    let timedOut = 0
    for (let next = this.heap.peek(); next !== undefined && next <= now && timedOut < TIMEOUTS_PER_PASS; next = this.heap.peek()) {
      const { at, id } = this.heap.pop() as { at: number; id: string }
      if (this.scheduled.get(id) !== at) continue // stale entry
      this.scheduled.delete(id)
      const entry = this.lookup(id)
      const last = this.seen[id]
      if (!entry || last === undefined || id in this.offline || !this.timed(entry)) continue
      const deadline = last + this.timeout(entry)
      if (deadline <= now) {
        this.offline[id] = 'timeout'
        this.markSeen(id)
        this.changes++
        out.push(this.toTransition(entry, 'activate', now, 'timeout'))
        timedOut++
      } else {
        this.schedule(id, deadline)
      }
    }
  }

  state(): DeadmanState {
    return { seen: this.seen, offline: this.offline, heard: this.heard }
  }

  /** Changes so far to what `restartState` holds. */
  get version(): number {
    return this.changes
  }

  /**
   * The state a restore with a grace time needs: offline devices with their last-seen times,
   * and the events-only devices heard from. The last-seen times of the others are left out —
   * `restore(state, entries, graceFrom)` counts every device not offline as seen at graceFrom
   * whatever was saved — and they were most of it: a reading changes one, so all of a
   * 100,000-device zone's (3.4 MB of JSON) were written every 10 s. The rest changes only
   * when a device goes offline or comes back (`version`). Not for an exact restore.
   */
  restartState(): DeadmanState {
    return { seen: this.offlineSeen, offline: this.offline, heard: this.heard }
  }

  private markSeen(id: string): void {
    const t = this.seen[id]
    if (t !== undefined) this.offlineSeen[id] = t
  }

  private hear(id: string): void {
    if (this.heard[id] === true) return
    this.heard[id] = true
    this.changes++
  }

  /**
   * Restore last-seen times and offline devices for the watched `entries`. With `graceFrom`,
   * devices not offline count as seen at that time: the hub was down, not the devices.
   */
  restore(state: DeadmanState, entries: Iterable<DeviceEntry>, graceFrom?: number): void {
    const baseline = this.seen
    this.seen = Object.create(null) as Record<string, number>
    this.offline = Object.create(null) as Record<string, OfflineCause>
    this.offlineSeen = Object.create(null) as Record<string, number>
    this.heard = Object.create(null) as Record<string, true>
    this.heap.clear()
    this.scheduled.clear()
    this.changes++
    for (const entry of entries) {
      const id = entry.place.device
      const cause = state.offline[id]
      if (state.heard?.[id] === true) this.heard[id] = true
      let seen = state.seen[id] ?? baseline[id] ?? graceFrom
      if (cause !== undefined) this.offline[id] = cause
      else if (graceFrom !== undefined) seen = Math.max(seen ?? graceFrom, graceFrom)
      if (seen === undefined) continue
      this.seen[id] = seen
      if (cause !== undefined) this.offlineSeen[id] = seen
      if (cause === undefined && this.timed(entry)) this.schedule(id, seen + this.timeout(entry))
    }
  }

  /** Whether silence makes the device offline: it sends readings, or it has not been heard from yet. */
  private timed(entry: DeviceEntry): boolean {
    return !eventsOnly(entry) || !(entry.place.device in this.heard)
  }

  private timeout(entry: DeviceEntry): number {
    return this.intervals * entry.intervalMs
  }

  private schedule(id: string, deadline: number): void {
    const current = this.scheduled.get(id)
    if (current !== undefined && current <= deadline) return // the live entry re-checks lazily
    this.scheduled.set(id, deadline)
    this.heap.push(deadline, id)
  }

  private toTransition(entry: DeviceEntry, kind: Transition['kind'], now: number, cause: OfflineCause): Transition {
    const id = entry.place.device
    const timeoutSec = this.timeout(entry) / 1000
    const last = this.seen[id]
    const silentSec = last === undefined ? undefined : Math.max(0, (now - last) / 1000)
    return transition(entry.place, {
      key: offlineKey(id),
      rule: DEADMAN_RULE,
      type: 'device_offline',
      kind,
      level: toLevel(entry.safety ? this.levels.offlineSafety : this.levels.offlineOther),
      metric: undefined,
      value: cause === 'timeout' ? silentSec : undefined,
      threshold: cause === 'timeout' ? timeoutSec : undefined,
      ts: now,
      message:
        kind === 'clear'
          ? undefined
          : cause === 'status'
            ? 'device reported offline (status or will message)'
            : `no data for ${silentSec} s (${this.intervals} × ${entry.intervalMs / 1000} s interval)`,
      said:
        kind === 'clear'
          ? undefined
          : cause === 'status'
            ? msg('alarmNote.reportedOffline')
            : msg('alarmNote.noData', { silent: String(silentSec), intervals: this.intervals, interval: entry.intervalMs / 1000 }),
    })
  }
}
