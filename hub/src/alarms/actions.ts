/**
 * Operator actions on one alarm: ISA-18.2 / IEC 62682 acknowledgement, shelving, suppression
 * by design and out of service, and the closed loop (闭环) open → dispatched → resolved → closed.
 *
 * Each function checks its input first (missing_field / invalid_field, HTTP 400), then the
 * alarm's state (invalid_state, 409), and only then changes the alarm in place and returns the
 * steps to record, so a refused action leaves the alarm untouched.
 *
 *   action          | allowed when                               | needs
 *   ----------------+--------------------------------------------+-------------------------
 *   ack             | unacknowledged                             | –
 *   shelve          | any live alarm (re-shelve sets a new end)  | minutes, 1 … max
 *   unshelve        | shelved                                    | –
 *   suppress        | not suppressed                             | note (the reason)
 *   unsuppress      | suppressed                                 | –
 *   outOfService    | not out of service                         | note (the reason)
 *   inService       | out of service                             | –
 *   dispatch        | workflow open or dispatched (re-dispatch)  | assignee
 *   resolve         | workflow open or dispatched                | cause and action
 *   close           | condition cleared, not latched, resolved   | note (the review)
 *   comment         | any live alarm                             | note
 *   reset           | latching, condition cleared, latched       | note (what was checked)
 *
 * No action applies to a closed alarm. Closing or resetting an unacknowledged alarm records an
 * `ack` step by the same actor first, so every closed or reset alarm is acknowledged.
 *
 * Latching (ISA-18.2 "latching alarm"; GB 16808 gas alarm controllers, GB 4717 fire alarm
 * control panels): a latching alarm whose condition cleared stays latched at its level until
 * `reset`; reset is refused with `condition_active` while the condition is active, and close
 * is refused with `latched` until the reset. Acknowledging a non-latching alarm releases a
 * level it held only because it was unacknowledged (condition.ts).
 */
import type { Alarm, AlarmStep } from '../model/alarm.js'
import { AlarmActionError } from './errors.js'
import { renderMessages, type Message } from '../model/messages/index.js'
import { freeText, noteOf, said, type NotePart } from './step-note.js'
import type { AckInput, ActionInput, DispatchInput, ResolveInput, ShelveInput } from './types.js'

export interface ActionContext {
  actor: string
  now: number
  maxShelveMinutes: number
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const t = value.trim()
  return t === '' ? undefined : t
}

function required(value: unknown, field: string, alarm: Alarm): string {
  const t = text(value)
  if (t === undefined) throw new AlarmActionError('missing_field', `${field} is required`, { field, alarm: alarm.id })
  return t
}

function refuse(alarm: Alarm, why: string, code: 'invalid_state' | 'condition_active' | 'latched' = 'invalid_state'): never {
  const prefix = code === 'invalid_state' ? '' : `${code}: `
  throw new AlarmActionError(code, `${prefix}alarm ${alarm.id}: ${why}`, { alarm: alarm.id })
}

function live(alarm: Alarm): void {
  if (alarm.workflow === 'closed') refuse(alarm, 'is closed')
}

/** A step by the actor, its note the parts joined by ` | ` (a person's note is free text). */
function stepOf(ctx: ActionContext, action: AlarmStep['action'], ...parts: Array<NotePart | undefined>): AlarmStep {
  const { note, messages } = noteOf(' | ', ...parts)
  const s: AlarmStep = { ts: ctx.now, actor: ctx.actor, action, note, level: undefined, value: undefined }
  if (messages !== undefined) s.messages = messages
  return s
}

export function ack(a: Alarm, ctx: ActionContext, input: AckInput): AlarmStep[] {
  live(a)
  if (a.ack === 'acked') refuse(a, 'is already acknowledged')
  a.ack = 'acked'
  const step = stepOf(ctx, 'ack', freeText(text(input.note)), releaseHeldLevel(a))
  if (input.channel !== undefined) step.channel = input.channel
  return [step]
}

/** A notification's step in the history (notify/): sent, failed, sent again, escalated; any alarm, closed ones too. */
export function notify(ctx: ActionContext, messages: Message[], channel: string | undefined): AlarmStep[] {
  const s: AlarmStep = { ts: ctx.now, actor: ctx.actor, action: 'notify', note: renderMessages(messages, 'en'), level: undefined, value: undefined, messages }
  if (channel !== undefined) s.channel = channel
  return [s]
}

/** A non-latching alarm held above its active condition while unacknowledged follows it once acknowledged. */
function releaseHeldLevel(a: Alarm): NotePart | undefined {
  if (a.latching || a.condition !== 'active' || a.currentLevel === undefined || a.currentLevel <= a.level) return undefined
  const note = said('alarmNote.released', { from: a.level, to: a.currentLevel })
  a.level = a.currentLevel
  return note
}

export function shelve(a: Alarm, ctx: ActionContext, input: ShelveInput): AlarmStep[] {
  const minutes = input.minutes
  if (minutes == null) {
    throw new AlarmActionError('missing_field', 'minutes is required', { field: 'minutes', alarm: a.id })
  }
  if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes <= 0 || minutes > ctx.maxShelveMinutes) {
    throw new AlarmActionError('invalid_field', `minutes must be > 0 and ≤ ${ctx.maxShelveMinutes}`, { field: 'minutes', alarm: a.id })
  }
  live(a)
  a.shelvedUntil = ctx.now + Math.round(minutes * 60_000)
  return [stepOf(ctx, 'shelve', said('alarmNote.shelveMinutes', { minutes }), freeText(text(input.note)))]
}

