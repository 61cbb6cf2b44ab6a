/**
 * Keeps the live four-colour level of every park up to date as alarms and devices change,
 * recomputing only the park concerned (the park is the unit of partitioning) and reporting
 * only parks whose level, reasons or counts actually changed, so the hub emits `risk` on
 * change only. The formula is risk-model.ts's.
 */
import type { Alarm } from '../model/alarm.js'
import type { Device } from '../model/device.js'
import type { ParkRisk, RiskReason } from '../model/risk.js'
import type { Park, Zone } from '../model/zone.js'
import { computeParkRisk, type DeviceState, type RiskOptions } from './risk-model.js'
import { DeviceTally } from './device-tally.js'

export interface RiskTrackerDeps {
  zone: Pick<Zone, 'parks'>
  clock: () => number
  options?: RiskOptions
  /** Initial state (e.g. the alarm book's live alarms and the registry's devices). */
  alarms?: Iterable<Alarm>
  devices?: Iterable<DeviceState>
}

interface ParkSlot {
  park: Park
  alarms: Map<string, Alarm>
  devices: Map<string, DeviceState>
  /** `devices` counted as they change (device-tally.ts). */
  tally: DeviceTally
  risk: ParkRisk
  /** Whether `risk` was computed from the park's state (false: the placeholder until the first recomputation). */
  computed: boolean
  /** When the first shelf of this park's alarms runs out (Infinity: none shelved). */
  shelfEnds: number
}

/**
 * The same risk but for `updatedAt`. Compared field by field, never by serialising: a park
 * with thousands of devices offline has hundreds of reasons (ten listed per enterprise), and
 * JSON of them at each recomputation was the most of park risk's time (many-connections bench,
 * CPU profile: 687 of 1,840 samples). An offline device's reason is one object per device
 * (risk-model.ts), so most reasons compare by identity.
 */
export function sameRisk(a: ParkRisk, b: ParkRisk): boolean {
  if (a.park !== b.park || a.level !== b.level || a.grade !== b.grade || a.devicesOnline !== b.devicesOnline || a.devicesTotal !== b.devicesTotal) return false
  const x = a.activeAlarms
  const y = b.activeAlarms
  if (x[1] !== y[1] || x[2] !== y[2] || x[3] !== y[3] || x[4] !== y[4]) return false
  if (!sameReasons(a.reasons, b.reasons) || a.enterprises.length !== b.enterprises.length) return false
  for (let i = 0; i < a.enterprises.length; i++) {
    const e = a.enterprises[i]!
    const f = b.enterprises[i]!
    if (e.enterprise !== f.enterprise || e.park !== f.park || e.level !== f.level || !sameReasons(e.reasons, f.reasons)) return false
  }
  return true
}

function sameReasons(a: readonly RiskReason[], b: readonly RiskReason[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) {
    const r = a[i]!
    const q = b[i]!
    // The texts are rendered from the message: equal texts, equal message.
    if (r !== q && (r.level !== q.level || r.code !== q.code || r.text !== q.text || r.textEn !== q.textEn || r.alarm !== q.alarm || r.device !== q.device)) return false
  }
  return true
}

export class RiskTracker {
  readonly #clock: () => number
  readonly #options: RiskOptions
  #slots = new Map<string, ParkSlot>()
  /** Where each alarm and device sits now, to recompute the old park when one moves. */
  readonly #alarmPark = new Map<string, string>()
  readonly #devicePark = new Map<string, string>()
  /** Parks marked by markAlarm, recomputed by the next flush. */
  readonly #pending = new Set<string>()
  /**
   * Parks marked by markDevice only: recomputed once `promoteDevices` moves them to `#pending`
   * (the hub does at each one-second tick), or with an alarm of theirs. While thousands of
   * devices time out or reconnect, a park was otherwise recomputed ten times a second, each time
   * making its whole risk anew (most of the hub's garbage in the many-connections bench).
   */
  readonly #pendingDevices = new Set<string>()

