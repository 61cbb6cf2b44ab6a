/** The rules room: pure, clock-injected evaluators that turn readings into alarm transitions. */
export { RulesEngine, RULES_STATE_VERSION, type RulesEngineInit, type RulesState } from './engine.js'
export { DEFAULT_RULES_OPTIONS, type RulesOptions, type RulesOptionsInput } from './options.js'
export { defaultSetpoints, toxicFirstLevel } from './defaults.js'
export { resolveDevice, resolveMetric, SetpointLayerIndex, type ResolvedSetpoints } from './setpoint-resolver.js'
export { CORRELATION_TYPES, type CorrelationType } from './correlation.js'
