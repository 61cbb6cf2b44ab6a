import { join } from 'node:path'
import type { Alarm, AlarmStep, Transition } from './model/alarm.js'
import type { Device } from './model/device.js'
import type { DeviceEvent, DeviceStatus, Reading } from './model/reading.js'
import type { Zone } from './model/zone.js'
import type { Snapshot } from './model/live-events.js'
import { RulesEngine, type RulesState } from './rules/index.js'
import { AlarmBook, type AlarmBookState } from './alarms/index.js'
import { RiskSchedule, RiskTracker } from './risk/index.js'
import { StateLog } from './journal/state-log.js'
import { RulesStateSaver } from './rules-state-saver.js'
import { ActuatorIndex } from './registry/actuator-index.js'
import type { DeviceRegistry } from './registry/device-registry.js'
import type { LiveServer } from './live/live-server.js'
import { alarmEventLine } from './store/points.js'
import { IncidentManager, type IncidentManagerState } from './response/index.js'
import type { Incident } from './model/incident.js'
import type { CheckedEvent } from './ingest/validate.js'
import { CommunicationsGrouper } from './rules/communications-alarm.js'
import { msg } from './model/messages/index.js'
import { renderMessage } from './model/messages/render.js'
import { mergeAlarmRecords, mergeIncidentRecords, type AlarmRecord } from './safety-restore.js'
import { parkRulesOf, type ParkRecord, type ParkRules, type ParkSnapshot } from './cluster/park-state.js'
import { adoptPark, parkSnapshotOf } from './cluster/park-adoption.js'

/** How long park risk may lag the alarms and device states behind it. */
/**
 * A tick's transitions past this many are applied in slices of the event loop's time
 * (SLICE_MS each, the loop's other work between them). When 80,000 devices of a freshly
 * loaded zone, or a whole park's behind one failed switch, time out in the same second, each
 * offline transition updates the registry, the sockets, park risk and the grouping of
 * communications alarms: done in one piece that held the loop for 1.2 s at 17,000 devices
 * (many-connections bench, CPU profile), and every reading and alarm waited behind it.
 */
const TICK_SLICE_AT = 200
const SLICE_MS = 5

/**
 * The safety loop, composed: readings → rules → alarm book → (journal, InfluxDB
 * `alarm_events`, socket.io, risk, response). Part of the app's composition: it owns no
 * domain logic, only the wiring and the persistence of rules and alarm state (so the whole
 * state is back after `kill -9`).
 */
export interface SafetyLoopDeps {
  zone: Zone
  registry: DeviceRegistry
  dataDir: string
  clock: () => number
  deadmanIntervals: number
  /** Readings older than this are history, never a live alarm (rules/live-window.ts); default 600. */
  liveWindowSec?: number
  writeLines: (lines: string[]) => void
  /** Where alarms, risk, incidents, live readings and device states are pushed (the socket server). */
  live: LiveFeed
  /** How commands reach devices (the broker, QoS 1, not retained). */
  commands: (topic: string, payload: string) => Promise<void>
  log: { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void }
  /** Cluster mode (cluster/park-runner.ts): the parks this node owns now, the only ones evaluated; single-node: all. */
  owns?: (park: string) => boolean
  /** Cluster mode: every alarm and incident version persisted for a park, for its fenced log. */
  onParkRecord?: (park: string, record: ParkRecord) => void
}

/** The socket server's pushing half, as the safety loop uses it (live/live-server.ts). */
export type LiveFeed = Pick<LiveServer, 'telemetry' | 'alarm' | 'risk' | 'incident' | 'device'>

export interface AlarmListener {
  onAlarm(alarm: Alarm, step: AlarmStep): void
}

/**
 * What the hub knows of a device's link: heard from (the registry's `online`), offline (the
 * deadman or its own status), or not heard from since start. Park risk counts all but offline.
 */
type Presence = 'online' | 'offline' | 'unheard'

