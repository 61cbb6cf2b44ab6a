/**
 * The notifier: alarms and incidents reach people (docs/notifications.md). It listens to every
 * alarm step (the safety loop's AlarmListener), starts an escalation for an alarm its policy
 * routes, decides each step on its tick (once a second), writes the step's messages to the
 * durable outbox before the escalation's new state is written (so a step is decided once and
 * written at least once), and notes each step and each delivery outcome in the alarm's
 * history. Red life-safety alarms are escalated per incident (incident-sync.ts); floods are
 * summed up per park per minute (storm.ts); quiet hours hold levels 3–4 only.
 *
 * What stops an escalation: an acknowledgement (dashboard, API, personal link), closing,
 * shelving, suppressing or taking the alarm out of service (unshelved, unsuppressed or back in
 * service while unacknowledged, it starts again from the first tier); an alarm cleared and acknowledged
 * while held by quiet hours is dropped (it is acknowledged: nobody needs waking for it), one
 * cleared but not acknowledged is still sent when the quiet hours end.
 */
import type { Alarm, AlarmStep } from '../model/alarm.js'
import type { NotifyChannel } from '../model/notify.js'
import { msg, type Message } from '../model/messages/index.js'
import { alarmStepMessages, stepNote, summaryMessages as summaryOf, type ComposeContext } from './compose.js'
import { acknowledge, decide, finish, isLive, startEscalation, type EscalationPlan, type EscalationStep } from './escalation.js'
import { EscalationStore, type KeptEscalation } from './escalation-store.js'
import { IncidentSync, type IncidentSource } from './incident-sync.js'
import { policyFor, quietApplies, quietUntil, isRedLifeSafety } from './policy.js'
import { StormControl } from './storm.js'
import type { DeliveryResult, OutboundMessage } from './types.js'
import type { NotifyOverrides } from './overrides.js'
import type { PlaceNames } from './message-text.js'
import type { AckLinks } from './ack-links.js'

/** An alarm raised longer ago than this without an escalation (the hub was down, or notify was just configured) is not notified at start. */
const CATCH_UP_MS = 3_600_000
const DEFAULT_STORM_PER_MINUTE = 10
/** The actor of notification steps in alarm histories. */
export const NOTIFY_ACTOR = 'notify'

export interface NotifierAlarms {
  get(id: string): Alarm | undefined
  list(q: { state: 'open' }): Alarm[]
  notify(id: string, actor: string, messages: Message[], channel?: string): Alarm
}

export interface NotifierOutbox {
  add(m: OutboundMessage): Promise<void>
  get(id: string): { msg: OutboundMessage } | undefined
}

export interface NotifierLog {
  info(o: object, m: string): void
  warn(o: object, m: string): void
  error(o: object, m: string): void
}

export interface NotifierDeps {
  channels: readonly NotifyChannel[]
  overrides: NotifyOverrides
  timezone: string
  stormPerMinute: number | undefined
  publicUrl: string | undefined
  dataDir: string
  clock: () => number
  places: PlaceNames
  ackLinks: AckLinks
  /** Whether a channel can deliver now (channel-secrets: it has its key or secret). */
  usable?: ((id: string) => boolean) | undefined
  alarms: NotifierAlarms
  incidents: IncidentSource
  outbox: NotifierOutbox
  log: NotifierLog
}

export interface NotifierCounters {
  decided: number
  stormed: number
  summaries: number
  held: number
  nobodyOnDuty: number
}

export class Notifier {
  readonly store: EscalationStore
  readonly storm: StormControl
  readonly counters: NotifierCounters = { decided: 0, stormed: 0, summaries: 0, held: 0, nobodyOnDuty: 0 }
  private readonly busy = new Set<string>()
  private readonly incidents: IncidentSync
  private readonly channelMap: Map<string, NotifyChannel>
  private timer: NodeJS.Timeout | undefined
  private closed = false

