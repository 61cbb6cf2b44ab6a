/** The risk room: live four-colour level per enterprise and park (formula in risk-model.ts and docs/risk.md). */
export {
  alarmCounts, classOfAlarm, colours, compareReasons, computeParkRisk, computeRisk, isSafetyDevice, LATCHED_REASON, MORE_ALARMS_REASON, MORE_REASONS_REASON, parkReasons, RISK_DEFAULTS,
  type DeviceState, type RiskInput, type RiskOptions,
} from './risk-model.js'
export { RiskTracker, type RiskTrackerDeps } from './risk-tracker.js'
export { describeAlarmKind, type Bilingual } from './risk-text.js'
export { liveRisk } from './live-risk.js'
export { RiskSchedule } from './risk-schedule.js'
