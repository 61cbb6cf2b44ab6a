/**
 * Mass disconnect → one communications alarm (ISA-18.2 / IEC 62682 §… "suppression by design",
 * EEMUA 191 alarm floods): when many devices of one area, or behind one gateway, go offline
 * within a window, the cause is most likely one (a switch, a fibre, a DTU, the gateway), and an
 * operator needs one alarm that names the place and lists the devices, not hundreds of
 * `device_offline` alarms that bury everything else. When several areas of one park trip in
 * the window, the park's own communications alarm takes them over (a park's network), so a
 * park-wide outage is one alarm per park (and per gateway within it, absorbed the same way).
 *
 * - A group is a device's gateway, else its area, else its park. Its offline activations
 *   within `windowMs` are counted; until the count reaches the group's trip count (half its
 *   devices, at least `minDevices`, at most `maxDevices`) each one passes as its own alarm.
 * - At the trip: one `communications_loss` alarm (key `comms:<group>`, class device-health,
 *   orange when the group holds safety devices — an area whose detectors all fall silent at
 *   once may be a fire, not a network, so it colours the park's risk like a blind spot; blue
 *   otherwise) lists the devices; the device alarms raised in the window are suppressed by
 *   design with a note naming it. Later offline devices of the group join its list (the list
 *   is restated at most every `refreshMs`, 5 s) and raise nothing of their own.
 * - The devices stay offline everywhere else: the registry, the sockets and park risk (each
 *   offline safety device still counts, and the blind-spot rule applies): the monitoring gap
 *   stays visible, only the alarm flood is gone.
 * - A device back online leaves the list; the alarm clears when the last is back.
 * - After a restart the open communications alarms are taken up again (`resume`), with the
 *   devices the rules still hold offline.
 *
 * Pure: no clock of its own, no I/O; the safety loop applies what it returns.
 */
import { ALARM_LEVEL, type Alarm, type AlarmLevel, type Transition } from '../model/alarm.js'
import type { Device } from '../model/device.js'
import { msg } from '../model/messages/index.js'
import { isSafetyDevice } from '../risk/risk-model.js'
import { offlineKey } from './deadman.js'

export const COMMUNICATIONS_RULE = 'communications'
export const COMMUNICATIONS_TYPE = 'communications_loss'
const KEY_PREFIX = 'comms:'

export interface CommunicationsOptions {
  /** Offline activations of one group counted together (ms). Default 60 s: the deadman's spread over one reporting interval and more. */
  windowMs?: number
  /** Fewest devices that make a group trip (default 3). */
  minDevices?: number
  /** Most devices needed to trip (default 10): a large area trips at ten, not at half of it. */
  maxDevices?: number
  /** Groups of one park tripping in the window that make it the park's (default 3). */
  parkGroups?: number
  /** Level for a group without safety devices (the deadman's level for others). */
  otherLevel?: AlarmLevel
  /** Devices named in the alarm's text (all are in `devices`). */
  named?: number
  /**
   * Least time between two restatements of one alarm's changed list (default 5 s). During a
   * mass timeout its list grows every second; each restatement is the whole list (26,000 ids
   * in a park of a 100,000-device zone) journaled, sent to every socket and noted in its
   * history: 15 – 20 ms of the event loop a park each second (many-connections bench profile).
   */
  refreshMs?: number
}

export const COMMUNICATIONS_DEFAULTS = { windowMs: 60_000, minDevices: 3, maxDevices: 10, parkGroups: 3, named: 20, refreshMs: 5000 } as const

/** What the safety loop does with an offline transition and after it. */
export interface CommunicationsOutcome {
  /** Raise the device's own alarm (false: the device is in a communications alarm's list). */
  pass: boolean
  /** Transitions of communications alarms to apply. */
  transitions: Transition[]
  /** Keys of alarms to suppress by design, with the group that now reports them. */
  suppress: { key: string; group: string }[]
}

interface Group {
  key: string
  park: string
  area: string | undefined
  size: number
  safety: boolean
  /** Offline activations counted for the trip: device and time, oldest first. */
  recent: { id: string; ts: number }[]
  /** Tripped: its communications alarm is active, or it was taken over by its park's. */
  tripped: boolean
  /** The park's group that took it over. */
  takenBy: string | undefined
  /** Devices in the communications alarm, in the order they fell silent. */
  members: Set<string>
  /** The device the alarm is placed at (its first safety device to fall silent). */
  anchor: Device | undefined
  /** Members changed since the alarm last said them. */
  changed: boolean
  reported: number
  /** When the alarm last said its list (raised or restated). */
  saidAt: number
}

