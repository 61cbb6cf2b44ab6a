import { ALARM_LEVEL, type Transition } from '../model/alarm.js'

/**
 * The journal fills only while InfluxDB cannot take points. Warn well before it is full:
 * yellow at 80 %, orange at 95 %; cleared below 70 % (the gap keeps it from chattering,
 * ISA-18.2 deadband); at 100 % new points are refused (`journal_full`).
 */
const YELLOW = ALARM_LEVEL.yellow
const ORANGE = ALARM_LEVEL.orange
const YELLOW_FROM = 0.8
const ORANGE_FROM = 0.95
const CLEAR_BELOW = 0.7

/** How full the journal reads as an alarm: none, or the level it is raised at. */
export type JournalFilling = 'none' | typeof YELLOW | typeof ORANGE

/** The filling after a reading of the journal's usage (0..1), given the one before. */
export function journalFilling(usage: number, before: JournalFilling): JournalFilling {
  if (usage >= ORANGE_FROM) return ORANGE
  if (usage >= YELLOW_FROM) return YELLOW
  if (usage < CLEAR_BELOW) return 'none'
  return before
}

/** Reads the journal's usage at each call and raises, moves or clears the `journal_filling` alarm when its filling changes. */
export function journalWatcher(journal: { usage(): number }, alarms: { apply(transitions: Transition[]): void }): (now: number) => void {
  let current: JournalFilling = 'none'
  return (now) => {
    const u = journal.usage()
    const filling = journalFilling(u, current)
    if (filling === current) return
    current = filling
    const base = { key: 'hub:journal', rule: 'journal', type: 'journal_filling', park: '_hub', enterprise: '_hub', area: undefined, device: 'hub', metric: 'journal_usage', value: Number((u * 100).toFixed(1)), ts: now }
    alarms.apply([filling === 'none'
      ? { ...base, kind: 'clear', level: YELLOW, threshold: YELLOW_FROM * 100 }
      : { ...base, kind: 'activate', level: filling, threshold: (filling === ORANGE ? ORANGE_FROM : YELLOW_FROM) * 100, message: 'journal filling: InfluxDB is not taking points' }])
  }
}
