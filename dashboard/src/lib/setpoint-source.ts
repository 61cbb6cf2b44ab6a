/**
 * The source of a metric's effective set points as text, zh-CN or en: the standard's clause
 * for defaults, or the override's layer with the standard's ceiling, and the recorded reason
 * of an override let above it (GB/T 50493-2019 §5.5.2: set points are ceilings).
 */
import type { SetpointSource, SourcedStage } from '../../../hub/src/model/setpoint-source.js'

/** A metric's entry in GET /api/v1/devices/:id/setpoints. */
export interface MetricSetpointsView {
  unit?: string | undefined
  declaredUnit?: string | undefined
  high?: SourcedStage[]
  low?: SourcedStage[]
}

type Translate = (key: string, fallback: string, params?: Record<string, string | number>) => string

function sameSource(a: SetpointSource | undefined, b: SetpointSource | undefined): boolean {
  return a?.layer === b?.layer && a?.clause === b?.clause && a?.exceedsStandard === b?.exceedsStandard && a?.reason === b?.reason
}

/** One line per run of stages with the same source, e.g. "10 / 20 mg/m³: standard GB/T 50493-2019 §5.5.2(3) …". */
export function setpointSourceLines(sp: MetricSetpointsView | undefined, tx: Translate, format: (n: number) => string = String): string[] {
  if (!sp) return []
  const unit = sp.unit ?? ''
  const out: string[] = []
  for (const stages of [sp.high ?? [], sp.low ?? []]) {
    let i = 0
    while (i < stages.length) {
      const run = [stages[i] as SourcedStage]
      while (i + run.length < stages.length && sameSource(run[0]?.source, stages[i + run.length]?.source)) run.push(stages[i + run.length] as SourcedStage)
      i += run.length
      const src = run[0]?.source
      const values = `${run.map((s) => format(s.value)).join(' / ')} ${unit}`.trim()
      if (!src) {
        out.push(values)
        continue
      }
      const layer = tx(`setpointSource.${src.layer}`, src.layer)
      const parts = [src.layer === 'standard' || src.layer === 'default' ? `${layer} ${src.clause ?? ''}`.trim() : layer]
      if (src.layer !== 'standard' && src.layer !== 'default') {
        const ceilings = run.map((s) => s.source?.ceiling).filter((c): c is number => c !== undefined)
        if (ceilings.length) parts.push(tx('setpointSource.ceiling', 'ceiling {ceiling}', { ceiling: `${ceilings.map(format).join(' / ')} ${unit}`.trim() }))
        if (src.exceedsStandard) parts.push(tx('setpointSource.exceeds', 'above the ceiling: {reason}', { reason: src.reason ?? '' }))
      }
      out.push(`${values}: ${parts.join(tx('setpointSource.sep', ', '))}`)
    }
  }
  if (sp.declaredUnit) out.push(tx('setpointSource.declared', 'reports {unit}', { unit: sp.declaredUnit }))
  return out
}
