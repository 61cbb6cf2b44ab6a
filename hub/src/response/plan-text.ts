/**
 * Set points in plan texts come from the effective set points of the incident's devices (the
 * rules' resolution of defaults and park / area / device overrides), never from a copy typed
 * into the text: a park that lowers its first-level set point to 20 %LEL reads "20 %LEL" in
 * its checklist.
 *
 * A plan text names a set point with a placeholder `{setpoint:<stage>:<class>}`:
 *
 * | part    | values                                                                      |
 * |---------|-----------------------------------------------------------------------------|
 * | stage   | `first` (一级, GB/T 50493-2019 §5.5.2), `second` (二级)                       |
 * | class   | `combustible` (lel, lel_m), `toxic` (toxic gases), `gas` (both)              |
 *
 * It renders as the strictest (lowest) value of that stage per metric over the incident's
 * devices, toxic gases first, e.g. zh `（25 %LEL）`, en ` (25 %LEL)`, or `（cl2 1 mg/m³、hcl 7.5 mg/m³）`; with no
 * device of the class (an incident opened by hand, a fire) it renders as nothing and the text
 * still names the stage in words.
 */
import type { Incident } from '../model/incident.js'
import type { ResponsePlan } from '../model/response-plan.js'
import { UNITS } from '../model/vocabulary.js'
import { isCombustibleMetric, isToxicMetric } from './hazard.js'

/** One stage of a metric's effective set points (rules/setpoint-resolver.ts ResolvedSetpoints). */
export interface SetpointStageView {
  value: number
  level: number
  stage?: string | undefined
}

/** The effective set points of one metric, as the rules engine resolved them. */
export interface SetpointView {
  metric: string
  /** High stages, mildest first. */
  high: readonly SetpointStageView[]
}

/** The effective set points of a device by metric, or undefined when unknown. */
export type SetpointLookup = (deviceId: string) => ReadonlyMap<string, SetpointView> | undefined

const PLACEHOLDER = /\{setpoint:(first|second):(combustible|toxic|gas)\}/g

function inClass(metric: string, cls: string): boolean {
  const toxic = isToxicMetric(metric)
  const combustible = !toxic && isCombustibleMetric(metric)
  if (cls === 'combustible') return combustible
  if (cls === 'toxic') return toxic
  return combustible || toxic
}

/** The stage's value: the one named `first`/`second`, else the first or second high stage. */
function stageValue(view: SetpointView, stage: 'first' | 'second'): number | undefined {
  const named = view.high.find((s) => s.stage === stage)
  return (named ?? view.high[stage === 'first' ? 0 : 1])?.value
}

/** The strictest value of the stage per metric of the class, over the devices. */
export function stageValues(devices: readonly string[], lookup: SetpointLookup | undefined, stage: 'first' | 'second', cls: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const id of devices) {
    for (const [metric, view] of lookup?.(id) ?? []) {
      if (!inClass(metric, cls)) continue
      const v = stageValue(view, stage)
      if (v === undefined) continue
      const had = out.get(metric)
      if (had === undefined || v < had) out.set(metric, v)
    }
  }
  return out
}

function phrase(values: Map<string, number>, lang: 'zh' | 'en'): string {
  if (values.size === 0) return ''
  // Toxic gases first (GB/T 50493 §3.0.2), then by metric.
  const key = (m: string): string => `${isToxicMetric(m) ? 0 : 1}${m}`
  const parts = [...values].sort(([a], [b]) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)).map(([m, v]) => {
    const unit = UNITS[m] ?? ''
    return m === 'lel' || m === 'lel_m' ? `${v} ${unit}` : `${m} ${v} ${unit}`.trim()
  })
  return lang === 'zh' ? `（${parts.join('、')}）` : ` (${parts.join(', ')})`
}

/** A plan text with its set-point placeholders replaced by the effective values. */
export function renderPlanText(text: string, lang: 'zh' | 'en', devices: readonly string[], lookup: SetpointLookup | undefined): string {
  return text.replace(PLACEHOLDER, (_m, stage: 'first' | 'second', cls: string) => phrase(stageValues(devices, lookup, stage, cls), lang))
}

/** Whether a text carries set-point placeholders (rendered again when devices join the incident). */
export function hasSetpoints(text: string): boolean {
  return text.includes('{setpoint:')
}

/** An incident's steps not done yet whose plan text names set points, rendered again (a device joined the incident). */
export function renderSteps(inc: Incident, plans: readonly ResponsePlan[], lookup: SetpointLookup | undefined): void {
  const ordered = [plans.find((p) => p.id === inc.plan), ...plans]
  for (const step of inc.steps) {
    if (step.done) continue
    const source = ordered.flatMap((p) => p?.steps.filter((x) => x.id === step.id) ?? [])[0]
    if (!source || !(hasSetpoints(source.text) || hasSetpoints(source.textEn))) continue
    step.text = renderPlanText(source.text, 'zh', inc.devices, lookup)
    step.textEn = renderPlanText(source.textEn, 'en', inc.devices, lookup)
  }
}
