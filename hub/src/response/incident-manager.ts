/**
 * The incident manager (应急处置): opens incidents from alarms or by hand, groups related
 * alarms, follows a response plan (GB/T 29639-2020 on-site response plan), sends the plan's
 * device commands, records every step of the response, and closes with a summary — the
 * closed loop (闭环) of DOMAIN.md at incident level.
 *
 * - `onAlarm`: a live, annunciated red alarm, or any `gas_fire` alarm (hazard.ts), opens an
 *   incident — unless an open incident of the same park and area (alarms without an area:
 *   the same park and enterprise) exists; then the alarm joins it. An alarm already in an
 *   open incident may raise its level or hazard; one whose incident was closed opens a new
 *   one only after a new activation (raise, reactivate or escalate after the close).
 * - The plan is the first one whose hazard matches and whose minLevel ≥ the level (plans.ts).
 *   When level or hazard rise, the plan is chosen again; a new plan adds its missing steps
 *   and sends its automatic commands not yet sent to the same device.
 * - Commands are recorded (id, topic, sentAt, sentBy) before they are handed to the
 *   CommandPort; a failed send is recorded in `result` and the timeline, never thrown.
 * - Operator actions throw IncidentError (not_found, invalid_state, missing_field,
 *   invalid_field). Every change adds timeline entries and tells the sink; everything handed
 *   out is a copy; `restore(snapshot())` continues identically.
 */
import type { Alarm } from '../model/alarm.js'
import type { Device } from '../model/device.js'
import type { Incident } from '../model/incident.js'
import { COMMAND_ACTUATOR, isAutoCommand, type Hazard, type ResponsePlan } from '../model/response-plan.js'
import { Change, SYSTEM_ACTOR } from './change.js'
import { CommandDispatcher } from './command-dispatcher.js'
import { IncidentError } from './errors.js'
import { combineHazards, hazardOfAlarm, moreSevere, opensIncident } from './hazard.js'
import { copyEntry, copyIncident } from './incident-copy.js'
import { activatedSince, groupTarget, incidentsOf, listIncidents } from './incident-query.js'
import { autoTitle, type ZoneParks } from './place.js'
import { checkPlans, resolvePlans, selectPlan } from './plans.js'
import { devicesInScope, drives } from './scope.js'
import type {
  CommandInput, IncidentManagerDeps, IncidentManagerState, IncidentQuery, IncidentSink, OpenInput, StepInput,
} from './types.js'
import { actorOf, checkCommandInput, checkOpenInput, text, type CheckedOpen } from './validate.js'

export class IncidentManager {
  readonly #zone: ZoneParks
  readonly #devices: () => Iterable<Device>
  readonly #plans: ResponsePlan[]
  readonly #clock: () => number
  readonly #newId: () => string
  readonly #dispatcher: CommandDispatcher
  readonly #sink: IncidentSink | undefined
  readonly #alarms: ((id: string) => Alarm | undefined) | undefined
  /** id → incident, in the order opened. */
  readonly #incidents = new Map<string, Incident>()
  /** alarm id → the latest incident holding it. */
  readonly #byAlarm = new Map<string, string>()

  constructor(deps: IncidentManagerDeps) {
    this.#zone = deps.zone
    this.#devices = deps.devices
    this.#plans = checkPlans(deps.plans ?? resolvePlans(deps.zone))
    this.#clock = deps.clock
    this.#newId = deps.newId ?? (() => globalThis.crypto.randomUUID())
    this.#sink = deps.sink
    this.#alarms = deps.alarms
    const onFailure = (incident: string, command: string, reason: string): void => this.#recordFailure(incident, command, reason)
    this.#dispatcher = new CommandDispatcher(deps.commands, onFailure, deps.onError ?? (() => {}))
  }

  // ── alarms ──────────────────────────────────────────────────────────────────────────────

