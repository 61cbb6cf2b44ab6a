/**
 * Energy settings resolved once from the zone file (docs/energy.md): coefficients
 * (GB/T 2589-2020), the electricity basis, tariffs per park, budgets and contracted maximum
 * demand per enterprise and park.
 *
 * Budgets absent from the zone file: an enterprise gets demo budgets from its annual output
 * value (`Enterprise.outputValue`, 万元) × `energy.demoBudgetIntensity` tce per 万元 (default
 * 0.5, a demo assumption, not a standard figure): daily = annual ÷ 365, monthly = annual ÷ 12.
 * `demoBudgetIntensity: 0` turns them off. Contracted maximum demand and park budgets have no
 * demo default: output value says nothing about connected load, and a park's budget is a
 * policy figure. An enterprise that lists any budget keeps exactly what it lists.
 */
import type { EnergyBudgets, Park, Zone } from '../model/zone.js'
import { resolveCoefficients, type Coefficients, type ElectricityBasis } from './coefficients.js'
import { resolveTariff, type ResolvedTariff } from './tariff.js'
import { DEFAULT_GAP_FACTOR } from './counter.js'

export const DEFAULT_DEMO_BUDGET_INTENSITY = 0.5

export interface ResolvedBudgets {
  dailyTce: number | undefined
  monthlyTce: number | undefined
  maxDemandKw: number | undefined
  source: 'zone' | 'demo' | 'none'
}

export interface ScopeInfo {
  id: string
  park: string
  name: string
  nameEn: string
  budgets: ResolvedBudgets
  /** Enterprises only: annual output value (万元) and land (mu). */
  outputValue: number
  landMu: number
}

export interface EnergySettingsResolved {
  timezone: string
  coefficients: Coefficients
  basis: ElectricityBasis
  gapFactor: number
  tariffs: Map<string, ResolvedTariff>
  enterprises: Map<string, ScopeInfo>
  parks: Map<string, ScopeInfo>
}

const NONE: ResolvedBudgets = { dailyTce: undefined, monthlyTce: undefined, maxDemandKw: undefined, source: 'none' }

function fromZone(b: EnergyBudgets): ResolvedBudgets {
  return { dailyTce: b.dailyTce, monthlyTce: b.monthlyTce, maxDemandKw: b.maxDemandKw, source: 'zone' }
}

export function resolveEnergySettings(zone: Zone, gapFactor = DEFAULT_GAP_FACTOR): EnergySettingsResolved {
  const e = zone.energy
  const intensity = e?.demoBudgetIntensity ?? DEFAULT_DEMO_BUDGET_INTENSITY
  const zoneTariff = e?.tariff
  const tariffs = new Map<string, ResolvedTariff>()
  const enterprises = new Map<string, ScopeInfo>()
  const parks = new Map<string, ScopeInfo>()
  for (const p of zone.parks) {
    tariffs.set(p.id, resolveTariff(p.tariff ?? zoneTariff))
    parks.set(p.id, { id: p.id, park: p.id, name: p.name, nameEn: p.nameEn, budgets: p.budgets ? fromZone(p.budgets) : NONE, ...parkTotals(p) })
    for (const ent of p.enterprises) {
      let budgets = NONE
      if (ent.budgets) budgets = fromZone(ent.budgets)
      else if (intensity > 0 && ent.outputValue > 0) {
        const annual = ent.outputValue * intensity
        budgets = { dailyTce: annual / 365, monthlyTce: annual / 12, maxDemandKw: undefined, source: 'demo' }
      }
      enterprises.set(ent.id, { id: ent.id, park: p.id, name: ent.name, nameEn: ent.nameEn, budgets, outputValue: ent.outputValue, landMu: ent.landMu })
    }
  }
  return {
    timezone: zone.timezone || 'Asia/Shanghai',
    coefficients: resolveCoefficients(e?.coefficients),
    basis: e?.electricityBasis ?? 'calorific',
    gapFactor,
    tariffs,
    enterprises,
    parks,
  }
}

function parkTotals(p: Park): { outputValue: number; landMu: number } {
  let outputValue = 0
  let landMu = 0
  for (const e of p.enterprises) {
    outputValue += e.outputValue
    landMu += e.landMu
  }
  return { outputValue, landMu }
}

export function tariffOf(s: EnergySettingsResolved, park: string): ResolvedTariff {
  return s.tariffs.get(park) ?? resolveTariff()
}