  constructor(private readonly d: NotifierDeps) {
    this.channelMap = new Map(d.channels.map((c) => [c.id, c]))
    this.store = new EscalationStore(d.dataDir)
    this.storm = new StormControl(d.stormPerMinute ?? DEFAULT_STORM_PER_MINUTE)
    this.incidents = new IncidentSync({ source: d.incidents, alarms: d.alarms, store: this.store, plan: (a) => this.planFor(a), compose: () => this.context(), write: (key, ms, notes, alarm, next) => this.write(key, ms, notes, alarm, next), clock: d.clock })
  }

  /** Loads the saved escalations and squares them with the alarms as they are now. */
  open(): void {
    const now = this.d.clock()
    this.store.open(now)
    for (const e of this.store.live()) {
      if (e.subject !== 'alarm') continue
      const a = this.d.alarms.get(e.id)
      if (!a || a.workflow === 'closed') this.update(finish(e))
      else if (a.ack === 'acked') this.update(acknowledge(e, lastAck(a)?.actor ?? 'unknown', lastAck(a)?.channel ?? 'api', now))
    }
    // Messages gathered for a flood summary not yet written (a crash in the minute): gathered again, summed up at once.
    for (const e of this.store.all.values()) {
      const a = e.stormed ? this.d.alarms.get(e.id) : undefined
      if (!a || !e.stormed) continue
      for (const [channel, people] of Object.entries(e.stormed.channels)) this.storm.gather(e.park, stormFacts(a), channel, people, e.stormed.minute)
    }
    // Alarms raised while no escalation could be written (a crash in between, the hub down): notified now.
    for (const a of this.d.alarms.list({ state: 'open' })) {
      if (a.ack === 'acked' || now - a.raisedAt > CATCH_UP_MS || this.store.get(`alarm:${a.id}`) || !annunciated(a, now)) continue
      this.startFor(a, now)
    }
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), 1000)
    this.timer.unref()
  }

  /** The alarm listener (safety-loop.ts): every step of every alarm. */
  onAlarm(alarm: Alarm, step: AlarmStep): void {
    if (this.closed || step.action === 'notify') return
    const now = this.d.clock()
    const key = `alarm:${alarm.id}`
    const e = this.store.get(key)
    switch (step.action) {
      case 'raise':
        // A flood is of alarms people would be told of: one no policy routes (a blue fault, say) adds no message.
        if (policyFor(this.d.overrides.policies(), alarm)) this.storm.noteRaise(alarm.park, now)
        this.startFor(alarm, now)
        return
      case 'reactivate':
      case 'escalate':
        if (alarm.ack === 'unacked' && (!e || !isLive(e) || this.planChanged(e, alarm))) this.startFor(alarm, now, e?.steps)
        else if (isRedLifeSafety(alarm)) this.incidents.onRedAlarm(alarm, now)
        return
      case 'ack':
        if (e) this.update(acknowledge(e, step.actor, step.channel ?? 'api', now))
        return
      case 'clear':
        if (e && alarm.ack === 'acked') this.update(finish(e))
        return
      case 'unshelve':
      case 'unsuppress':
      case 'in_service':
        // Annunciated again and still unacknowledged: people are told again, from the first tier.
        if (alarm.ack === 'unacked' && (!e || !isLive(e))) this.startFor(alarm, now, e?.steps)
        return
      case 'close':
      case 'shelve':
      case 'suppress':
      case 'out_of_service':
        if (e) this.update(finish(e))
        return
      default:
        return
    }
  }

  /** A delivery outcome: noted in the alarm's history (sent, failed; sent again after a restart). */
  onResult(r: DeliveryResult): void {
    if (r.state === 'retrying') return
    const m = this.d.outbox.get(r.id)?.msg
    if (!m?.alarm) return
    const notes: Message[] = r.state === 'sent'
      ? [msg(r.resent ? 'notifyNote.resent' : 'notifyNote.sent', { channel: r.channel })]
      : [msg('notifyNote.failed', { channel: r.channel, error: r.error ?? '' })]
    this.note(m.alarm, notes, r.channel)
  }

  /** Once a second: steps due, flood summaries, incidents' changes. */
  tick(now = this.d.clock()): void {
    if (this.closed) return
    try {
      for (const e of this.store.live()) if (!this.busy.has(e.key)) this.step(e, now)
      for (const s of this.storm.due(now)) {
        const ms = summaryOf(this.context(), s, (id) => this.d.alarms.get(id), now)
        this.counters.summaries += ms.length
        // Once the summary is durable, its alarms' gathered messages are done.
        void Promise.all(ms.map((m) => this.d.outbox.add(m))).then(
          () => {
            for (const id of s.alarms) {
              const e = this.store.get(`alarm:${id}`)
              if (e?.stormed?.minute === s.minute) this.update({ ...e, stormed: undefined })
            }
          },
          (err: Error) => this.d.log.error({ err: err.message, park: s.park }, 'flood summary not written; decided again at the next start'),
        )
      }
      this.incidents.tick(now)
      this.store.maybeCompact(now)
    } catch (err) {
      this.d.log.error({ err: (err as Error).message }, 'notify tick failed')
    }
  }

  /** An escalation as the API shows it, for an alarm (its incident's when merged into one). */
  escalationOf(alarmId: string): KeptEscalation | undefined {
    const own = this.store.get(`alarm:${alarmId}`)
    if (own?.mergedInto) return this.store.get(own.mergedInto) ?? own
    return own ?? this.incidents.escalationOfAlarm(alarmId)
  }

  /** Resolves once every escalation change so far is on disk. */
  durable(): Promise<void> {
    return this.store.flushed()
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    clearInterval(this.timer)
    this.store.close()
  }

  // ── deciding ─────────────────────────────────────────────────────────────────────────────

  private planFor(a: Pick<Alarm, 'park' | 'class' | 'level'>): { plan: EscalationPlan; quietEnd?: number | undefined } | undefined {
    const found = policyFor(this.d.overrides.policies(), a)
    if (!found) return undefined
    const p = found.policy
    const red = isRedLifeSafety(a)
    const quiet = quietApplies(p.quietHours, a) ? p.quietHours : undefined
    return { plan: { tiers: p.tiers, repeatMin: p.repeatMin, red, needsDispatch: false, quietHours: quiet } }
  }

  private planChanged(e: KeptEscalation, a: Alarm): boolean {
    const next = this.planFor(a)?.plan
    return next === undefined || JSON.stringify(next.tiers) !== JSON.stringify(e.plan.tiers) || next.red !== e.plan.red
  }

  private startFor(a: Alarm, now: number, steps?: number): void {
    if (!annunciated(a, now)) return
    const via = isRedLifeSafety(a) ? this.incidents.onRedAlarm(a, now) : undefined
    if (via) {
      const own = this.store.get(`alarm:${a.id}`)
      if (own && isLive(own)) this.update({ ...finish(own), mergedInto: via })
      return
    }
    const found = this.planFor(a)
    if (!found) return
    const quietEnd = found.plan.quietHours ? quietUntil(found.plan.quietHours, now, this.d.timezone) : undefined
    const e = startEscalation({ subject: 'alarm', id: a.id, park: a.park, plan: found.plan, now, quietEnd, steps })
    if (e.phase === 'held') {
      this.counters.held++
      this.note(a.id, [msg('notifyNote.held', { until: localTime(quietEnd!, this.d.timezone) })])
    }
    this.update(e)
    this.step(this.store.get(e.key)!, now)
  }

  private step(e: KeptEscalation, now: number): void {
    if (e.subject === 'incident') return this.incidents.step(e, now)
    if (e.nextAt === undefined || e.nextAt > now) return
    const alarm = this.d.alarms.get(e.id)
    if (!alarm || alarm.workflow === 'closed') return this.update(finish(e))
    // Quiet hours reached during a low-level escalation: the next step waits for their end.
    const quietEnd = e.plan.quietHours ? quietUntil(e.plan.quietHours, now, this.d.timezone) : undefined
    if (quietEnd !== undefined && e.phase === 'escalating') {
      this.counters.held++
      return this.update({ ...e, phase: 'held', nextAt: quietEnd })
    }
    const decided = decide(e, now)
    if (!decided) return
    const next: KeptEscalation = { ...e, ...decided.escalation }
    const { messages, reached } = alarmStepMessages(this.context(), next, decided.step, alarm, now)
    const tierUsable = next.plan.tiers[decided.step.tier]!.channels.some((c) => this.channelMap.has(c) && (this.d.usable?.(c) ?? true))
    const notes = tierUsable ? [stepNote(decided.step, messages)] : []
    if (tierUsable && reached.people.length === 0) {
      this.counters.nobodyOnDuty++
      notes.push(msg('notifyNote.nobody', { tier: decided.step.tier + 1, roles: next.plan.tiers[decided.step.tier]!.roles.join(', ') }))
    }
    let out = messages
    if (!next.plan.red && messages.length > 0 && this.storm.inStorm(alarm.park, now)) {
      const minute = Math.floor(now / 60_000) * 60_000
      const channels: Record<string, string[]> = next.stormed?.minute === minute ? { ...next.stormed.channels } : {}
      for (const m of messages) {
        this.storm.gather(alarm.park, stormFacts(alarm), m.channel, m.to.map((r) => r.person), now)
        channels[m.channel] = [...new Set([...(channels[m.channel] ?? []), ...m.to.map((r) => r.person)])]
      }
      next.stormed = { minute, channels }
      this.counters.stormed += messages.length
      out = []
      notes.splice(0, notes.length, msg('notifyNote.stormed'))
    }
    this.write(next.key, out, notes, alarm.id, next)
  }

  /**
   * The step's messages to the outbox, then the escalation's new state to its log (so after a
   * crash in between, the same step is decided again with the same message ids, which the
   * outbox keeps once), then the step in the alarm's history.
   */
  private write(key: string, messages: OutboundMessage[], notes: Message[], alarm: string | undefined, next?: KeptEscalation): void {
    if (next) this.store.put(next)
    this.counters.decided += messages.length
    this.busy.add(key)
    void Promise.all(messages.map((m) => this.d.outbox.add(m))).then(
      () => {
        this.busy.delete(key)
        this.store.save(key)
        if (alarm && notes.length > 0) this.note(alarm, notes)
      },
      (err: Error) => {
        this.busy.delete(key)
        this.d.log.error({ err: err.message, escalation: key }, 'notification not written to the outbox; decided again at the next start')
      },
    )
  }

  private update(e: KeptEscalation): void {
    this.store.put(e)
    if (this.busy.has(e.key)) return // written with its step once the step's messages are durable
    this.store.save(e.key)
  }

  private note(alarm: string, notes: Message[], channel?: string): void {
    try {
      this.d.alarms.notify(alarm, NOTIFY_ACTOR, notes, channel)
    } catch {
      /* the alarm is gone (pruned): the outbox's log keeps the notification */
    }
  }

  context(): ComposeContext {
    return { channels: this.channelMap, rosters: this.d.overrides.rosters(), timezone: this.d.timezone, places: this.d.places, publicUrl: this.d.publicUrl, ackLinks: this.d.ackLinks, usable: this.d.usable }
  }
}


function stormFacts(a: Alarm): { id: string; level: Alarm['level']; type: string; device: string; raisedAt: number } {
  return { id: a.id, level: a.level, type: a.type, device: a.device, raisedAt: a.raisedAt }
}

function annunciated(a: Alarm, now: number): boolean {
  return !(a.shelvedUntil !== undefined && a.shelvedUntil > now) && !a.suppressed && !a.outOfService && a.workflow !== 'closed'
}

function lastAck(a: Alarm): AlarmStep | undefined {
  for (let i = a.history.length - 1; i >= 0; i--) if (a.history[i]!.action === 'ack') return a.history[i]
  return undefined
}

function localTime(ts: number, timezone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(ts))
}
