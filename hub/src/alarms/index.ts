/** The alarms room: lifecycle (ISA-18.2 / IEC 62682), closed loop, KPIs (EEMUA 191). */
export { AlarmBook, ALARM_BOOK_DEFAULTS } from './alarm-book.js'
export { AlarmActionError, ALARM_ERROR_STATUS, isAlarmActionError, type AlarmActionErrorCode } from './errors.js'
export { computeKpis, KPI_DEFAULTS, type AlarmKpis, type FrequentAlarm, type KpiRating } from './kpi.js'
export { ALARM_LIST_STATES } from './query.js'
export { isAnnunciated } from './alarm-copy.js'
export { holdReason, mostSevere } from './condition.js'
export { SYSTEM_ACTOR } from './condition.js'
export type {
  AckInput, ActionInput, AlarmBookDeps, AlarmBookState, AlarmListState, AlarmQuery, AlarmSink, DispatchInput, ResolveInput, ShelveInput,
} from './types.js'
