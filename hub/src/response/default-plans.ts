/**
 * Default response plans (默认应急处置方案), used for every hazard and level the zone file's
 * `responsePlans` do not cover. They are on-site response plans (现场处置方案) in the sense of
 * GB/T 29639-2020 ch. 8 — the procedure and the measures, as a checklist — with the leak and
 * fire measures of AQ/T 3052-2015 (危险化学品事故应急救援指挥导则); plan-steps.ts cites the source
 * of each step. A park replaces them with its enterprises' filed plans in the zone file.
 *
 * Two tiers per hazard, tried in order (the first whose hazard matches and minLevel ≥ the
 * incident's level wins). A command that moves plant is never automatic here: the plan
 * proposes it and a person confirms it (GB/T 50493 §3.0.8; the hub is not a safety
 * instrumented system, GB/T 50770, GB/T 21109). Only warning devices sound by themselves.
 *
 * | plan                | hazard     | levels | automatic                | proposed           | offered                     |
 * |---------------------|------------|--------|--------------------------|--------------------|-----------------------------|
 * | gas-leak            | gas        | 1      | —                        | close_valve (area) | sound_siren (area), open_valve |
 * | gas-leak-early      | gas        | 2–4    | —                        | —                  | close_valve, open_valve     |
 * | toxic-release       | toxic      | 1      | —                        | close_valve (area) | sound_siren (area), open_valve |
 * | toxic-release-early | toxic      | 2–4    | —                        | —                  | close_valve, open_valve     |
 * | fire                | fire       | 1      | sound_siren (enterprise) | close_valve (area) | silence_siren, open_valve   |
 * | fire-verify         | fire       | 2–4    | —                        | —                  | sound_siren, silence_siren  |
 * | gas-fire            | gas_fire   | 1–4    | sound_siren (enterprise) | close_valve (area) | silence_siren, open_valve   |
 * | emission-exceedance | emission   | 1–4    | —                        | —                  | —                           |
 * | general             | other      | 1–4    | —                        | —                  | —                           |
 *
 * Why these commands:
 * - Red gas and toxic alarms are GB/T 50493-2019 second-level alarms, the level at which
 *   emergency shut-off interlocks act — in the safety instrumented system or the gas alarm
 *   controller's own outputs. The hub proposes closing the area's shut-off valves at once, for
 *   an operator to confirm with one click. A first-level (orange) alarm asks for a check, so
 *   the valve command is only offered.
 * - Sirens are the fire alarm's sounders (GB 50116-2013 4.8.1: sound every sounder once a fire
 *   is confirmed) and move nothing, so they sound by themselves for a red fire and for gas with
 *   fire, across the enterprise. For a leak, evacuation is ordered by the commander over the
 *   public address; the siren is offered, not sent, so a leak is not announced as a fire.
 * - A single fire detector (orange) is verified first; the siren is offered.
 */
import type { PlanCommand, PlanStep, ResponsePlan } from '../model/response-plan.js'
import * as S from './plan-steps.js'

const PROPOSE_CLOSE_VALVES: PlanCommand = { actuator: 'valve', command: 'close_valve', scope: 'area', mode: 'propose' }
const OFFER_CLOSE_VALVES: PlanCommand = { actuator: 'valve', command: 'close_valve', scope: 'area', mode: 'offer' }
const SOUND_SIRENS: PlanCommand = { actuator: 'siren', command: 'sound_siren', scope: 'enterprise', mode: 'auto' }
const OFFER_SIRENS: PlanCommand = { actuator: 'siren', command: 'sound_siren', scope: 'enterprise', mode: 'offer' }
const SILENCE_SIRENS: PlanCommand = { actuator: 'siren', command: 'silence_siren', scope: 'enterprise', mode: 'offer' }
const OPEN_VALVES: PlanCommand = { actuator: 'valve', command: 'open_valve', scope: 'area', mode: 'offer' }

function plan(p: ResponsePlan): ResponsePlan {
  return p
}

/** Steps of several lists, each id once, in first-seen order. */
function merged(...lists: PlanStep[][]): PlanStep[] {
  const seen = new Set<string>()
  const out: PlanStep[] = []
  for (const s of lists.flat()) {
    if (seen.has(s.id)) continue
    seen.add(s.id)
    out.push(s)
  }
  return out
}

const GAS_STEPS = [S.GAS_CONFIRM, S.REPORT, S.ISOLATE_SOURCE, S.EVACUATE, S.IGNITION, S.VENTILATE, S.PPE, S.GAS_RECHECK, S.RESTORE]
const FIRE_STEPS = [
  S.FIRE_CONFIRM, S.ALARM_119, S.SIRENS, S.FIRE_EVACUATE, S.ISOLATE_SOURCE, S.FIXED_SYSTEMS, S.COOL_ADJACENT,
  S.FIRE_WATER, S.GUIDE_BRIGADE, S.REPORT, S.RESTORE,
]