export class SafetyLoop {
  readonly rules: RulesEngine
  readonly alarms: AlarmBook
  readonly risk: RiskTracker
  readonly incidents: IncidentManager
  /** Many devices of one area, gateway or park silent together: one communications alarm (rules/communications-alarm.ts). */
  private readonly comms: CommunicationsGrouper
  private readonly incidentLog: StateLog<IncidentManagerState, Incident>
  private readonly live: LiveFeed
  private readonly listeners: AlarmListener[] = []
  private readonly alarmLog: StateLog<AlarmBookState, AlarmRecord>
  private readonly rulesLog: StateLog<RulesState, never>
  private readonly rulesSaver: RulesStateSaver
  private readonly riskSchedule: RiskSchedule
  private timers: NodeJS.Timeout[] = []
  /** Each device's presence, written only by setOnline (and decided once at start). */
  private readonly presence = new Map<string, Presence>()
  transitions = 0

  constructor(private readonly d: SafetyLoopDeps) {
    this.live = d.live
    const now = d.clock()
    const devices = [...d.registry.all()].map((r) => r.device)
    this.rules = new RulesEngine({ zone: d.zone, devices, now, options: { deadmanIntervals: d.deadmanIntervals, liveWindowSec: d.liveWindowSec } })
    this.rulesLog = new StateLog(join(d.dataDir, 'state', 'rules'))
    this.rulesSaver = new RulesStateSaver(this.rules, this.rulesLog, (err) => d.log.warn({ err: err.message }, 'rules state not saved'))
    const savedRules = this.rulesLog.load().snapshot
    if (savedRules) {
      try {
        // Devices not offline count as seen now: a hub outage is not a flood of offline alarms.
        this.rules.restore(savedRules, now)
      } catch (err) {
        d.log.warn({ err: (err as Error).message }, 'rules state not restored')
      }
    }
    this.alarmLog = new StateLog(join(d.dataDir, 'state', 'alarms'))
    const { snapshot, records } = this.alarmLog.load()
    const state = mergeAlarmRecords(snapshot, records)
    const sink = { onChange: (alarm: Alarm, step: AlarmStep) => this.onAlarmChange(alarm, step) }
    this.alarms = AlarmBook.restore(state, {
      clock: d.clock, sink, latching: d.zone.alarms?.latching, deviceKind: (id) => d.registry.get(id)?.device.kind,
    })
    this.comms = new CommunicationsGrouper(devices, (id) => d.registry.get(id)?.device)
    this.risk = new RiskTracker({
      zone: d.zone,
      clock: d.clock,
      alarms: this.alarms.active(),
      devices: [...d.registry.all()].map((r) => ({ device: r.device, online: this.decideAtStart(r.device.id, r.state.online) !== 'offline' })),
    })
    this.riskSchedule = new RiskSchedule(this.risk, (changed) => this.emitRisk(changed), (err) => d.log.error({ err: err.message }, 'park risk not recomputed'))
    this.incidentLog = new StateLog(join(d.dataDir, 'state', 'incidents'))
    const saved = this.incidentLog.load()
    const incidentState = mergeIncidentRecords(saved.snapshot, saved.records)
    // Plan commands reach only devices that drive an actuator: those, not the whole zone.
    const actuators = new ActuatorIndex(d.registry)
    this.incidents = IncidentManager.restore(incidentState, {
      zone: d.zone,
      devices: () => actuators.devices(),
      device: (id) => d.registry.get(id)?.device,
      clock: d.clock,
      alarms: (id) => this.alarms.get(id),
      // A command to a device the registry holds offline fails visibly instead of being published.
      online: (id) => d.registry.get(id)?.state.online ?? false,
      // Plan texts quote the effective set points, not copies.
      setpoints: (id) => this.rules.effectiveSetpoints(id),
      commands: {
        send: (_device, topic, payload) => d.commands(topic, JSON.stringify(payload)),
      },
      sink: {
        onChange: (incident) => {
          this.incidentLog.append(incident)
          this.d.onParkRecord?.(incident.park, { i: incident })
          this.live.incident(incident)
        },
      },
      onError: (err) => d.log.error({ err: (err as Error).message }, 'incident sink failed'),
    })
    this.incidentLog.compact(this.incidents.snapshot())
    this.listeners.push({ onAlarm: (alarm) => void this.incidents.onAlarm(alarm) })
    d.registry.onChange((e) => {
      const t = this.d.clock()
      if (e.type === 'added') {
        // A device added at run time counts as offline until it is heard from (as in park risk before).
        this.presence.set(e.device.id, 'offline')
        this.apply(this.rules.addDevice(e.device, t))
        this.risk.markDevice(e.device, false)
        this.risk.promoteDevices()
        this.riskSchedule.schedule()
      } else {
        this.apply(this.rules.removeDevice(e.device.id, t))
        this.presence.delete(e.device.id)
        this.emitRisk(this.risk.removeDevice(e.device.id))
      }
    })
    // Open communications alarms taken up again with the devices still offline.
    const openComms = this.alarms.active().flatMap((alarm) => {
      const key = this.alarms.keyOf(alarm.id)
      return key === undefined ? [] : [{ key, alarm }]
    })
    this.apply(this.comms.resume(openComms, (id) => this.rules.isOffline(id), now))
    // Compact at start so the log holds only what happens from now on.
    this.alarmLog.compact(this.alarms.snapshot())
  }

