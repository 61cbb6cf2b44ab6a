/**
 * Alarm-system performance KPIs, EEMUA 191 / ISA-18.2 (IEC 62682) monitoring and assessment.
 *
 * Counted unit: an *annunciation*, i.e. a history step that presents an alarm to the operator:
 * `raise`, `reactivate`, and `escalate` (a more severe state that needs acknowledging again,
 * the HI → HIHI of ISA-18.2). Steps taken while the alarm was shelved, suppressed by design or
 * out of service are not presented and not counted.
 *
 * - Rate per 10 min: average = annunciations ÷ (window ÷ 10 min); peak = the busiest 10-min
 *   bucket, buckets aligned to the window's start (the last one may be shorter).
 *   Rating: ≤ 2 acceptable (EEMUA 191: ~1 very likely acceptable, ~2 manageable), ≤ 10
 *   demanding, > 10 overloaded.
 * - Flood: a bucket with > 10 annunciations (ISA-18.2); share = flood buckets' time ÷ window.
 * - Standing (stale): live, annunciated alarms whose condition has been active for > 24 h.
 * - Chattering: alarms marked `chattering` in the window, or still live and marked.
 * - Top 10: the most frequent conditions (device + type + metric) by annunciations in the window.
 * - By level: annunciations per level (EEMUA 191 suggests ~80 % low, 15 % medium, 5 % high).
 */
import type { Alarm, AlarmAction, AlarmLevel } from '../model/alarm.js'

export const TEN_MINUTES = 10 * 60_000
export const KPI_DEFAULTS = {
  acceptablePer10Min: 2,
  overloadedPer10Min: 10,
  floodPer10Min: 10,
  standingMs: 24 * 60 * 60_000,
  top: 10,
} as const

export type KpiRating = 'acceptable' | 'demanding' | 'overloaded'

export interface FrequentAlarm {
  device: string
  type: string
  metric: string | undefined
  park: string
  count: number
  /** count ÷ all annunciations in the window. */
  share: number
  alarms: string[]
}

export interface AlarmKpis {
  window: { from: number; to: number; ms: number }
  annunciations: number
  byLevel: Record<AlarmLevel, number>
  ratePer10Min: { average: number; peak: number; peakFrom: number | undefined; rating: KpiRating }
  flood: { buckets: number; share: number }
  standing: { count: number; alarms: string[] }
  chattering: { count: number; alarms: string[] }
  top: FrequentAlarm[]
}

const ANNUNCIATIONS: ReadonlySet<AlarmAction> = new Set<AlarmAction>(['raise', 'reactivate', 'escalate'])
const ACTIVATIONS: ReadonlySet<AlarmAction> = new Set<AlarmAction>(['raise', 'reactivate'])

interface Annunciation {
  ts: number
  level: AlarmLevel
}

/** The alarm's presented annunciations, walking its history with the hidden states as they were. */
function annunciationsOf(a: Alarm): Annunciation[] {
  let shelved = false
  let suppressed = false
  let outOfService = false
  let level = a.level
  const out: Annunciation[] = []
  for (const s of a.history) {
    if (s.level !== undefined) level = s.level
    switch (s.action) {
      case 'shelve': shelved = true; break
      case 'unshelve': shelved = false; break
      case 'suppress': suppressed = true; break
      case 'unsuppress': suppressed = false; break
      case 'out_of_service': outOfService = true; break
      case 'in_service': outOfService = false; break
      default:
        if (ANNUNCIATIONS.has(s.action) && !shelved && !suppressed && !outOfService) out.push({ ts: s.ts, level })
    }
  }
  return out
}

/** When the alarm's condition last became active (raise or reactivate). */
function activeSince(a: Alarm): number {
  for (let i = a.history.length - 1; i >= 0; i--) {
    const s = a.history[i]!
    if (ACTIVATIONS.has(s.action)) return s.ts
  }
  return a.raisedAt
}

function rating(average: number): KpiRating {
  if (average <= KPI_DEFAULTS.acceptablePer10Min) return 'acceptable'
  if (average <= KPI_DEFAULTS.overloadedPer10Min) return 'demanding'
  return 'overloaded'
}

function round(x: number, digits = 4): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

/** KPIs over the window (now − windowMs, now]. */
export function computeKpis(alarms: Alarm[], now: number, windowMs: number): AlarmKpis {
  if (!(windowMs > 0)) throw new RangeError('windowMs must be > 0')
  const from = now - windowMs
  const bucketCount = Math.ceil(windowMs / TEN_MINUTES)
  const buckets = new Array<number>(bucketCount).fill(0)
  const byLevel: Record<AlarmLevel, number> = { 1: 0, 2: 0, 3: 0, 4: 0 }
  const groups = new Map<string, FrequentAlarm>()
  const standing: string[] = []
  const chattering: string[] = []
  let total = 0

  for (const a of alarms) {
    for (const ann of annunciationsOf(a)) {
      if (ann.ts <= from || ann.ts > now) continue
      total++
      byLevel[ann.level]++
      const index = Math.min(bucketCount - 1, Math.floor((ann.ts - from - 1) / TEN_MINUTES))
      buckets[index]!++
      const gkey = `${a.park}\u0000${a.device}\u0000${a.type}\u0000${a.metric ?? ''}`
      let g = groups.get(gkey)
      if (!g) {
        g = { device: a.device, type: a.type, metric: a.metric, park: a.park, count: 0, share: 0, alarms: [] }
        groups.set(gkey, g)
      }
      g.count++
      if (!g.alarms.includes(a.id)) g.alarms.push(a.id)
    }
    const live = a.workflow !== 'closed'
    const hidden = (a.shelvedUntil !== undefined && a.shelvedUntil > now) || a.suppressed || a.outOfService
    if (live && !hidden && a.condition === 'active' && now - activeSince(a) > KPI_DEFAULTS.standingMs) standing.push(a.id)
    const markedInWindow = a.history.some((s) => s.action === 'chattering' && s.ts > from && s.ts <= now)
    if (a.chattering && (markedInWindow || live)) chattering.push(a.id)
  }

  let peak = 0
  let peakFrom: number | undefined
  let floodBuckets = 0
  let floodMs = 0
  buckets.forEach((count, i) => {
    const start = from + i * TEN_MINUTES
    if (count > peak) {
      peak = count
      peakFrom = start
    }
    if (count > KPI_DEFAULTS.floodPer10Min) {
      floodBuckets++
      floodMs += Math.min(TEN_MINUTES, now - start)
    }
  })
  const average = total / (windowMs / TEN_MINUTES)
  const top = [...groups.values()]
    .map((g) => ({ ...g, share: total > 0 ? round(g.count / total) : 0 }))
    .sort((x, y) => y.count - x.count || x.device.localeCompare(y.device) || x.type.localeCompare(y.type))
    .slice(0, KPI_DEFAULTS.top)

  return {
    window: { from, to: now, ms: windowMs },
    annunciations: total,
    byLevel,
    ratePer10Min: { average: round(average), peak, peakFrom, rating: rating(average) },
    flood: { buckets: floodBuckets, share: round(floodMs / windowMs) },
    standing: { count: standing.length, alarms: standing.sort() },
    chattering: { count: chattering.length, alarms: chattering.sort() },
    top,
  }
}