export const DEFAULT_PLANS: readonly ResponsePlan[] = Object.freeze([
  plan({
    id: 'gas-leak',
    name: '可燃气体泄漏现场处置方案（二级报警）',
    nameEn: 'Combustible gas leak — on-site response (second-level alarm)',
    hazard: 'gas',
    minLevel: 1,
    steps: GAS_STEPS,
    commands: [PROPOSE_CLOSE_VALVES, { ...OFFER_SIRENS, scope: 'area' }, OPEN_VALVES],
  }),
  plan({
    id: 'gas-leak-early',
    name: '可燃气体一级报警处置',
    nameEn: 'Combustible gas first-level alarm — check',
    hazard: 'gas',
    minLevel: 4,
    steps: [S.GAS_CONFIRM, S.GAS_INSPECT, S.STOP_WORK, S.VENTILATE, S.PREPARE_ISOLATION, S.GAS_RECHECK],
    commands: [OFFER_CLOSE_VALVES, OPEN_VALVES],
  }),
  plan({
    id: 'toxic-release',
    name: '有毒气体泄漏现场处置方案（二级报警）',
    nameEn: 'Toxic gas release — on-site response (second-level alarm)',
    hazard: 'toxic',
    minLevel: 1,
    steps: [
      S.TOXIC_CONFIRM, S.REPORT, S.EVACUATE_UPWIND, S.SCBA, S.TOXIC_ISOLATE, S.WATER_CURTAIN, S.MEDICAL, S.NOTIFY_ENV,
      S.TOXIC_MONITOR, S.RESTORE,
    ],
    commands: [PROPOSE_CLOSE_VALVES, { ...OFFER_SIRENS, scope: 'area' }, OPEN_VALVES],
  }),
  plan({
    id: 'toxic-release-early',
    name: '有毒气体一级报警处置',
    nameEn: 'Toxic gas first-level alarm — check',
    hazard: 'toxic',
    minLevel: 4,
    steps: [S.TOXIC_CONFIRM, S.SCBA, S.GAS_INSPECT, S.STOP_WORK, S.PREPARE_ISOLATION, S.TOXIC_MONITOR],
    commands: [OFFER_CLOSE_VALVES, OPEN_VALVES],
  }),
  plan({
    id: 'fire',
    name: '火灾现场处置方案',
    nameEn: 'Fire — on-site response',
    hazard: 'fire',
    minLevel: 1,
    steps: FIRE_STEPS,
    commands: [SOUND_SIRENS, PROPOSE_CLOSE_VALVES, SILENCE_SIRENS, OPEN_VALVES],
  }),
  plan({
    id: 'fire-verify',
    name: '火警确认处置',
    nameEn: 'Fire alarm — verification',
    hazard: 'fire',
    minLevel: 4,
    steps: [S.FIRE_VERIFY, S.EXTINGUISH_SMALL, S.ESCALATE_FIRE, S.FALSE_ALARM],
    commands: [OFFER_SIRENS, SILENCE_SIRENS],
  }),
  plan({
    id: 'gas-fire',
    name: '可燃气体泄漏着火现场处置方案',
    nameEn: 'Burning gas leak — on-site response',
    hazard: 'gas_fire',
    minLevel: 4,
    steps: merged(
      [S.FIRE_CONFIRM, S.ALARM_119, S.SIRENS, S.ISOLATE_SOURCE, S.NO_EXTINGUISH, S.FIRE_EVACUATE],
      [S.IGNITION, S.PPE, S.FIXED_SYSTEMS, S.COOL_ADJACENT, S.FIRE_WATER, S.GUIDE_BRIGADE, S.GAS_RECHECK, S.REPORT, S.RESTORE],
    ),
    commands: [SOUND_SIRENS, PROPOSE_CLOSE_VALVES, SILENCE_SIRENS, OPEN_VALVES],
  }),
  plan({
    id: 'emission-exceedance',
    name: '污染物排放超标处置',
    nameEn: 'Emission limit exceeded — response',
    hazard: 'emission',
    minLevel: 4,
    steps: [S.VERIFY_DATA, S.REDUCE_LOAD, S.CHECK_ABATEMENT, S.REPORT_ENV, S.LEDGER, S.SAMPLE, S.STOP_UNIT, S.CONFIRM_COMPLIANCE],
    commands: [],
  }),
  plan({
    id: 'general',
    name: '通用突发事件处置',
    nameEn: 'General emergency response',
    hazard: 'other',
    minLevel: 4,
    steps: [S.GENERAL_CONFIRM, S.REPORT, S.EVACUATE, S.GENERAL_CONTROL, S.RESTORE],
    commands: [],
  }),
])