  addListener(l: AlarmListener): void {
    this.listeners.push(l)
  }

  start(): void {
    this.timers.push(setInterval(() => this.tick(), 1000))
    this.timers.push(setInterval(() => void this.rulesSaver.saveAsync(), 10_000))
    for (const t of this.timers) t.unref()
  }

  onReadings(readings: Reading[]): void {
    const now = this.d.clock()
    for (const r of readings) {
      // A reading older than the live window is history (rules/live-window.ts): not a sign of
      // life now, and not shown as a live value.
      const live = this.rules.isLive(r.ts, now)
      if (live) this.setOnline(r.device, true, r.ts)
      const tr = this.rules.onReading(r, now)
      if (tr.length > 0) this.apply(tr)
      if (live) this.live.telemetry(r.flags ? { device: r.device, park: r.park, ts: r.ts, values: r.values, flags: r.flags } : { device: r.device, park: r.park, ts: r.ts, values: r.values })
    }
  }

  onEvent(e: DeviceEvent & Partial<Pick<CheckedEvent, 'commandId' | 'result'>>): void {
    this.setOnline(e.device, true, e.ts)
    if (e.type === ('command_ack' as string)) {
      if (e.commandId) this.incidents.onCommandAck(e.device, e.commandId, e.ts, e.result)
      return
    }
    const tr = this.rules.onEvent(e, this.d.clock())
    if (tr.length > 0) this.apply(tr)
  }

  /** A device's own `status` message (its MQTT will, or `online` on connect). */
  onStatus(s: DeviceStatus): void {
    this.setOnline(s.device, s.online, s.ts)
    const tr = this.rules.onStatus(s, this.d.clock())
    if (tr.length > 0) this.apply(tr)
  }

  /**
   * The one writer of a device's online state: a sign of life (a live reading, an event), its
   * own status message, and the rules' deadman (`device_offline`) all come through here; the
   * registry holds whether it is online (heard from), sockets and park risk follow each change
   * of its presence, including a device not yet heard from that the deadman times out (the
   * registry already holds it as not online, park risk counted it as online until then).
   */
  private setOnline(id: string, online: boolean, ts: number): void {
    const rec = this.d.registry.get(id)
    if (!rec) return
    this.d.registry.setOnline(id, online, ts)
    const next: Presence = online ? 'online' : 'offline'
    if (this.presence.get(id) === next) return
    this.presence.set(id, next)
    this.deviceOnline(rec.device, online, ts)
  }

  /**
   * A device's presence at start, decided once: online if already heard from, offline if the
   * restored rules hold it offline, otherwise not heard from yet (the hub was down, not the
   * device, so park risk does not count it offline: rules/deadman.ts).
   */
  private decideAtStart(id: string, heard: boolean): Presence {
    const presence: Presence = heard ? 'online' : this.rules.isOffline(id) ? 'offline' : 'unheard'
    this.presence.set(id, presence)
    return presence
  }