export class CommunicationsGrouper {
  private readonly o: Required<Omit<CommunicationsOptions, 'otherLevel'>> & { otherLevel: AlarmLevel }
  private readonly groups = new Map<string, Group>()
  /** Per park: when its groups tripped, for the park's own trip. */
  private readonly parkTrips = new Map<string, number[]>()

  constructor(
    devices: Iterable<Device>,
    private readonly deviceOf: (id: string) => Device | undefined,
    options: CommunicationsOptions = {},
  ) {
    this.o = { ...COMMUNICATIONS_DEFAULTS, otherLevel: ALARM_LEVEL.blue, ...options }
    for (const d of devices) this.sized(d)
  }

  /** The group a device belongs to (created and sized as devices are seen). */
  private sized(d: Device): Group {
    const key = groupKey(d)
    let g = this.groups.get(key)
    if (!g) {
      g = { key, park: d.park, area: d.gateway ? undefined : d.area, size: 0, safety: false, recent: [], tripped: false, takenBy: undefined, members: new Set(), anchor: undefined, changed: false, reported: 0, saidAt: 0 }
      this.groups.set(key, g)
    }
    g.size++
    if (isSafetyDevice(d)) g.safety = true
    return g
  }

  private parkGroup(park: string): Group {
    const key = `park:${park}`
    let g = this.groups.get(key)
    if (!g) {
      g = { key, park, area: undefined, size: 0, safety: false, recent: [], tripped: false, takenBy: undefined, members: new Set(), anchor: undefined, changed: false, reported: 0, saidAt: 0 }
      this.groups.set(key, g)
    }
    return g
  }

  /** The group reporting `g`'s devices now (itself, or its park's). */
  private reporter(g: Group): Group {
    return g.takenBy !== undefined ? this.groups.get(g.takenBy) ?? g : g
  }

  /** An offline activation or clear of a device (type device_offline). */
  offline(t: Transition): CommunicationsOutcome {
    const out: CommunicationsOutcome = { pass: true, transitions: [], suppress: [] }
    const d = this.deviceOf(t.device)
    if (!d) return out
    const own = this.groups.get(groupKey(d))
    if (!own) return out
    const parkG = this.groups.get(`park:${d.park}`)
    const g = parkG?.tripped ? parkG : this.reporter(own)
    if (t.kind === 'clear') {
      own.recent = own.recent.filter((r) => r.id !== t.device)
      if (g.members.delete(t.device)) {
        g.changed = true
        if (g.members.size === 0) out.transitions.push(this.transition(g, 'clear', t.ts))
      }
      return out
    }
    if (g.tripped) {
      this.join(g, d)
      out.pass = false
      return out
    }
    // Not tripped: count it in its own group's window.
    own.recent = own.recent.filter((r) => r.ts > t.ts - this.o.windowMs && r.id !== t.device)
    own.recent.push({ id: t.device, ts: t.ts })
    if (own.recent.length < this.tripCount(own)) return out
    // The group trips: its alarm, the earlier device alarms suppressed, this one absorbed.
    out.pass = false
    own.tripped = true
    for (const r of own.recent) {
      const rd = this.deviceOf(r.id)
      if (rd) this.join(own, rd)
      if (r.id !== t.device) out.suppress.push({ key: offlineKey(r.id), group: own.key })
    }
    own.recent = []
    const trips = (this.parkTrips.get(d.park) ?? []).filter((x) => x > t.ts - this.o.windowMs)
    trips.push(t.ts)
    this.parkTrips.set(d.park, trips)
    if (trips.length >= this.o.parkGroups) this.takeOverPark(d.park, t.ts, out)
    else {
      own.reported = own.members.size
      own.changed = false
      own.saidAt = t.ts
      out.transitions.push(this.transition(own, 'activate', t.ts))
    }
    return out
  }

  /** The park's own alarm takes over every tripped group of the park. */
  private takeOverPark(park: string, ts: number, out: CommunicationsOutcome): void {
    const p = this.parkGroup(park)
    p.tripped = true
    for (const g of this.groups.values()) {
      if (g === p || g.park !== park || !g.tripped || g.takenBy !== undefined) continue
      for (const id of g.members) {
        const d = this.deviceOf(id)
        if (d) this.join(p, d)
      }
      // Its own alarm was raised (not the one tripping now, which raised none): it clears and is suppressed, the park's says it.
      if (g.reported > 0) {
        out.transitions.push(this.transition(g, 'clear', ts))
        out.suppress.push({ key: KEY_PREFIX + g.key, group: p.key })
      }
      g.members.clear()
      g.takenBy = p.key
    }
    p.size = [...this.groups.values()].filter((g) => g.park === park && g !== p).reduce((s, g) => s + g.size, 0)
    p.reported = p.members.size
    p.changed = false
    p.saidAt = ts
    out.transitions.push(this.transition(p, 'activate', ts))
  }