export function unshelve(a: Alarm, ctx: ActionContext, input: ActionInput): AlarmStep[] {
  live(a)
  if (a.shelvedUntil === undefined) refuse(a, 'is not shelved')
  a.shelvedUntil = undefined
  return [stepOf(ctx, 'unshelve', freeText(text(input.note)))]
}

/** Suppressed by design / out of service (ISA-18.2): a flag set with a reason, cleared with an optional note. */
type HiddenFlag = 'suppressed' | 'outOfService'
const FLAG_WORDS: Record<HiddenFlag, { on: 'suppress' | 'out_of_service'; off: 'unsuppress' | 'in_service'; state: string }> = {
  suppressed: { on: 'suppress', off: 'unsuppress', state: 'suppressed' },
  outOfService: { on: 'out_of_service', off: 'in_service', state: 'out of service' },
}

function setFlag(a: Alarm, ctx: ActionContext, input: ActionInput, flag: HiddenFlag, on: boolean): AlarmStep[] {
  const words = FLAG_WORDS[flag]
  const note = on ? required(input.note, 'note', a) : text(input.note)
  live(a)
  if (a[flag] === on) refuse(a, on ? `is already ${words.state}` : `is not ${words.state}`)
  a[flag] = on
  return [stepOf(ctx, on ? words.on : words.off, freeText(note))]
}

export function suppress(a: Alarm, ctx: ActionContext, input: ActionInput): AlarmStep[] {
  return setFlag(a, ctx, input, 'suppressed', true)
}

export function unsuppress(a: Alarm, ctx: ActionContext, input: ActionInput): AlarmStep[] {
  return setFlag(a, ctx, input, 'suppressed', false)
}

export function outOfService(a: Alarm, ctx: ActionContext, input: ActionInput): AlarmStep[] {
  return setFlag(a, ctx, input, 'outOfService', true)
}

export function inService(a: Alarm, ctx: ActionContext, input: ActionInput): AlarmStep[] {
  return setFlag(a, ctx, input, 'outOfService', false)
}

export function dispatch(a: Alarm, ctx: ActionContext, input: DispatchInput): AlarmStep[] {
  const assignee = required(input.assignee, 'assignee', a)
  live(a)
  if (a.workflow !== 'open' && a.workflow !== 'dispatched') refuse(a, `cannot dispatch when ${a.workflow}`)
  a.workflow = 'dispatched'
  a.assignee = assignee
  return [stepOf(ctx, 'dispatch', said('alarmNote.assignee', { assignee }), freeText(text(input.note)))]
}

export function resolve(a: Alarm, ctx: ActionContext, input: ResolveInput): AlarmStep[] {
  const cause = required(input.cause, 'cause', a)
  const action = required(input.action, 'action', a)
  live(a)
  if (a.workflow !== 'open' && a.workflow !== 'dispatched') refuse(a, `cannot resolve when ${a.workflow}`)
  a.workflow = 'resolved'
  a.cause = cause
  a.action = action
  return [stepOf(ctx, 'resolve', said('alarmNote.cause', { cause }), said('alarmNote.action', { action }), freeText(text(input.note)))]
}

export function close(a: Alarm, ctx: ActionContext, input: ActionInput): AlarmStep[] {
  const note = required(input.note, 'note', a)
  live(a)
  if (a.condition !== 'cleared') refuse(a, 'condition is still active; close needs it cleared')
  if (a.latched) refuse(a, 'is latched, awaiting reset; reset it before closing', 'latched')
  if (a.workflow !== 'resolved') refuse(a, `cannot close when ${a.workflow}; resolve it first`)
  const steps = ackFirst(a, ctx, said('alarmNote.ackAtClose'))
  a.workflow = 'closed'
  steps.push(stepOf(ctx, 'close', freeText(note)))
  return steps
}

/** The `ack` step an action records first on an unacknowledged alarm, if any. */
function ackFirst(a: Alarm, ctx: ActionContext, note: NotePart): AlarmStep[] {
  if (a.ack === 'acked') return []
  a.ack = 'acked'
  return [stepOf(ctx, 'ack', note)]
}

/**
 * Reset of a latched alarm (ISA-18.2 latching alarm; GB 16808, GB 4717 复位): only after the
 * condition has returned to normal, with a note of what was checked. It releases the latch:
 * the alarm no longer colours the park's risk, and may be closed once resolved. The level
 * stays as it was (history); a new activation annunciates afresh at its own level.
 */
export function reset(a: Alarm, ctx: ActionContext, input: ActionInput): AlarmStep[] {
  const note = required(input.note, 'note', a)
  live(a)
  if (!a.latching) refuse(a, 'does not latch; there is nothing to reset')
  if (a.condition === 'active') refuse(a, 'the condition is still active; reset it after it has returned to normal', 'condition_active')
  if (!a.latched) refuse(a, 'is already reset')
  const steps = ackFirst(a, ctx, said('alarmNote.ackAtReset'))
  a.latched = false
  steps.push({ ...stepOf(ctx, 'reset', freeText(note)), level: a.level })
  return steps
}

export function comment(a: Alarm, ctx: ActionContext, input: ActionInput): AlarmStep[] {
  const note = required(input.note, 'note', a)
  live(a)
  return [stepOf(ctx, 'comment', freeText(note))]
}
