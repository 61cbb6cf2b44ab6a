/**
 * The alarm book: owns every alarm's state, one alarm per condition key (ISA-18.2 / IEC 62682:
 * one alarm per condition, no duplicates), its history, and the operator's closed loop (闭环).
 *
 * - Rules say what a condition did (`apply(transition)`); the book decides what that means for
 *   the alarm (condition.ts) and records it. A transition's `ts` is the step's time, so a
 *   replayed journal gives the same history; operator actions, `tick` and `prune` use `clock`.
 * - A key has at most one live (not closed) alarm. Once that alarm is closed, the next
 *   activation of the key raises a new alarm with a new id.
 * - Chattering (ISA-18.2, EEMUA 191): `chatterCount` activations (raise or reactivate) of one
 *   key within `chatterWindowMs`, bounds inclusive (default 3 in 60 s), mark the live alarm
 *   `chattering` with one `chattering` step. The mark stays until the alarm is closed.
 * - Operator actions (actions.ts) throw `AlarmActionError` (not_found, invalid_state,
 *   missing_field, invalid_field). `resolve` takes `cause` and `action` as their own fields
 *   (both required), recorded on the alarm and in the step's note with the operator's note.
 * - Every alarm carries its hazard class: the transition's `class`, else `alarmClassOf` from
 *   its rule, type and the kind of its device. Classes configured to latch (default
 *   life-safety; ISA-18.2 latching alarm, GB 16808, GB 4717) raise latching alarms, which
 *   hold their level until `reset` after the condition has cleared (condition.ts, actions.ts).
 * - Every step goes to the sink after the state is committed. Everything handed out is a
 *   copy; `snapshot()` is complete and `restore(snapshot())` continues identically; alarms of
 *   older snapshots without a class or latch get them derived (restore-fields.ts).
 */
import { latchingClasses } from '../model/alarm-class.js'
import type { Alarm, AlarmStep, Transition } from '../model/alarm.js'
import type { Message } from '../model/messages/index.js'
import * as act from './actions.js'
import { copyAlarm, copyStep, newAlarm } from './alarm-copy.js'
import { activateLive, clearLive, raiseStep, SYSTEM_ACTOR, type ConditionChange } from './condition.js'
import { AlarmActionError } from './errors.js'
import { byNewest, matches } from './query.js'
import { classFor, withClassAndLatch, type ClassContext } from './restore-fields.js'
import type {
  AckInput, ActionInput, AlarmBookDeps, AlarmBookState, AlarmQuery, AlarmSink, DispatchInput, ResolveInput, ShelveInput,
} from './types.js'

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

export const ALARM_BOOK_DEFAULTS = {
  maxShelveMinutes: 8 * 60,
  chatterCount: 3,
  chatterWindowMs: MINUTE,
  retentionMs: 7 * DAY,
  maxHistory: 500,
} as const

interface Entry {
  key: string
  alarm: Alarm
}

type Settings = { -readonly [K in keyof typeof ALARM_BOOK_DEFAULTS]: number }

export class AlarmBook {
  readonly #clock: () => number
  readonly #newId: () => string
  readonly #sink: AlarmSink | undefined
  readonly #settings: Settings
  readonly #classes: ClassContext
  /** id → entry, in the order raised. */
  readonly #entries = new Map<string, Entry>()
  /** key → id of the key's latest alarm (live, or the last closed one still held). */
  readonly #latest = new Map<string, string>()
  /** key → recent activation times, oldest first, within the chattering window. */
  readonly #activations = new Map<string, number[]>()

