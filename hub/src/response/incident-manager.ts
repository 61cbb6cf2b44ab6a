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
 *   one only after a new activation (raise, reactivate or escalate after the close); the rise
 *   itself is escalation.ts.
 * - The plan is the first one whose hazard matches and whose minLevel ≥ the level (plans.ts).
 *   When level or hazard rise, the plan is chosen again; a new plan adds its missing steps
 *   (set points in their texts from the effective ones, plan-text.ts), publishes its
 *   automatic commands and proposes its plant-moving ones (command-desk.ts).
 * - A proposal is published only once a person confirms it; nobody deciding in time escalates
 *   it, then it expires unrun. A command to an offline device fails at once; a failed send is
 *   recorded, never thrown (command-lifecycle.ts).
 * - Operator actions throw IncidentError (not_found, invalid_state, missing_field,
 *   invalid_field). Every change adds timeline entries and tells the sink; everything handed
 *   out is a copy; `restore(snapshot())` continues identically (the incidents held, indexed by
 *   alarm, and their saved state: incident-book.ts).
 */
import type { Alarm } from '../model/alarm.js'
import type { Device } from '../model/device.js'
import type { Incident, IncidentCommand } from '../model/incident.js'
import { msg, type Message } from '../model/messages/index.js'
import type { Hazard, ResponsePlan } from '../model/response-plan.js'
import { Change, SYSTEM_ACTOR } from './change.js'
import { CommandDesk } from './command-desk.js'
import { CommandDispatcher } from './command-dispatcher.js'
import * as life from './command-lifecycle.js'
import { IncidentError } from './errors.js'
import { escalateFor } from './escalation.js'
import { hazardOfAlarm, opensIncident } from './hazard.js'
import { copyEntry, copyIncident, newIncident } from './incident-copy.js'
import { IncidentBook } from './incident-book.js'
import { activatedSince, checkAttachable, groupTarget, listIncidents } from './incident-query.js'
import { autoTitle, type ZoneParks } from './place.js'
import { renderPlanText, renderSteps, type SetpointLookup } from './plan-text.js'
import { checkPlans, resolvePlans, selectPlan } from './plans.js'
import type {
  CommandInput, DecisionInput, IncidentManagerDeps, IncidentManagerState, IncidentQuery, IncidentSink, OpenInput, StepInput,
} from './types.js'
import { actorOf, checkOpenInput, text, type CheckedOpen } from './validate.js'

/** `alarm <id> (<type>, level <n>)`: the alarm that opened an incident or joined it. */
function alarmAtLevel(a: Alarm): Message {
  return msg('incidentNote.alarmAtLevel', { alarm: a.id, type: a.type, level: a.level })
}

export class IncidentManager {
  readonly #zone: ZoneParks
  readonly #plans: ResponsePlan[]
  readonly #desk: CommandDesk
  readonly #setpoints: SetpointLookup | undefined
  readonly #clock: () => number
  readonly #newId: () => string
  readonly #dispatcher: CommandDispatcher
  readonly #sink: IncidentSink | undefined
  readonly #alarms: ((id: string) => Alarm | undefined) | undefined
  /** The incidents held, indexed by alarm, and their saved state (incident-book.ts). */
  #book = new IncidentBook()

  constructor(deps: IncidentManagerDeps) {
    this.#zone = deps.zone
    this.#plans = checkPlans(deps.plans ?? resolvePlans(deps.zone))
    this.#desk = new CommandDesk(deps.devices, deps.online ?? (() => true), this.#plans, deps.device)
    this.#setpoints = deps.setpoints
    this.#clock = deps.clock
    this.#newId = deps.newId ?? (() => globalThis.crypto.randomUUID())
    this.#sink = deps.sink
    this.#alarms = deps.alarms
    const onResult = (incident: string, command: string, failure?: string): void => this.#recordResult(incident, command, failure)
    this.#dispatcher = new CommandDispatcher(deps.commands, onResult, deps.onError ?? (() => {}))
  }

