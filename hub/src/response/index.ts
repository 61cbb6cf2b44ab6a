/** The response room (应急处置): response plans, incidents, device commands. */
export { IncidentManager } from './incident-manager.js'
export { DEFAULT_PLANS } from './default-plans.js'
export { checkPlans, resolvePlans, selectPlan } from './plans.js'
export { combineHazards, hazardOfAlarm, HAZARD_TEXT, opensIncident } from './hazard.js'
export { commandTopic, devicesInScope } from './scope.js'
export { SYSTEM_ACTOR } from './change.js'
export { CONFIRMING_ROLES } from './command-lifecycle.js'
export { IncidentError, INCIDENT_ERROR_STATUS, isIncidentError, type IncidentErrorCode } from './errors.js'
export { INCIDENT_ACTIONS } from './types.js'
export type {
  CommandInput, CommandPayload, DecisionInput, CommandPort, IncidentAction, IncidentListState, IncidentManagerDeps, IncidentManagerState,
  IncidentQuery, IncidentSink, OpenInput, StepInput,
} from './types.js'