  constructor(deps: AlarmBookDeps) {
    this.#clock = deps.clock
    this.#newId = deps.newId ?? (() => globalThis.crypto.randomUUID())
    this.#sink = deps.sink
    const kindOf = deps.deviceKind
    this.#classes = { deviceKind: kindOf ?? (() => undefined), latching: latchingClasses({ latching: deps.latching }) }
    this.#settings = {
      maxShelveMinutes: deps.maxShelveMinutes ?? ALARM_BOOK_DEFAULTS.maxShelveMinutes,
      chatterCount: deps.chatterCount ?? ALARM_BOOK_DEFAULTS.chatterCount,
      chatterWindowMs: deps.chatterWindowMs ?? ALARM_BOOK_DEFAULTS.chatterWindowMs,
      retentionMs: deps.retentionMs ?? ALARM_BOOK_DEFAULTS.retentionMs,
      maxHistory: Math.max(2, deps.maxHistory ?? ALARM_BOOK_DEFAULTS.maxHistory),
    }
  }

  // ── condition side ──────────────────────────────────────────────────────────────────────

  /**
   * Apply a rule's transition. Returns the alarm (a copy) when a lifecycle step was recorded,
   * `undefined` when nothing in the lifecycle changed: a repeated activation at the same level
   * (only the latest value is kept, without a step), a clear of an already-cleared condition,
   * or a clear for a key with no live alarm.
   */
  apply(t: Transition): Alarm | undefined {
    const live = this.#liveEntry(t.key)
    if (t.kind === 'clear') {
      return live ? this.#conditionChange(live, clearLive(live.alarm, t), t) : undefined
    }
    if (live) return this.#conditionChange(live, activateLive(live.alarm, t), t)
    const cls = t.class ?? classFor(t.rule, t.type, t.device, this.#classes)
    const entry: Entry = { key: t.key, alarm: newAlarm(this.#newId(), t, cls, this.#classes.latching[cls]) }
    if (this.#entries.has(entry.alarm.id)) throw new Error(`alarm id ${entry.alarm.id} already used`)
    this.#entries.set(entry.alarm.id, entry)
    this.#latest.set(t.key, entry.alarm.id)
    return this.#conditionChange(entry, { steps: [raiseStep(t)], activation: true }, t)
  }

  #conditionChange(entry: Entry, change: ConditionChange, t: Transition): Alarm | undefined {
    const steps = [...change.steps]
    if (change.activation && this.#countActivation(entry.key, t.ts) && !entry.alarm.chattering) {
      entry.alarm.chattering = true
      const note = `${this.#settings.chatterCount} activations within ${this.#settings.chatterWindowMs / 1000} s`
      steps.push({ ts: t.ts, actor: SYSTEM_ACTOR, action: 'chattering', note, level: undefined, value: undefined })
    }
    return steps.length > 0 ? this.#commit(entry, steps) : undefined
  }

  /** Records an activation; true when the key now chatters. */
  #countActivation(key: string, ts: number): boolean {
    const since = ts - this.#settings.chatterWindowMs
    const times = (this.#activations.get(key) ?? []).filter((x) => x >= since)
    times.push(ts)
    times.sort((a, b) => a - b)
    this.#activations.set(key, times)
    return times.length >= this.#settings.chatterCount
  }

  /**
   * Auto-unshelve every alarm whose shelve has expired (step `unshelve` by `system`).
   * Call it periodically; returns the alarms changed.
   */
  tick(now: number = this.#clock()): Alarm[] {
    const changed: Alarm[] = []
    for (const entry of this.#entries.values()) {
      const a = entry.alarm
      if (a.workflow === 'closed' || a.shelvedUntil === undefined || a.shelvedUntil > now) continue
      a.shelvedUntil = undefined
      const step: AlarmStep = { ts: now, actor: SYSTEM_ACTOR, action: 'unshelve', note: 'shelve expired', messages: [{ code: 'alarmNote.shelveExpired' }], level: undefined, value: undefined }
      changed.push(this.#commit(entry, [step]))
    }
    return changed
  }

  // ── operator actions (actions.ts has the rules of each) ─────────────────────────────────

  /** Acknowledge; `channel` says where (dashboard, api, or a personal link). */
  ack(id: string, actor: string, input: AckInput = {}): Alarm {
    return this.#act(id, actor, (a, ctx) => act.ack(a, ctx, input))
  }
  /** A notification step (sent, failed, sent again, escalated) in the alarm's history; `channel` the notification channel's id. */
  notify(id: string, actor: string, messages: Message[], channel?: string): Alarm {
    return this.#act(id, actor, (_a, ctx) => act.notify(ctx, messages, channel))
  }
  /** Shelve for `minutes` (1 … maxShelveMinutes); hidden from the active board until `unshelve` or expiry at `tick`. */
  shelve(id: string, actor: string, input: ShelveInput): Alarm {
    return this.#act(id, actor, (a, ctx) => act.shelve(a, ctx, input))
  }
  unshelve(id: string, actor: string, input: ActionInput = {}): Alarm {
    return this.#act(id, actor, (a, ctx) => act.unshelve(a, ctx, input))
  }
  /** Suppressed by design (e.g. maintenance of the unit); needs a note. */
  suppress(id: string, actor: string, input: ActionInput): Alarm {
    return this.#act(id, actor, (a, ctx) => act.suppress(a, ctx, input))
  }
  unsuppress(id: string, actor: string, input: ActionInput = {}): Alarm {
    return this.#act(id, actor, (a, ctx) => act.unsuppress(a, ctx, input))
  }
  /** Out of service (device under repair); needs a note. */
  outOfService(id: string, actor: string, input: ActionInput): Alarm {
    return this.#act(id, actor, (a, ctx) => act.outOfService(a, ctx, input))
  }
  inService(id: string, actor: string, input: ActionInput = {}): Alarm {
    return this.#act(id, actor, (a, ctx) => act.inService(a, ctx, input))
  }
  /** open | dispatched → dispatched; needs `assignee`. */
  dispatch(id: string, actor: string, input: DispatchInput): Alarm {
    return this.#act(id, actor, (a, ctx) => act.dispatch(a, ctx, input))
  }
  /** open | dispatched → resolved; needs `cause` and `action`. */
  resolve(id: string, actor: string, input: ResolveInput): Alarm {
    return this.#act(id, actor, (a, ctx) => act.resolve(a, ctx, input))
  }
  /** resolved and condition cleared → closed; needs a review `note`. */
  close(id: string, actor: string, input: ActionInput): Alarm {
    return this.#act(id, actor, (a, ctx) => act.close(a, ctx, input))
  }
  /** Latched, condition cleared → reset (the latch released); needs a `note`. Refused while the condition is active. */
  reset(id: string, actor: string, input: ActionInput): Alarm {
    return this.#act(id, actor, (a, ctx) => act.reset(a, ctx, input))
  }
  /** A free note in the history; needs `note`. */
  comment(id: string, actor: string, input: ActionInput): Alarm {
    return this.#act(id, actor, (a, ctx) => act.comment(a, ctx, input))
  }

  #act(id: string, actor: string, op: (a: Alarm, ctx: act.ActionContext) => AlarmStep[]): Alarm {
    const entry = this.#entries.get(id)
    if (!entry) throw new AlarmActionError('not_found', `alarm ${id} not found`, { alarm: id })
    const who = typeof actor === 'string' ? actor.trim() : ''
    if (who === '') throw new AlarmActionError('missing_field', 'actor is required', { field: 'actor', alarm: id })
    const steps = op(entry.alarm, { actor: who, now: this.#clock(), maxShelveMinutes: this.#settings.maxShelveMinutes })
    return this.#commit(entry, steps)
  }

  #commit(entry: Entry, steps: AlarmStep[]): Alarm {
    const a = entry.alarm
    for (const s of steps) {
      a.history.push(copyStep(s))
      a.updatedAt = Math.max(a.updatedAt, s.ts)
    }
    const excess = a.history.length - this.#settings.maxHistory
    if (excess > 0) a.history.splice(1, excess) // keep the raise step and the latest ones
    const out = copyAlarm(a)
    if (this.#sink) {
      let failure: unknown
      for (const s of steps) {
        try {
          this.#sink.onChange(out, copyStep(s))
        } catch (err) {
          failure ??= err
        }
      }
      if (failure !== undefined) throw failure
    }
    return out
  }

  // ── queries ─────────────────────────────────────────────────────────────────────────────

  get(id: string): Alarm | undefined {
    const entry = this.#entries.get(id)
    return entry ? copyAlarm(entry.alarm) : undefined
  }

  /** Alarms matching the query, newest first (see `AlarmListState`). */
  list(query: AlarmQuery = {}): Alarm[] {
    const now = this.#clock()
    const out: Alarm[] = []
    for (const { alarm } of this.#entries.values()) if (matches(alarm, query, now)) out.push(copyAlarm(alarm))
    return out.sort(byNewest)
  }

  /** Every live (not closed) alarm, shelved and suppressed ones included, newest first. */
  active(): Alarm[] {
    return this.list({ state: 'open' })
  }

  /** The key's latest alarm: the live one, else the last closed one still held. */
  byKey(key: string): Alarm | undefined {
    const id = this.#latest.get(key)
    return id === undefined ? undefined : this.get(id)
  }

  /** The condition key an alarm belongs to. */
  keyOf(id: string): string | undefined {
    return this.#entries.get(id)?.key
  }

  get size(): number {
    return this.#entries.size
  }

  #liveEntry(key: string): Entry | undefined {
    const id = this.#latest.get(key)
    const entry = id === undefined ? undefined : this.#entries.get(id)
    return entry && entry.alarm.workflow !== 'closed' ? entry : undefined
  }

  // ── persistence ─────────────────────────────────────────────────────────────────────────

  /**
   * Drop closed alarms whose close is older than the retention window (they stay in InfluxDB's
   * `alarm_events`) and activation times older than the chattering window. Returns the ids dropped.
   */
  prune(now: number = this.#clock()): string[] {
    const dropped: string[] = []
    for (const [id, entry] of this.#entries) {
      if (entry.alarm.workflow !== 'closed' || entry.alarm.updatedAt > now - this.#settings.retentionMs) continue
      this.#entries.delete(id)
      if (this.#latest.get(entry.key) === id) this.#latest.delete(entry.key)
      dropped.push(id)
    }
    const since = now - this.#settings.chatterWindowMs
    for (const [key, times] of this.#activations) {
      const kept = times.filter((x) => x >= since)
      if (kept.length > 0) this.#activations.set(key, kept)
      else this.#activations.delete(key)
    }
    return dropped
  }

  snapshot(): AlarmBookState {
    const activations: Record<string, number[]> = {}
    for (const [key, times] of this.#activations) activations[key] = [...times]
    return {
      version: 1,
      alarms: [...this.#entries.values()].map((e) => ({ key: e.key, alarm: copyAlarm(e.alarm) })),
      activations,
    }
  }

  /**
   * Hold `park`'s alarms as `state` has them (its entries and activation times), in place of
   * whatever this book held for that park: cluster mode's owner of a park taking it over from
   * the last owner's saved state (an active alarm restored is the same alarm, same id), or an
   * empty state when this book gives the park up. No step is recorded: nothing happened to the
   * alarms. Other parks' alarms are untouched.
   */
  adoptPark(park: string, state: Pick<AlarmBookState, 'alarms' | 'activations'>): void {
    const restored = AlarmBook.restore({ version: 1, alarms: state.alarms, activations: state.activations }, { clock: this.#clock })
    for (const [id, e] of this.#entries) {
      if (e.alarm.park !== park) continue
      this.#entries.delete(id)
      if (this.#latest.get(e.key) === id) this.#latest.delete(e.key)
      this.#activations.delete(e.key)
    }
    for (const e of restored.#entries.values()) {
      if (e.alarm.park !== park) throw new Error(`alarm ${e.alarm.id} of park ${e.alarm.park} adopted as park ${park}'s`)
      if (this.#entries.has(e.alarm.id)) throw new Error(`alarm id ${e.alarm.id} already used`)
      this.#entries.set(e.alarm.id, { key: e.key, alarm: withClassAndLatch(e.alarm, this.#classes) })
      this.#latest.set(e.key, e.alarm.id)
    }
    for (const [key, times] of restored.#activations) this.#activations.set(key, times)
  }

  static restore(state: AlarmBookState, deps: AlarmBookDeps): AlarmBook {
    if (state === null || typeof state !== 'object' || state.version !== 1 || !Array.isArray(state.alarms)) {
      throw new Error('alarm book state: unknown version or shape')
    }
    const book = new AlarmBook(deps)
    for (const { key, alarm } of state.alarms) {
      if (typeof key !== 'string' || typeof alarm?.id !== 'string' || !Array.isArray(alarm.history)) {
        throw new Error('alarm book state: malformed alarm entry')
      }
      if (book.#entries.has(alarm.id)) throw new Error(`alarm book state: duplicate id ${alarm.id}`)
      book.#entries.set(alarm.id, { key, alarm: withClassAndLatch(copyAlarm(alarm), book.#classes) })
      book.#latest.set(key, alarm.id) // raised order: the last one of a key is its latest
    }
    for (const [key, times] of Object.entries(state.activations ?? {})) {
      if (Array.isArray(times)) book.#activations.set(key, times.filter((x) => typeof x === 'number'))
    }
    return book
  }
}