  /** Park risk follows at the next tick (risk-tracker.ts `promoteDevices`). */
  private deviceOnline(device: Device, online: boolean, ts: number): void {
    this.live.device({ device: device.id, park: device.park, online, ts })
    this.risk.markDevice(device, online)
  }

  /** Transitions of earlier ticks still to apply (`applyInSlices`). */
  private backlog: Transition[] = []
  private backlogHead = 0

  private tick(): void {
    const now = this.d.clock()
    try {
      this.applyDue(this.rules.tick(now))
      this.catchUpDeadman(now)
      this.communicationsTick(now)
      this.alarms.tick(now)
      this.incidents.tick()
      this.risk.markDue()
      this.risk.promoteDevices()
      if (this.risk.pending) this.riskSchedule.schedule()
      if (this.alarmLog.records > 5000) this.alarmLog.compact(this.alarms.snapshot())
    } catch (err) {
      this.d.log.error({ err: (err as Error).message }, 'safety tick failed')
    }
  }

  private applyDue(due: Transition[]): void {
    if (due.length > TICK_SLICE_AT || this.backlogHead < this.backlog.length) this.applyInSlices(due)
    else this.apply(due)
  }

  /** While silent devices are due past one deadman pass (a mass timeout), a pass every 100 ms until none is. */
  private catchUpTimer: NodeJS.Timeout | undefined
  private catchUpDeadman(now: number): void {
    if (this.catchUpTimer || !this.rules.deadmanBehind(now)) return
    this.catchUpTimer = setTimeout(() => {
      this.catchUpTimer = undefined
      try {
        const at = this.d.clock()
        this.applyDue(this.rules.tickDeadman(at))
        this.catchUpDeadman(at)
      } catch (err) {
        this.d.log.error({ err: (err as Error).message }, 'safety tick failed')
      }
    }, 100)
  }

  /**
   * Applies `due` after any backlog, SLICE_MS of the loop at a time. An offline transition
   * whose device has been heard from since (the rules no longer hold it offline) is dropped:
   * the reading that brought it back has already cleared it.
   */
  private applyInSlices(due: Transition[]): void {
    const running = this.backlogHead < this.backlog.length
    if (this.backlogHead > 0 && !running) {
      this.backlog = []
      this.backlogHead = 0
    }
    // Only the deadman's offline transitions wait: the others (set points' off-delays, rate of
    // rise, correlation) are few and must not fall behind a newer reading's transition.
    const now: Transition[] = []
    for (const t of due) (t.type === 'device_offline' ? this.backlog : now).push(t)
    this.apply(now)
    if (running || this.backlogHead >= this.backlog.length) return
    const slice = (): void => {
      const started = performance.now()
      try {
        while (this.backlogHead < this.backlog.length && performance.now() - started < SLICE_MS) {
          const t = this.backlog[this.backlogHead++]!
          if (t.type === 'device_offline' && t.kind === 'activate' && !this.rules.isOffline(t.device)) continue
          this.apply([t])
        }
      } catch (err) {
        this.d.log.error({ err: (err as Error).message }, 'safety tick failed')
      }
      if (this.backlogHead < this.backlog.length) setImmediate(slice)
      else {
        this.backlog = []
        this.backlogHead = 0
      }
    }
    slice()
  }

  apply(transitions: Transition[]): void {
    for (const t of transitions) {
      // Cluster mode: another node evaluates that park (the deadman and grouping see every device).
      if (this.d.owns && !this.d.owns(t.park)) continue
      this.transitions++
      if (t.type !== 'device_offline') {
        this.alarms.apply(t)
        continue
      }
      // Offline everywhere (registry, sockets, park risk); its own alarm unless a communications alarm lists it.
      this.setOnline(t.device, t.kind === 'clear', t.ts)
      const o = this.comms.offline(t)
      if (o.pass) this.alarms.apply(t)
      for (const c of o.transitions) this.alarms.apply(c)
      for (const s of o.suppress) this.suppressByDesign(s.key, s.group, t.ts)
    }
  }