  constructor(deps: RiskTrackerDeps) {
    this.#clock = deps.clock
    this.#options = deps.options ?? {}
    this.#build(deps.zone, deps.alarms ?? [], deps.devices ?? [])
  }

  #build(zone: Pick<Zone, 'parks'>, alarms: Iterable<Alarm>, devices: Iterable<DeviceState>): void {
    const now = this.#clock()
    this.#slots = new Map()
    for (const park of zone.parks) {
      const placeholder = computeParkRisk(park, [], [], now, this.#options)
      this.#slots.set(park.id, { park, alarms: new Map(), devices: new Map(), tally: new DeviceTally(park), risk: placeholder, computed: false, shelfEnds: Infinity })
    }
    this.#alarmPark.clear()
    this.#devicePark.clear()
    for (const a of alarms) this.#putAlarm(a)
    for (const d of devices) this.#putDevice(d)
    for (const slot of this.#slots.values()) this.#recompute(slot, now)
  }

  /** Every park's current risk, in the zone's order. */
  all(): ParkRisk[] {
    return [...this.#slots.values()].map((s) => s.risk)
  }

  get(park: string): ParkRisk | undefined {
    return this.#slots.get(park)?.risk
  }

  /** An alarm was raised or changed (closed alarms are dropped). Returns the parks that changed. */
  updateAlarm(alarm: Alarm): ParkRisk[] {
    this.markAlarm(alarm)
    return this.flush()
  }

  removeAlarm(id: string): ParkRisk[] {
    const before = this.#alarmPark.get(id)
    if (before === undefined) return []
    this.#slots.get(before)?.alarms.delete(id)
    this.#alarmPark.delete(id)
    return this.#recomputeParks([before])
  }

  /** A device was added, changed, or went online/offline. Returns the parks that changed. */
  updateDevice(device: Device, online: boolean): ParkRisk[] {
    this.markDevice(device, online)
    return this.flush()
  }

  /**
   * Like `updateAlarm` / `updateDevice`, but only notes the park as changed; `flush()` then
   * recomputes each noted park once. A storm (a park's 2,000 devices reconnecting, a deadman
   * sweep taking hundreds offline) costs one recomputation per park, not one per device.
   */
  markAlarm(alarm: Alarm): void {
    this.#dirty(this.#alarmPark.get(alarm.id))
    this.#putAlarm(alarm)
    this.#dirty(alarm.park)
  }

  markDevice(device: Device, online: boolean): void {
    const before = this.#devicePark.get(device.id)
    if (before !== undefined) this.#pendingDevices.add(before)
    this.#putDevice({ device, online })
    this.#pendingDevices.add(device.park)
  }

  /** The parks whose devices changed are due for recomputation with the next flush. */
  promoteDevices(): void {
    for (const p of this.#pendingDevices) this.#pending.add(p)
    this.#pendingDevices.clear()
  }

  /** Whether parks were marked and not yet recomputed. */
  get pending(): boolean {
    return this.#pending.size > 0
  }

  /**
   * Recomputes at most `max` of the parks marked (first marked first), leaving the rest marked:
   * a park of 30,000 devices, recomputed and sent, is a task of its own on the event loop.
   */
  flushSome(max: number): ParkRisk[] {
    const parks: string[] = []
    for (const p of this.#pending) {
      if (parks.length >= max) break
      parks.push(p)
    }
    for (const p of parks) this.#pending.delete(p)
    return this.#recomputeParks(parks)
  }

  /** Marks the parks whose shelved alarms' shelves ran out (`refreshDue` without recomputing). */
  markDue(): void {
    const now = this.#clock()
    for (const [id, slot] of this.#slots) if (slot.shelfEnds <= now) this.#pending.add(id)
  }

  /** Recomputes the parks marked since the last flush (devices' marks too). Returns the parks that changed. */
  flush(): ParkRisk[] {
    this.promoteDevices()
    const parks = [...this.#pending]
    this.#pending.clear()
    return this.#recomputeParks(parks)
  }

  #dirty(park: string | undefined): void {
    if (park !== undefined) this.#pending.add(park)
  }

  removeDevice(id: string): ParkRisk[] {
    const before = this.#devicePark.get(id)
    if (before === undefined) return []
    this.#dropDevice(before, id)
    this.#devicePark.delete(id)
    return this.#recomputeParks([before])
  }

  /** Recompute every park. Returns the parks that changed. */
  refresh(): ParkRisk[] {
    this.#pending.clear()
    return this.#recomputeParks([...this.#slots.keys()])
  }

  /**
   * Time alone changes a park's risk only when a shelved alarm's shelf runs out (it counts
   * again): recompute the parks where that happened, and those marked. Called every second;
   * recomputing a park of thousands of devices every second would stall the hub for nothing.
   */
  refreshDue(): ParkRisk[] {
    const now = this.#clock()
    for (const [id, slot] of this.#slots) if (slot.shelfEnds <= now) this.#pending.add(id)
    return this.flush()
  }

  /** The zone changed (parks, enterprises, areas, grades): rebuild, keeping alarms and devices. */
  setZone(zone: Pick<Zone, 'parks'>): ParkRisk[] {
    const previous = new Map([...this.#slots].map(([id, s]) => [id, s.risk]))
    const alarms = [...this.#slots.values()].flatMap((s) => [...s.alarms.values()])
    const devices = [...this.#slots.values()].flatMap((s) => [...s.devices.values()])
    this.#build(zone, alarms, devices)
    return [...this.#slots.values()].filter((s) => { const p = previous.get(s.park.id); return p === undefined || !sameRisk(p, s.risk) }).map((s) => s.risk)
  }

  #putAlarm(alarm: Alarm): void {
    const before = this.#alarmPark.get(alarm.id)
    if (before !== undefined) this.#slots.get(before)?.alarms.delete(alarm.id)
    this.#alarmPark.delete(alarm.id)
    const slot = this.#slots.get(alarm.park)
    if (!slot || alarm.workflow === 'closed') return
    slot.alarms.set(alarm.id, alarm)
    this.#alarmPark.set(alarm.id, alarm.park)
  }

  #putDevice(state: DeviceState): void {
    const id = state.device.id
    const before = this.#devicePark.get(id)
    if (before !== undefined) this.#dropDevice(before, id)
    this.#devicePark.delete(id)
    const slot = this.#slots.get(state.device.park)
    if (!slot) return
    slot.devices.set(id, state)
    slot.tally.add(state)
    this.#devicePark.set(id, state.device.park)
  }

  #dropDevice(park: string, id: string): void {
    const slot = this.#slots.get(park)
    const held = slot?.devices.get(id)
    if (!slot || !held) return
    slot.devices.delete(id)
    slot.tally.remove(held)
  }

  #recomputeParks(parks: Array<string | undefined>): ParkRisk[] {
    const now = this.#clock()
    const changed: ParkRisk[] = []
    for (const id of new Set(parks)) {
      if (id !== undefined) this.#pendingDevices.delete(id)
      const slot = id === undefined ? undefined : this.#slots.get(id)
      if (slot && this.#recompute(slot, now)) changed.push(slot.risk)
    }
    return changed
  }

  /** True when the park's risk changed; its `updatedAt` then moves to `now`. */
  #recompute(slot: ParkSlot, now: number): boolean {
    slot.shelfEnds = Infinity
    for (const a of slot.alarms.values()) if (a.shelvedUntil !== undefined && a.shelvedUntil > now && a.shelvedUntil < slot.shelfEnds) slot.shelfEnds = a.shelvedUntil
    const risk = computeParkRisk(slot.park, slot.alarms.values(), slot.devices.values(), now, this.#options, slot.devices, slot.tally)
    if (slot.computed && sameRisk(risk, slot.risk)) return false
    slot.risk = risk
    slot.computed = true
    return true
  }
}
