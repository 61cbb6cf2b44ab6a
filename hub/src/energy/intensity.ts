/**
 * Energy intensity (能耗强度, 能耗双控) and per-mu (亩均) figures of a period.
 *
 *   intensity     = tce ÷ output value of the period (万元)      GB/T 2589-2020 综合能耗 over 产值
 *   per mu        = tce ÷ land (mu; 1 mu = 666.7 m²)
 *   per mu, year  = per mu × 365 ÷ days of the period          (comparable across periods)
 *
 * `Enterprise.outputValue` is annual (万元 per year); it is pro-rated to the period by
 * length: annual × days ÷ 365 (a 366-day year is not distinguished). The budget of the
 * period is the daily budget × days, or else the monthly budget × 12 ÷ 365 × days.
 * Ranking: highest intensity first (rank 1 uses the most energy per 万元); enterprises
 * without output value rank last.
 */
import { round } from './coefficients.js'
import type { EnergySettingsResolved, ResolvedBudgets, ScopeInfo } from './settings.js'

const DAY = 86_400_000

export interface IntensityFigures {
  tce: number
  outputValue: number
  outputValueAnnual: number
  landMu: number
  tcePer10kYuan: number | null
  tcePerMu: number | null
  tcePerMuAnnual: number | null
  budget: { tce: number | null; use: number | null; source: ResolvedBudgets['source'] }
}

export interface EnterpriseIntensity extends IntensityFigures {
  enterprise: string
  park: string
  name: string
  nameEn: string
  rank: number
}

export interface IntensityReport {
  from: number
  to: number
  days: number
  parks: ({ park: string; name: string; nameEn: string } & IntensityFigures)[]
  enterprises: EnterpriseIntensity[]
}

export function periodBudget(b: ResolvedBudgets, days: number): number | null {
  if (b.dailyTce !== undefined) return b.dailyTce * days
  if (b.monthlyTce !== undefined) return (b.monthlyTce * 12 * days) / 365
  return null
}

function figures(scope: ScopeInfo, tce: number, days: number, budgets: ResolvedBudgets): IntensityFigures {
  const outputValue = (scope.outputValue * days) / 365
  const budget = periodBudget(budgets, days)
  return {
    tce: round(tce, 6),
    outputValue: round(outputValue, 3),
    outputValueAnnual: scope.outputValue,
    landMu: scope.landMu,
    tcePer10kYuan: outputValue > 0 ? round(tce / outputValue, 6) : null,
    tcePerMu: scope.landMu > 0 ? round(tce / scope.landMu, 6) : null,
    tcePerMuAnnual: scope.landMu > 0 && days > 0 ? round(((tce / scope.landMu) * 365) / days, 6) : null,
    budget: { tce: budget === null ? null : round(budget, 6), use: budget ? round(tce / budget, 4) : null, source: budgets.source },
  }
}

/** `tceByEnterprise`: each enterprise's use in the period (tce); parks: those given, or all. */
export function intensityReport(s: EnergySettingsResolved, from: number, to: number, tceByEnterprise: ReadonlyMap<string, number>, parks?: readonly string[]): IntensityReport {
  const days = (to - from) / DAY
  const inParks = (p: string): boolean => !parks || parks.includes(p)
  const enterprises: EnterpriseIntensity[] = []
  for (const e of s.enterprises.values()) {
    if (!inParks(e.park)) continue
    enterprises.push({ enterprise: e.id, park: e.park, name: e.name, nameEn: e.nameEn, rank: 0, ...figures(e, tceByEnterprise.get(e.id) ?? 0, days, e.budgets) })
  }
  enterprises.sort((a, b) => (b.tcePer10kYuan ?? -1) - (a.tcePer10kYuan ?? -1) || (a.enterprise < b.enterprise ? -1 : 1))
  enterprises.forEach((e, i) => (e.rank = i + 1))
  const parkRows: IntensityReport['parks'] = []
  for (const p of s.parks.values()) {
    if (!inParks(p.id)) continue
    let tce = 0
    for (const e of enterprises) if (e.park === p.id) tce += e.tce
    parkRows.push({ park: p.id, name: p.name, nameEn: p.nameEn, ...figures(p, tce, days, p.budgets) })
  }
  return { from, to, days: round(days, 4), parks: parkRows, enterprises }
}
