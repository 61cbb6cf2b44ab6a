/**
 * Response plan (应急处置方案): what to do, and which device commands to send, when an incident
 * of a hazard opens. The shape follows GB/T 29639-2020 ch. 8 (现场处置方案: 应急处置程序, 现场
 * 应急处置措施, 注意事项) reduced to a checklist of steps and a list of actuator commands.
 *
 * Kept in the zone file under `responsePlans`; when it holds none, the hub uses its defaults
 * (hub/src/response/default-plans.ts). Plans are tried in order: the first whose `hazard`
 * matches and whose `minLevel` ≥ the incident's level is used (1 is the most severe level).
 */
import { Type, type Static } from 'typebox'
import { IdSchema as Id } from './device.js'

/** What an incident is about. `gas_fire` is gas and fire in one area (the rules' correlation). */
export const HAZARDS = ['gas', 'toxic', 'fire', 'gas_fire', 'emission', 'other'] as const
export type Hazard = (typeof HAZARDS)[number]

/** Actuators a device may drive (`Device.actuators`). */
export const ACTUATORS = ['valve', 'siren'] as const
export type Actuator = (typeof ACTUATORS)[number]

/** Commands the hub sends on `parks/{park}/{enterprise}/{device}/cmd`. */
export const DEVICE_COMMANDS = ['close_valve', 'open_valve', 'sound_siren', 'silence_siren'] as const
export type DeviceCommand = (typeof DEVICE_COMMANDS)[number]

/** The actuator each command drives. */
export const COMMAND_ACTUATOR: Readonly<Record<DeviceCommand, Actuator>> = {
  close_valve: 'valve',
  open_valve: 'valve',
  sound_siren: 'siren',
  silence_siren: 'siren',
}

/** Which devices a plan command reaches: those of the incident's area, enterprise or park. */
export const COMMAND_SCOPES = ['area', 'enterprise', 'park'] as const
export type CommandScope = (typeof COMMAND_SCOPES)[number]

/** Who a step is for (the hub's operator roles, CONTRACT.md). */
export const STEP_ROLES = ['safety', 'responder', 'admin', 'energy'] as const
export type StepRole = (typeof STEP_ROLES)[number]

export const PlanStep = Type.Object(
  {
    id: Id,
    /** zh-CN. */
    text: Type.String({ minLength: 1, maxLength: 500 }),
    textEn: Type.String({ minLength: 1, maxLength: 500 }),
    role: Type.Optional(Type.Enum([...STEP_ROLES])),
  },
  { additionalProperties: false },
)
export type PlanStep = Static<typeof PlanStep>

export const PlanCommand = Type.Object(
  {
    actuator: Type.Enum([...ACTUATORS]),
    command: Type.Enum([...DEVICE_COMMANDS]),
    scope: Type.Enum([...COMMAND_SCOPES]),
    /** Sent as soon as the incident opens (or adopts this plan). Default true. */
    auto: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)
export type PlanCommand = Static<typeof PlanCommand>

export const ResponsePlan = Type.Object(
  {
    id: Id,
    /** zh-CN. */
    name: Type.String({ minLength: 1, maxLength: 200 }),
    nameEn: Type.String({ minLength: 1, maxLength: 200 }),
    hazard: Type.Enum([...HAZARDS]),
    /** The plan applies to incidents at this level or more severe (1 red … 4 blue). */
    minLevel: Type.Integer({ minimum: 1, maximum: 4 }),
    steps: Type.Array(PlanStep, { minItems: 1, maxItems: 100 }),
    commands: Type.Array(PlanCommand, { maxItems: 20 }),
  },
  { additionalProperties: false },
)
export type ResponsePlan = Static<typeof ResponsePlan>

/**
 * What the schema cannot say: step ids unique within a plan, and each command's actuator the
 * one its command drives. Returns the first problem, or undefined when the plan is sound.
 */
export function responsePlanProblem(plan: ResponsePlan): string | undefined {
  const seen = new Set<string>()
  for (const s of plan.steps) {
    if (seen.has(s.id)) return `plan ${plan.id}: step id ${s.id} used twice`
    seen.add(s.id)
  }
  for (const c of plan.commands) {
    if (COMMAND_ACTUATOR[c.command] !== c.actuator) {
      return `plan ${plan.id}: command ${c.command} drives a ${COMMAND_ACTUATOR[c.command]}, not a ${c.actuator}`
    }
  }
  return undefined
}

/** Whether a plan command is sent automatically (default true). */
export function isAutoCommand(c: PlanCommand): boolean {
  return c.auto ?? true
}