  // ── alarms ──────────────────────────────────────────────────────────────────────────────

  /** Feed every alarm change. Returns the incident opened or changed, undefined when none. */
  onAlarm(alarm: Alarm): Incident | undefined {
    const now = this.#clock()
    const latest = this.#book.holderOf(alarm.id)
    if (latest?.state === 'open') {
      const ch = new Change(latest, now)
      this.#weigh(ch, alarm, SYSTEM_ACTOR)
      return ch.entries.length > 0 ? this.#commit(ch) : undefined
    }
    if (!opensIncident(alarm, now)) return undefined
    if (latest && !activatedSince(alarm, latest.closedAt ?? 0)) return undefined
    const target = groupTarget(this.#book.values(), alarm)
    if (target) {
      const ch = new Change(target, now)
      this.#attach(ch, alarm.id, alarm.device, SYSTEM_ACTOR, alarm)
      this.#weigh(ch, alarm, SYSTEM_ACTOR)
      return this.#commit(ch)
    }
    const hazard = hazardOfAlarm(alarm, this.#device(alarm.device))
    const ch = this.#create(
      { park: alarm.park, area: alarm.area, enterprise: alarm.enterprise, hazard, level: alarm.level, title: undefined, titleEn: undefined },
      SYSTEM_ACTOR,
      now,
      alarmAtLevel(alarm),
    )
    this.#link(ch.incident, alarm.id, alarm.device)
    this.#applyPlan(ch)
    return this.#commit(ch)
  }

  /** Raise level and hazard for an active alarm of the incident (escalation.ts); a rise chooses the plan again. */
  #weigh(ch: Change, alarm: Alarm, actor: string): void {
    if (escalateFor(ch, alarm, actor, this.#zone, this.#device(alarm.device))) this.#applyPlan(ch)
  }

  // ── opening by hand ─────────────────────────────────────────────────────────────────────

  /** The open incidents, newest first. */
  openIncidents(): Incident[] {
    return this.list({ state: 'open' })
  }

  /** An operator opens an incident. Throws IncidentError. */
  open(actor: string, input: OpenInput): Incident {
    const who = actorOf(actor)
    const o = checkOpenInput(this.#zone, input)
    const found = o.alarms.map((id) => this.#checkAlarm(id, o.park, undefined))
    const ch = this.#create(o, who, this.#clock(), msg('incidentNote.openedByHand'))
    o.alarms.forEach((id, i) => {
      const alarm = found[i]
      this.#attach(ch, id, alarm?.device, who)
      if (alarm) this.#weigh(ch, alarm, who)
    })
    this.#applyPlan(ch)
    return this.#commit(ch)
  }

  #create(o: Omit<CheckedOpen, 'alarms'>, actor: string, now: number, note: Message): Change {
    const id = this.#newId()
    if (this.#book.has(id)) throw new Error(`incident id ${id} already used`)
    const auto = autoTitle(this.#zone, o.hazard, o)
    const inc = newIncident(id, { ...o, title: o.title ?? o.titleEn ?? auto.title, titleEn: o.titleEn ?? o.title ?? auto.titleEn }, actor, now)
    this.#book.add(inc)
    const ch = new Change(inc, now)
    ch.say(actor, 'open', note)
    return ch
  }

  // ── plan and commands ───────────────────────────────────────────────────────────────────

  /** Adopt the plan for the incident's hazard and level, if it is a new one: steps, then commands. */
  #applyPlan(ch: Change): void {
    const inc = ch.incident
    const plan = selectPlan(this.#plans, inc.hazard as Hazard, inc.level)
    if (!plan || plan.id === inc.plan) return
    inc.plan = plan.id
    const added = ch.mergeSteps(plan, (t, lang) => renderPlanText(t, lang, inc.devices, this.#setpoints))
    // The note keeps the plan's own name, as before; the message names it in the reader's language.
    ch.say(SYSTEM_ACTOR, 'plan', msg(added === 1 ? 'incidentNote.planOne' : 'incidentNote.plan', { plan: plan.id, name: { name: plan.name, nameEn: plan.nameEn }, added }), `${plan.id}: ${plan.name} (${added} step${added === 1 ? '' : 's'} added)`)
    this.#desk.adopt(ch, plan)
  }

  /** An operator sends a command to one device of the incident's park (their sending it is the confirmation). */
  sendCommand(id: string, actor: string, input: CommandInput): Incident {
    const { inc, who } = this.#openFor(id, actor)
    const ch = new Change(inc, this.#clock())
    this.#desk.byHand(ch, who, input)
    return this.#commit(ch)
  }

  /**
   * A person confirms a proposed command: recorded with who and when, then published with its
   * expiry (or failed at once when the device is offline). A proposal past its expiry, or no
   * longer proposed, is `invalid_state`.
   */
  confirmCommand(id: string, commandId: string, actor: string, input: DecisionInput = {}): Incident {
    return this.#decide(id, commandId, actor, input, false, (ch, cmd, who, note) => this.#desk.confirm(ch, cmd, who, note))
  }

  /** A person dismisses a proposed command, saying why (`note` required); nothing is published. */
  dismissCommand(id: string, commandId: string, actor: string, input: DecisionInput = {}): Incident {
    return this.#decide(id, commandId, actor, input, true, (ch, cmd, who, note) => life.dismiss(ch, cmd, who, note as string))
  }

  #decide(id: string, commandId: string, actor: string, input: DecisionInput, noteRequired: boolean, act: (ch: Change, cmd: IncidentCommand, who: string, note: string | undefined) => void): Incident {
    const { inc, who } = this.#openFor(id, actor)
    const note = text(input?.note, 'note', noteRequired, id)
    const cmd = this.#desk.find(inc, commandId)
    const ch = new Change(inc, this.#clock())
    this.#desk.due(ch) // a deadline that is due is recorded, even when the decision is then refused
    try {
      act(ch, cmd, who, note)
    } finally {
      if (ch.entries.length > 0) this.#commit(ch)
    }
    return copyIncident(inc)
  }

  /**
   * Deadlines: proposals escalated or expired, published commands not acknowledged in time
   * expired. Call it every second or so; returns the incidents changed.
   */
  tick(): Incident[] {
    const now = this.#clock()
    const out: Incident[] = []
    // Closed incidents too: a command in flight when the incident closed still expires.
    for (const inc of this.#book.values()) {
      const next = this.#desk.nextDeadline(inc)
      if (next === undefined || next > now) continue
      const ch = new Change(inc, now)
      this.#desk.due(ch)
      if (ch.entries.length > 0) out.push(this.#commit(ch))
    }
    return out
  }

  /**
   * A device's `command_ack` event: records `ackedAt` (and `result`, default 'ok') on the matching
   * published command (same id, same device; `{incident}.c{n}` names its incident), also of an
   * incident closed since: the device did act. Returns the incident, or undefined when no
   * command awaiting it matches.
   */
  onCommandAck(deviceId: string, commandId: string, ts: number, result?: string): Incident | undefined {
    const inc = typeof commandId === 'string' ? this.#book.get(commandId.slice(0, commandId.lastIndexOf('.c'))) : undefined
    const cmd = inc?.commands.find((c) => c.id === commandId && c.device === deviceId)
    if (!inc || !cmd) return undefined
    const ch = new Change(inc, this.#clock())
    return life.acknowledge(ch, cmd, ts, result) ? this.#commit(ch) : undefined
  }

  /** The broker took a publish, or it failed. */
  #recordResult(incidentId: string, commandId: string, failure: string | undefined): void {
    const inc = this.#book.get(incidentId)
    const cmd = inc?.commands.find((c) => c.id === commandId)
    if (!inc || !cmd) return
    const ch = new Change(inc, this.#clock())
    if (failure === undefined) life.sent(ch, cmd)
    else if (cmd.state === 'confirmed' || cmd.state === 'sent') life.fail(ch, cmd, failure)
    if (ch.entries.length > 0) this.#commit(ch)
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
    const ch = new Change(inc, this.#clock())
    ch.markStep(stepId, opts.done ?? true, who, note)
    return this.#commit(ch)
  }

  /** A free note in the timeline; allowed on closed incidents too (after-action review). */
  comment(id: string, actor: string, note: string): Incident {
    const inc = this.#book.find(id)
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
    life.dismissOnClose(ch, who)
    ch.note(who, 'close', `${s}${tail}`)
    return this.#commit(ch)
  }

  // ── helpers ─────────────────────────────────────────────────────────────────────────────

  #openFor(id: string, actor: string): { inc: Incident; who: string } {
    const inc = this.#book.find(id)
    const who = actorOf(actor, id)
    if (inc.state !== 'open') throw new IncidentError('invalid_state', `incident ${id} is closed`, { incident: id })
    return { inc, who }
  }

  #device(id: string): Device | undefined {
    return this.#desk.device(id)
  }

  /** An alarm attached by hand: not in another open incident; when alarms can be looked up, it exists in the park. */
  #checkAlarm(alarmId: string, park: string, incident: string | undefined): Alarm | undefined {
    return checkAttachable(alarmId, park, incident, this.#book.holderOf(alarmId), this.#alarms)
  }

  #link(inc: Incident, alarmId: string, device: string | undefined): void {
    if (!inc.alarms.includes(alarmId)) inc.alarms.push(alarmId)
    if (device !== undefined && !inc.devices.includes(device)) {
      inc.devices.push(device)
      renderSteps(inc, this.#plans, this.#setpoints)
    }
    this.#book.index(alarmId, inc.id)
  }

  #attach(ch: Change, alarmId: string, device: string | undefined, actor: string, raised?: Alarm): void {
    this.#link(ch.incident, alarmId, device)
    ch.say(actor, 'add_alarm', raised === undefined ? msg('incidentNote.addAlarm', { alarm: alarmId }) : alarmAtLevel(raised))
  }

  /** State is committed; send the commands, then tell the sink (its error, if any, after every entry). */
  #commit(ch: Change): Incident {
    ch.incident.attention = life.attentionOf(ch.incident.commands)
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
    const inc = this.#book.get(id)
    return inc ? copyIncident(inc) : undefined
  }

  /** Incidents matching the query (default: all), newest first. */
  list(query: IncidentQuery = {}): Incident[] {
    return listIncidents(this.#book.values(), query)
  }

  /** The plans in the order tried (the zone's, then the defaults). */
  plans(): ResponsePlan[] {
    return structuredClone(this.#plans)
  }

  /** The plan an incident follows, e.g. to offer its manual commands. */
  planOf(id: string): ResponsePlan | undefined {
    const planId = this.#book.get(id)?.plan
    const plan = planId === undefined ? undefined : this.#plans.find((p) => p.id === planId)
    return plan ? structuredClone(plan) : undefined
  }

  get size(): number {
    return this.#book.size
  }

  // ── persistence ─────────────────────────────────────────────────────────────────────────

  snapshot(): IncidentManagerState {
    return this.#book.snapshot()
  }

  /**
   * Hold `park`'s incidents as `incidents` has them, in place of whatever this manager held for
   * that park (cluster mode: a park taken over from its last owner's saved state, or given up
   * with none). Other parks' incidents are untouched.
   */
  adoptPark(park: string, incidents: readonly Incident[]): void {
    for (const inc of incidents) if (inc.park !== park) throw new Error(`incident ${inc.id} of park ${inc.park} adopted as park ${park}'s`)
    const others = this.#book.snapshot().incidents.filter((i) => i.park !== park)
    this.#book = IncidentBook.fromState({ version: 1, incidents: [...others, ...incidents] })
  }

  static restore(state: IncidentManagerState, deps: IncidentManagerDeps): IncidentManager {
    const book = IncidentBook.fromState(state)
    const m = new IncidentManager(deps)
    m.#book = book
    return m
  }
}
