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

/**
 * What a command does (GB/T 50493 §3.0.8; GB/T 50770, GB/T 21109): `plant` moves equipment —
 * a valve, a fan, a pump — and is the business of the safety instrumented system or of a person;
 * `warning` only warns people (sirens, beacons, public address) and moves nothing. A command
 * not listed here is taken to move plant.
 */
export const COMMAND_EFFECT: Readonly<Record<DeviceCommand, 'plant' | 'warning'>> = {
  close_valve: 'plant',
  open_valve: 'plant',
  sound_siren: 'warning',
  silence_siren: 'warning',
}

/** Whether a command moves plant (anything not known to be a warning device's command does). */
export function movesPlant(command: string): boolean {
  return (COMMAND_EFFECT as Readonly<Record<string, string>>)[command] !== 'warning'
}

/**
 * How a plan command reaches its devices when the plan is adopted:
 * - `auto`: published at once, without a person — a warning device's command, or a plant command
 *   whose automatic use someone approved in the zone file (`approval`);
 * - `propose`: a proposal on the incident, published only after an operator confirms it;
 * - `offer`: nothing happens by itself; the command is offered in the incident's command menu.
 * Default: `auto` for warning devices, `propose` for commands that move plant.
 */
export const COMMAND_MODES = ['auto', 'propose', 'offer'] as const
export type CommandMode = (typeof COMMAND_MODES)[number]

/** Who approved a plant command as automatic, and when (a date, YYYY-MM-DD). */
export const CommandApproval = Type.Object(
  {
    by: Type.String({ minLength: 1, maxLength: 200 }),
    date: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }),
    /** The document that records it, e.g. the HAZOP or the management-of-change number. */
    reference: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
)
export type CommandApproval = Static<typeof CommandApproval>

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
    /** auto | propose | offer (COMMAND_MODES); default auto for warning devices, propose for plant. */
    mode: Type.Optional(Type.Enum([...COMMAND_MODES])),
    /** Older spelling: true = `auto`, false = `offer`. */
    auto: Type.Optional(Type.Boolean()),
    /** Required for an automatic command that moves plant: who approved it, and when. */
    approval: Type.Optional(CommandApproval),
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
    /** Deadlines of this plan's commands; each defaults to RESPONSE_TIMING. */
    timing: Type.Optional(
      Type.Object(
        {
          escalateAfterSec: Type.Optional(Type.Integer({ minimum: 10, maximum: 86_400 })),
          proposalExpirySec: Type.Optional(Type.Integer({ minimum: 30, maximum: 86_400 })),
          commandExpirySec: Type.Optional(Type.Integer({ minimum: 5, maximum: 3_600 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
)
export type ResponsePlan = Static<typeof ResponsePlan>

/**
 * Default deadlines, in seconds, kept per plan in `timing`:
 * - escalateAfterSec: a proposal nobody confirmed or dismissed in this time is escalated to
 *   the people on duty (a timeline entry, the incident's attention raised); it never runs by itself;
 * - proposalExpirySec: after this a proposal can no longer be confirmed (the situation it was
 *   made for has moved on); an operator sends the command by hand if it is still wanted;
 * - commandExpirySec: a published command carries `expiresAt` = publish time + this; a device
 *   must not act on it later, and one not acknowledged by then is marked expired.
 * No standard sets these: they are the hub's defaults, set per plan by the park.
 */
export const RESPONSE_TIMING: Readonly<Required<NonNullable<ResponsePlan['timing']>>> = {
  escalateAfterSec: 120,
  proposalExpirySec: 900,
  commandExpirySec: 60,
}

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
    const problem = commandProblem(plan.id, c)
    if (problem) return problem
  }
  const t = { ...RESPONSE_TIMING, ...plan.timing }
  if (t.escalateAfterSec >= t.proposalExpirySec) {
    return `plan ${plan.id}: timing.escalateAfterSec (${t.escalateAfterSec}) must be less than timing.proposalExpirySec (${t.proposalExpirySec}), or a proposal expires before anyone on duty hears of it`
  }
  return undefined
}

/**
 * The hub proposes linkage and a person confirms it (GB/T 50493 §3.0.8: interlocks belong to
 * the safety instrumented system, GB/T 50770, GB/T 21109): a plant-moving command may be
 * automatic only with an approval recorded in the zone file.
 */
function commandProblem(planId: string, c: PlanCommand): string | undefined {
  const at = `plan ${planId}: command ${c.command} (${c.scope})`
  if (c.mode !== undefined && c.auto !== undefined && (c.auto ? 'auto' : 'offer') !== c.mode) {
    return `${at}: auto: ${c.auto} contradicts mode: ${c.mode}; give mode only`
  }
  const mode = commandMode(c)
  if (mode === 'auto' && movesPlant(c.command) && c.approval === undefined) {
    return `${at} moves plant and is marked automatic without an approval. The hub proposes plant commands for an operator to confirm (GB/T 50493 §3.0.8); to make this one automatic, record who approved it and when: approval: { by: <name>, date: <YYYY-MM-DD> }`
  }
  if (c.approval !== undefined && (mode !== 'auto' || !movesPlant(c.command))) {
    return `${at}: an approval applies only to an automatic command that moves plant (this one is ${mode}, ${movesPlant(c.command) ? 'plant' : 'a warning device'})`
  }
  if (c.approval !== undefined && !isCalendarDate(c.approval.date)) return `${at}: approval.date ${c.approval.date} is not a calendar date`
  return undefined
}

function isCalendarDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

/** How a plan command is used: its `mode`, else the older `auto`, else auto for warning devices and propose for plant. */
export function commandMode(c: PlanCommand): CommandMode {
  if (c.mode !== undefined) return c.mode
  if (c.auto !== undefined) return c.auto ? 'auto' : 'offer'
  return movesPlant(c.command) ? 'propose' : 'auto'
}
