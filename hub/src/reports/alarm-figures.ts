/**
 * A shift's alarm, incident and notification figures (docs/reports.md), replayed from each
 * alarm's history so a past shift is told as it stood at its handover, not as it stands now:
 *
 *   step (≤ handover)        | active | acked | closed | level
 *   raise                    | yes    | no    |        | step's
 *   reactivate, escalate     | yes    | no    |        | step's   (ISA-18.2: annunciated again)
 *   deescalate               |        |       |        | step's
 *   clear                    | no     |       |        |
 *   ack                      |        | yes   |        |
 *   dispatch, resolve        |        |       |        |          (the closed loop's workflow)
 *   close                    |        |       | yes    |
 *
 * Counts go by level (1–4: the most severe the alarm had reached by handover) and by class.
 * Pure: the alarms and incidents come in as values.
 */
import type { Alarm, AlarmLevel } from '../model/alarm.js'
import type { Incident } from '../model/incident.js'
import type { AlarmCounts, ReportAlarm, ReportFigures, ReportIncident } from '../model/report.js'

/** The open alarms a report lists by name; the counts cover them all. */
export const OPEN_LIST_MAX = 200

export interface AlarmAt {
  exists: boolean
  active: boolean
  acked: boolean
  closed: boolean
  workflow: Alarm['workflow']
  level: AlarmLevel
  /** The most severe level reached by then. */
  peak: AlarmLevel
}

/** An alarm's state at instant `t`, from its history. */
export function alarmAt(a: Alarm, t: number): AlarmAt {
  const s: AlarmAt = { exists: a.raisedAt <= t, active: false, acked: false, closed: false, workflow: 'open', level: a.level, peak: a.level }
  if (!s.exists) return s
  let seenLevel = false
  for (const step of a.history) {
    if (step.ts > t) break
    const lv = step.level
    if (lv !== undefined) {
      s.level = lv
      s.peak = seenLevel ? (Math.min(s.peak, lv) as AlarmLevel) : lv
      seenLevel = true
    }
    switch (step.action) {
      case 'raise':
      case 'reactivate':
      case 'escalate':
        s.active = true
        s.acked = false
        // An annunciation reopens a resolved alarm's workflow (alarms/condition.ts).
        if (s.workflow === 'resolved') s.workflow = 'open'
        break
      case 'dispatch':
        s.workflow = 'dispatched'
        break
      case 'resolve':
        s.workflow = 'resolved'
        break
      case 'clear':
        s.active = false
        break
      case 'ack':
        s.acked = true
        break
      case 'close':
        s.closed = true
        s.workflow = 'closed'
        break
      default:
        break
    }
  }
  return s
}

export function emptyCounts(): AlarmCounts {
  return { total: 0, byLevel: { 1: 0, 2: 0, 3: 0, 4: 0 }, byClass: {} }
}

function count(c: AlarmCounts, level: AlarmLevel, cls: string): void {
  c.total++
  c.byLevel[level]++
  c.byClass[cls] = (c.byClass[cls] ?? 0) + 1
}

export interface AlarmFigureInput {
  alarms: readonly Alarm[]
  from: number
  to: number
  /** The moment described: min(shift end, now). */
  handover: number
  deviceName: (id: string) => string | undefined
}

/** The `alarms` part of a report, from the alarms of the park that lived during [from, to). */
export function alarmFigures(i: AlarmFigureInput): ReportFigures['alarms'] {
  const raised = emptyCounts()
  const acknowledged = emptyCounts()
  const open = emptyCounts()
  const standing = emptyCounts()
  const listed: { a: Alarm; at: AlarmAt }[] = []
  for (const a of i.alarms) {
    const at = alarmAt(a, i.handover)
    if (!at.exists) continue
    if (a.raisedAt >= i.from && a.raisedAt < i.to) count(raised, at.peak, a.class)
    if (a.history.some((s) => s.action === 'ack' && s.ts >= i.from && s.ts < i.to && s.ts <= i.handover)) count(acknowledged, at.peak, a.class)
    if (at.closed) continue
    count(open, at.peak, a.class)
    if (at.active) count(standing, at.peak, a.class)
    listed.push({ a, at })
  }
  // Most severe first, then newest (DESIGN.md: the most urgent thing first).
  listed.sort((x, y) => x.at.level - y.at.level || y.a.raisedAt - x.a.raisedAt || (x.a.id < y.a.id ? -1 : 1))
  const openList: ReportAlarm[] = listed.slice(0, OPEN_LIST_MAX).map(({ a, at }) => ({
    id: a.id, type: a.type, class: a.class, level: at.level, device: a.device, deviceName: i.deviceName(a.device) ?? null, enterprise: a.enterprise,
    raisedAt: a.raisedAt, active: at.active, acked: at.acked, workflow: at.workflow, value: a.value ?? null, threshold: a.threshold ?? null,
  }))
  return { raised, acknowledged, open, standing, openList, openListTruncated: listed.length > OPEN_LIST_MAX }
}

/** The `incidents` part: incidents of the park that were open at some time in [from, to). */
export function incidentFigures(incidents: readonly Incident[], from: number, to: number, handover: number): ReportFigures['incidents'] {
  let opened = 0
  let closed = 0
  let openAtHandover = 0
  const list: ReportIncident[] = []
  for (const inc of incidents) {
    if (inc.openedAt >= to || inc.openedAt > handover) continue
    const closedBy = inc.closedAt !== undefined && inc.closedAt <= handover ? inc.closedAt : undefined
    if (closedBy !== undefined && closedBy < from) continue
    if (inc.openedAt >= from) opened++
    if (closedBy !== undefined && closedBy >= from && closedBy < to) closed++
    if (closedBy === undefined) openAtHandover++
    const done = inc.steps.filter((s) => s.done && (s.doneAt === undefined || s.doneAt <= handover)).length
    list.push({
      id: inc.id, title: inc.title, titleEn: inc.titleEn, level: inc.level, state: closedBy === undefined ? 'open' : 'closed',
      openedAt: inc.openedAt, closedAt: closedBy ?? null, stepsDone: done, stepsTotal: inc.steps.length,
    })
  }
  list.sort((x, y) => (x.state === y.state ? 0 : x.state === 'open' ? -1 : 1) || x.level - y.level || y.openedAt - x.openedAt)
  return { opened, closed, openAtHandover, list }
}

const SENT = new Set(['notifyNote.sent', 'notifyNote.resent'])
const FAILED = 'notifyNote.failed'
const DECIDED = 'notifyNote.decided'

/**
 * The `notifications` part: the notify steps of the alarms' histories in [from, to) — each
 * delivery outcome (`notifyNote.sent`, `.resent`, `.failed`, by its channel) and each
 * decision to notify a tier (`notifyNote.decided`).
 */
export function notificationFigures(alarms: readonly Alarm[], from: number, to: number): ReportFigures['notifications'] {
  const out: ReportFigures['notifications'] = { sent: 0, failed: 0, decided: 0, byChannel: {} }
  for (const a of alarms) {
    for (const s of a.history) {
      if (s.action !== 'notify' || s.ts < from || s.ts >= to) continue
      for (const m of s.messages ?? []) {
        const channel = s.channel ?? String(m.params?.channel ?? '')
        if (m.code === DECIDED) out.decided++
        else if (SENT.has(m.code) || m.code === FAILED) {
          const c = (out.byChannel[channel] ??= { sent: 0, failed: 0 })
          if (m.code === FAILED) {
            out.failed++
            c.failed++
          } else {
            out.sent++
            c.sent++
          }
        }
      }
    }
  }
  return out
}