  /** ISA-18.2 suppression by design: the alarm of `key` is reported by `group`'s communications alarm. */
  private suppressByDesign(key: string, group: string, ts: number): void {
    const a = this.alarms.byKey(key)
    if (!a || a.suppressed || a.workflow === 'closed') return
    try {
      this.alarms.suppress(a.id, 'system', { note: renderMessage(msg('alarmNote.supersededByCommunications', { group }), 'en') })
    } catch (err) {
      this.d.log.warn({ err: (err as Error).message, alarm: a.id, ts }, 'alarm not suppressed')
    }
  }

  /** Communications alarms whose device lists changed say them again, with a note of the count. */
  private communicationsTick(now: number): void {
    const { transitions, changed } = this.comms.tick(now)
    for (const t of transitions) this.alarms.apply(t)
    for (const c of changed) {
      const a = this.alarms.byKey(c.key)
      if (!a || a.workflow === 'closed') continue
      try {
        this.alarms.comment(a.id, 'system', { note: renderMessage(msg('alarmNote.communicationsNow', { group: c.group, count: c.count }), 'en') })
      } catch (err) {
        this.d.log.warn({ err: (err as Error).message, alarm: a.id }, 'communications alarm not updated')
      }
    }
  }

  private onAlarmChange(alarm: Alarm, step: AlarmStep): void {
    const key = this.alarms.keyOf(alarm.id)
    if (key !== undefined) this.alarmLog.append({ key, alarm })
    if (key !== undefined) this.d.onParkRecord?.(alarm.park, { a: { key, alarm } })
    this.d.writeLines([alarmEventLine(alarm, step)])
    this.live.alarm(alarm)
    this.risk.markAlarm(alarm)
    this.riskSchedule.schedule()
    for (const l of this.listeners) {
      try {
        l.onAlarm(alarm, step)
      } catch (err) {
        this.d.log.error({ err: (err as Error).message, alarm: alarm.id }, 'alarm listener failed')
      }
    }
  }

  private emitRisk(changed: { park: string }[]): void {
    for (const r of changed) if (!this.d.owns || this.d.owns(r.park)) this.live.risk(r as never)
  }

  /**
   * Cluster mode: hold `park` as its last owner left it (cluster/park-adoption.ts), in place of
   * what this loop held of it; `undefined` gives it up. Nothing is recorded as a change.
   */
  adoptPark(park: string, state: ParkSnapshot | undefined): void {
    adoptPark(this, this.d.registry, park, state, this.d.clock())
    this.riskSchedule.schedule()
  }

  /** Cluster mode: the park's whole part of this loop, for its fenced log's snapshot; its rules' part for some devices. */
  parkSnapshot(park: string): ParkSnapshot {
    return parkSnapshotOf(this, this.d.registry, park)
  }

  parkRules(park: string, devices: ReadonlySet<string>): ParkRules {
    return parkRulesOf(this.rules.state(), park, devices)
  }

  /** Resolves when every alarm change so far is on disk. */
  durable(): Promise<void> {
    return this.alarmLog.flushed()
  }

  incidentsDurable(): Promise<void> {
    return Promise.all([this.incidentLog.flushed(), this.alarmLog.flushed()]).then(() => undefined)
  }

  snapshotFor(parks: string[] | undefined, incidents: Snapshot['incidents'] = this.incidents.list({ state: 'open' })): Snapshot {
    const inPark = (p: string): boolean => parks === undefined || parks.includes(p)
    return {
      alarms: this.alarms.list({ state: 'open' }).filter((a) => inPark(a.park)),
      risk: this.risk.all().filter((r) => inPark(r.park)),
      incidents: incidents.filter((i) => inPark(i.park)),
      serverTime: this.d.clock(),
    }
  }

  close(): void {
    for (const t of this.timers) clearInterval(t)
    this.riskSchedule.close()
    clearTimeout(this.catchUpTimer)
    this.rulesSaver.save()
    this.alarmLog.compact(this.alarms.snapshot())
    this.alarmLog.close()
    this.rulesLog.close()
    this.incidentLog.compact(this.incidents.snapshot())
    this.incidentLog.close()
  }
}