  /** Feed every alarm change. Returns the incident opened or changed, undefined when none. */
  onAlarm(alarm: Alarm): Incident | undefined {
    const now = this.#clock()
    const latestId = this.#byAlarm.get(alarm.id)
    const latest = latestId === undefined ? undefined : this.#incidents.get(latestId)
    if (latest?.state === 'open') {
      const ch = new Change(latest, now)
      this.#weigh(ch, alarm, SYSTEM_ACTOR)
      return ch.entries.length > 0 ? this.#commit(ch) : undefined
    }
    if (!opensIncident(alarm, now)) return undefined
    if (latest && !activatedSince(alarm, latest.closedAt ?? 0)) return undefined
    const target = groupTarget(this.#incidents.values(), alarm)
    if (target) {
      const ch = new Change(target, now)
      this.#attach(ch, alarm.id, alarm.device, SYSTEM_ACTOR, `${alarm.type}, level ${alarm.level}`)
      this.#weigh(ch, alarm, SYSTEM_ACTOR)
      return this.#commit(ch)
    }
    const hazard = hazardOfAlarm(alarm, this.#device(alarm.device))
    const ch = this.#create(
      { park: alarm.park, area: alarm.area, enterprise: alarm.enterprise, hazard, level: alarm.level, title: undefined, titleEn: undefined },
      SYSTEM_ACTOR,
      now,
      `alarm ${alarm.id} (${alarm.type}, level ${alarm.level})`,
    )
    this.#link(ch.incident, alarm.id, alarm.device)
    this.#applyPlan(ch)
    return this.#commit(ch)
  }

  /** Raise level and hazard for an active alarm of the incident. */
  #weigh(ch: Change, alarm: Alarm, actor: string): void {
    if (alarm.condition !== 'active' || alarm.workflow === 'closed') return
    const inc = ch.incident
    const level = moreSevere(inc.level, alarm.level)
    const hazard = combineHazards(inc.hazard as Hazard, hazardOfAlarm(alarm, this.#device(alarm.device)))
    if (level === inc.level && hazard === inc.hazard) return
    const parts: string[] = []
    if (level !== inc.level) parts.push(`level ${inc.level} → ${level}`)
    if (hazard !== inc.hazard) parts.push(`hazard ${inc.hazard} → ${hazard}`)
    const before = autoTitle(this.#zone, inc.hazard as Hazard, inc)
    const titled = inc.title === before.title && inc.titleEn === before.titleEn
    inc.level = level
    inc.hazard = hazard
    if (titled) Object.assign(inc, autoTitle(this.#zone, hazard, inc))
    ch.note(actor, 'escalate', `${parts.join('; ')} (alarm ${alarm.id})`)
    this.#applyPlan(ch)
  }

  // ── opening by hand ─────────────────────────────────────────────────────────────────────

  /** The open incidents, newest first. */
  open(): Incident[]
  /** An operator opens an incident. Throws IncidentError. */
  open(actor: string, input: OpenInput): Incident
  open(actor?: string, input?: OpenInput): Incident | Incident[] {
    if (actor === undefined && input === undefined) return this.list({ state: 'open' })
    const who = actorOf(actor)
    const o = checkOpenInput(this.#zone, input)
    const found = o.alarms.map((id) => this.#checkAlarm(id, o.park, undefined))
    const ch = this.#create(o, who, this.#clock(), 'opened by hand')
    o.alarms.forEach((id, i) => {
      const alarm = found[i]
      this.#attach(ch, id, alarm?.device, who)
      if (alarm) this.#weigh(ch, alarm, who)
    })
    this.#applyPlan(ch)
    return this.#commit(ch)
  }

  #create(o: Omit<CheckedOpen, 'alarms'>, actor: string, now: number, note: string): Change {
    const id = this.#newId()
    if (this.#incidents.has(id)) throw new Error(`incident id ${id} already used`)
    const auto = autoTitle(this.#zone, o.hazard, o)
    const inc: Incident = {
      id,
      title: o.title ?? o.titleEn ?? auto.title,
      titleEn: o.titleEn ?? o.title ?? auto.titleEn,
      hazard: o.hazard,
      level: o.level,
      park: o.park,
      enterprise: o.enterprise,
      area: o.area,
      state: 'open',
      openedAt: now,
      openedBy: actor,
      closedAt: undefined,
      summary: undefined,
      plan: undefined,
      alarms: [],
      devices: [],
      steps: [],
      commands: [],
      timeline: [],
    }
    this.#incidents.set(id, inc)
    const ch = new Change(inc, now)
    ch.note(actor, 'open', note)
    return ch
  }

  // ── plan and commands ───────────────────────────────────────────────────────────────────

  /** Adopt the plan for the incident's hazard and level, if it is a new one: steps, then automatic commands. */
  #applyPlan(ch: Change): void {
    const inc = ch.incident
    const plan = selectPlan(this.#plans, inc.hazard as Hazard, inc.level)
    if (!plan || plan.id === inc.plan) return
    inc.plan = plan.id
    const added = ch.mergeSteps(plan)
    ch.note(SYSTEM_ACTOR, 'plan', `${plan.id}: ${plan.name} (${added} step${added === 1 ? '' : 's'} added)`)
    const devices = [...this.#devices()]
    for (const c of plan.commands) {
      if (!isAutoCommand(c)) continue
      const targets = devicesInScope(devices, inc, c.actuator, c.scope)
      if (targets.length === 0) {
        ch.note(SYSTEM_ACTOR, 'command_skipped', `${c.command}: no ${c.actuator} device in the incident's ${c.scope}`)
        continue
      }
      for (const d of targets) if (!ch.sent(d.id, c.command)) ch.issue(d, c.command, {}, SYSTEM_ACTOR)
    }
  }

  /** An operator sends a command to one device of the incident's park. */
  sendCommand(id: string, actor: string, input: CommandInput): Incident {
    const { inc, who } = this.#openFor(id, actor)
    const c = checkCommandInput(input, id)
    const device = this.#device(c.device)
    if (!device) throw new IncidentError('not_found', `device ${c.device} not found`, { field: 'device', incident: id })
    if (device.park !== inc.park) {
      throw new IncidentError('invalid_field', `device ${c.device} is not in park ${inc.park}`, { field: 'device', incident: id })
    }
    const actuator = COMMAND_ACTUATOR[c.command]
    if (!drives(device, actuator)) {
      throw new IncidentError('invalid_field', `device ${c.device} drives no ${actuator}`, { field: 'device', incident: id })
    }
    const ch = new Change(inc, this.#clock())
    ch.issue(device, c.command, c.params, who)
    return this.#commit(ch)
  }

  /**
   * A device's `command_ack` event: records `ackedAt` (and `result`, default 'ok') on the matching
   * command of an open incident. Returns the incident, or undefined when no unacknowledged command matches.
   */
  onCommandAck(deviceId: string, commandId: string, ts: number, result?: string): Incident | undefined {
    for (const inc of this.#incidents.values()) {
      if (inc.state !== 'open') continue
      const cmd = inc.commands.find((c) => c.id === commandId && c.device === deviceId)
      if (!cmd) continue
      if (cmd.ackedAt !== undefined) return undefined
      const now = this.#clock()
      cmd.ackedAt = Number.isFinite(ts) ? ts : now
      cmd.result = result === undefined || result === '' ? 'ok' : String(result).slice(0, 200)
      const ch = new Change(inc, now)
      ch.note(deviceId, 'command_ack', `${cmd.command} ${cmd.id}: ${cmd.result}`)
      return this.#commit(ch)
    }
    return undefined
  }

  #recordFailure(incidentId: string, commandId: string, reason: string): void {
    const inc = this.#incidents.get(incidentId)
    const cmd = inc?.commands.find((c) => c.id === commandId)
    if (!inc || !cmd || cmd.ackedAt !== undefined) return
    cmd.result = `failed: ${reason}`
    const ch = new Change(inc, this.#clock())
    ch.note(SYSTEM_ACTOR, 'command_failed', `${cmd.command} → ${cmd.device}: ${reason}`)
    this.#commit(ch)
  }

  /** Resolves when every command handed to the CommandPort so far has settled and its failure been recorded. */
  idle(): Promise<void> {
    return this.#dispatcher.idle()
  }

  // ── operator actions ────────────────────────────────────────────────────────────────────

  /** Attach an alarm by hand (it must not be in another open incident). */
  addAlarm(id: string, alarmId: string, actor: string): Incident {
    const { inc, who } = this.#openFor(id, actor)
    const aid = text(alarmId, 'alarm', true, id) as string
    if (inc.alarms.includes(aid)) throw new IncidentError('invalid_state', `alarm ${aid} is already in incident ${id}`, { incident: id })
    const alarm = this.#checkAlarm(aid, inc.park, id)
    const ch = new Change(inc, this.#clock())
    this.#attach(ch, aid, alarm?.device, who)
    if (alarm) this.#weigh(ch, alarm, who)
    return this.#commit(ch)
  }

  /** Mark a step done (or not done, with `done: false`); a note may say how. */
  completeStep(id: string, stepId: string, actor: string, input: string | StepInput = {}): Incident {
    const { inc, who } = this.#openFor(id, actor)
    const opts: StepInput = typeof input === 'string' ? { note: input } : (input ?? {})
    const note = text(opts.note, 'note', false, id)
    const done = opts.done ?? true
    if (typeof done !== 'boolean') throw new IncidentError('invalid_field', 'done must be true or false', { field: 'done', incident: id })
    const step = inc.steps.find((s) => s.id === stepId)
    if (!step) throw new IncidentError('not_found', `step ${String(stepId)} not found in incident ${id}`, { field: 'step', incident: id })
    if (step.done === done) {
      throw new IncidentError('invalid_state', `step ${step.id} is ${done ? 'already done' : 'not done'}`, { incident: id })
    }
    const ch = new Change(inc, this.#clock())
    step.done = done
    step.doneAt = done ? ch.now : undefined
    step.doneBy = done ? who : undefined
    ch.note(who, done ? 'step_done' : 'step_undone', note === undefined ? step.id : `${step.id}: ${note}`)
    return this.#commit(ch)
  }

  /** A free note in the timeline; allowed on closed incidents too (after-action review). */
  comment(id: string, actor: string, note: string): Incident {
    const inc = this.#find(id)
    const who = actorOf(actor, id)
    const t = text(note, 'note', true, id) as string
    const ch = new Change(inc, this.#clock())
    ch.note(who, 'comment', t)
    return this.#commit(ch)
  }

  /** Close with a summary (required). Unfinished steps do not block closing; the close entry counts them. */
  close(id: string, actor: string, summary: string): Incident {
    const { inc, who } = this.#openFor(id, actor)
    const s = text(summary, 'summary', true, id) as string
    const ch = new Change(inc, this.#clock())
    inc.state = 'closed'
    inc.closedAt = ch.now
    inc.summary = s
    const left = inc.steps.filter((x) => !x.done)
    const tail = left.length === 0 ? '' : ` [${left.length} of ${inc.steps.length} steps left open: ${left.map((x) => x.id).join(', ')}]`
    ch.note(who, 'close', `${s}${tail}`)
    return this.#commit(ch)
  }

  // ── helpers ─────────────────────────────────────────────────────────────────────────────

  #find(id: string): Incident {
    const inc = typeof id === 'string' ? this.#incidents.get(id) : undefined
    if (!inc) throw new IncidentError('not_found', `incident ${String(id)} not found`, { incident: id })
    return inc
  }

  #openFor(id: string, actor: string): { inc: Incident; who: string } {
    const inc = this.#find(id)
    const who = actorOf(actor, id)
    if (inc.state !== 'open') throw new IncidentError('invalid_state', `incident ${id} is closed`, { incident: id })
    return { inc, who }
  }

  #device(id: string): Device | undefined {
    for (const d of this.#devices()) if (d.id === id) return d
    return undefined
  }

  /** An alarm attached by hand: not in another open incident; when alarms can be looked up, it exists in the park. */
  #checkAlarm(alarmId: string, park: string, incident: string | undefined): Alarm | undefined {
    const holder = this.#byAlarm.get(alarmId)
    const held = holder === undefined ? undefined : this.#incidents.get(holder)
    if (held?.state === 'open' && held.id !== incident) {
      throw new IncidentError('invalid_state', `alarm ${alarmId} is already in open incident ${held.id}`, { field: 'alarms', incident })
    }
    if (!this.#alarms) return undefined
    const alarm = this.#alarms(alarmId)
    if (!alarm) throw new IncidentError('not_found', `alarm ${alarmId} not found`, { field: 'alarms', incident })
    if (alarm.park !== park) {
      throw new IncidentError('invalid_field', `alarm ${alarmId} is not in park ${park}`, { field: 'alarms', incident })
    }
    return alarm
  }

  #link(inc: Incident, alarmId: string, device: string | undefined): void {
    if (!inc.alarms.includes(alarmId)) inc.alarms.push(alarmId)
    if (device !== undefined && !inc.devices.includes(device)) inc.devices.push(device)
    this.#byAlarm.set(alarmId, inc.id)
  }

  #attach(ch: Change, alarmId: string, device: string | undefined, actor: string, detail?: string): void {
    this.#link(ch.incident, alarmId, device)
    ch.note(actor, 'add_alarm', detail === undefined ? `alarm ${alarmId}` : `alarm ${alarmId} (${detail})`)
  }

  /** State is committed; send the commands, then tell the sink (its error, if any, after every entry). */
  #commit(ch: Change): Incident {
    for (const { device, command } of ch.sends) this.#dispatcher.dispatch(ch.incident.id, device, command)
    const out = copyIncident(ch.incident)
    if (this.#sink) {
      let failure: unknown
      for (const e of ch.entries) {
        try {
          this.#sink.onChange(copyIncident(out), copyEntry(e))
        } catch (err) {
          failure ??= err
        }
      }
      if (failure !== undefined) throw failure
    }
    return out
  }

  // ── queries ─────────────────────────────────────────────────────────────────────────────

  get(id: string): Incident | undefined {
    const inc = this.#incidents.get(id)
    return inc ? copyIncident(inc) : undefined
  }

  /** Incidents matching the query (default: all), newest first. */
  list(query: IncidentQuery = {}): Incident[] {
    return listIncidents(this.#incidents.values(), query)
  }

  /** The plans in the order tried (the zone's, then the defaults). */
  plans(): ResponsePlan[] {
    return structuredClone(this.#plans)
  }

  /** The plan an incident follows, e.g. to offer its manual commands. */
  planOf(id: string): ResponsePlan | undefined {
    const planId = this.#incidents.get(id)?.plan
    const plan = planId === undefined ? undefined : this.#plans.find((p) => p.id === planId)
    return plan ? structuredClone(plan) : undefined
  }

  get size(): number {
    return this.#incidents.size
  }

  // ── persistence ─────────────────────────────────────────────────────────────────────────

  snapshot(): IncidentManagerState {
    return { version: 1, incidents: [...this.#incidents.values()].map(copyIncident) }
  }

  static restore(state: IncidentManagerState, deps: IncidentManagerDeps): IncidentManager {
    const incidents = incidentsOf(state)
    const m = new IncidentManager(deps)
    for (const inc of incidents) {
      m.#incidents.set(inc.id, inc)
      for (const a of inc.alarms) m.#byAlarm.set(a, inc.id) // opening order: the last holder is the latest
    }
    return m
  }
}