  private join(g: Group, d: Device): void {
    if (g.members.has(d.id)) return
    g.members.add(d.id)
    g.changed = true
    if (isSafetyDevice(d)) g.safety = true
    if (!g.anchor || (!isSafetyDevice(g.anchor) && isSafetyDevice(d))) g.anchor = d
  }

  private tripCount(g: Group): number {
    return Math.max(this.o.minDevices, Math.min(this.o.maxDevices, Math.ceil(g.size / 2)))
  }

  /**
   * Once a tick: the alarms whose lists changed say them again (a same-level activation with
   * the whole list), with how many devices each holds now, for a note in its history — each
   * at most once in `refreshMs`.
   */
  tick(now: number): { transitions: Transition[]; changed: { key: string; count: number; group: string }[] } {
    const transitions: Transition[] = []
    const changed: { key: string; count: number; group: string }[] = []
    for (const g of this.groups.values()) {
      if (!g.tripped || g.takenBy !== undefined) continue
      if (g.members.size === 0) {
        this.reset(g)
        continue
      }
      if (!g.changed || now - g.saidAt < this.o.refreshMs) continue
      g.changed = false
      g.saidAt = now
      g.reported = g.members.size
      transitions.push(this.transition(g, 'activate', now))
      changed.push({ key: KEY_PREFIX + g.key, count: g.members.size, group: g.key })
    }
    return { transitions, changed }
  }

  /** A group whose alarm cleared counts afresh; a park's releases the groups it took over. */
  private reset(g: Group): void {
    g.tripped = false
    g.changed = false
    g.reported = 0
    g.anchor = undefined
    if (g.key.startsWith('park:')) for (const x of this.groups.values()) if (x.takenBy === g.key) x.takenBy = undefined
    for (const x of this.groups.values()) if (x.park === g.park && x.takenBy === undefined && x.tripped && x.members.size === 0) x.tripped = false
    this.parkTrips.delete(g.park)
  }

  /** After a restart: the open communications alarms (with their keys), with the devices the rules still hold offline. */
  resume(alarms: Iterable<{ key: string; alarm: Alarm }>, isOffline: (id: string) => boolean, now: number): Transition[] {
    const out: Transition[] = []
    for (const { key: alarmKey, alarm: a } of alarms) {
      if (a.rule !== COMMUNICATIONS_RULE || a.condition !== 'active' || !a.devices || !alarmKey.startsWith(KEY_PREFIX)) continue
      const key = alarmKey.slice(KEY_PREFIX.length)
      const g = key.startsWith('park:') ? this.parkGroup(a.park) : this.groups.get(key)
      if (!g) continue
      g.tripped = true
      for (const id of a.devices) {
        const d = this.deviceOf(id)
        if (d && isOffline(id)) this.join(g, d)
      }
      g.reported = g.members.size
      g.changed = g.members.size !== a.devices.length
      if (key.startsWith('park:')) for (const x of this.groups.values()) if (x.park === a.park && x !== g) x.takenBy = g.key
      if (g.members.size === 0) out.push(this.transition(g, 'clear', now))
    }
    return out
  }

  private transition(g: Group, kind: Transition['kind'], ts: number): Transition {
    const devices = [...g.members]
    const anchor = g.anchor
    const level: AlarmLevel = g.safety ? ALARM_LEVEL.orange : this.o.otherLevel
    const named = devices.slice(0, this.o.named).join(', ') + (devices.length > this.o.named ? ', …' : '')
    return {
      key: KEY_PREFIX + g.key,
      rule: COMMUNICATIONS_RULE,
      type: COMMUNICATIONS_TYPE,
      class: 'device-health',
      kind,
      level,
      park: g.park,
      enterprise: anchor?.enterprise ?? '',
      area: g.area,
      device: anchor?.id ?? '',
      metric: undefined,
      value: devices.length,
      threshold: undefined,
      ts,
      message: kind === 'clear' ? undefined : `${devices.length} devices of ${g.key} silent together (${named})`,
      said: kind === 'clear' ? undefined : msg('alarmNote.communicationsLoss', { count: devices.length, group: g.key, devices: named }),
      devices,
    }
  }
}

/** A device's group: its gateway, else its area, else its park. */
export function groupKey(d: Pick<Device, 'park' | 'area' | 'gateway'>): string {
  if (d.gateway) return `gateway:${d.gateway}`
  if (d.area) return `area:${d.park}/${d.area}`
  return `park:${d.park}`
}
