/**
 * Emission standards a stack is held to (data): the limits, in mg/m³ of standard-state dry
 * flue gas (273.15 K, 101.325 kPa), and the reference oxygen the measured concentration is
 * corrected to before it is compared (HJ 75-2017). A zone selects one per stack
 * (`Device.emissionStandard`); the device's `limits` and `referenceO2` override single
 * figures (docs/emissions.md).
 *
 * Sources (DOMAIN.md): GB 13271-2014 (boilers, table 2, new boilers: coal at 9 % O2, gas at
 * 3.5 %), GB 13223-2011 (thermal power, table 1: SO2 100 new / 200 existing units, and
 * 200 / 400 where the standard allows it for high-sulphur coal in Guangxi, Chongqing, Sichuan
 * and Guizhou, the "Sichuan column"), the ultra-low emission rows for coal power (6 % O2) and
 * steel sinter heads (16 % O2, 环大气〔2019〕35号), and GB 31573-2015 (inorganic chemical
 * industry) for the tail gas of titanium-dioxide chlorination, with HCl and Cl2. A row marked
 * `check` comes from a secondary source: a default to verify against the discharge permit.
 *
 * `referenceO2: null` — a source held to no reference O2: measured values are compared as they
 * are (process tail gas is not a combustion flue gas; GB 31573-2015 compares measured
 * concentrations (check)).
 */

export interface EmissionStandard {
  id: string
  name: string
  nameEn: string
  /** The clause or table the figures come from. */
  clause: string
  /** Reference O2 in %, or null: compared as measured. */
  referenceO2: number | null
  /** Limit per metric, mg/m³ standard-state dry, hourly mean (HJ 75-2017). */
  limits: Readonly<Record<string, number>>
  /** The figures come from a secondary source: verify before use (DOMAIN.md "(check)"). */
  check: boolean
}

const STANDARDS: readonly EmissionStandard[] = [
  {
    id: 'GB13271-2014/coal', name: 'GB 13271-2014 燃煤锅炉（新建）', nameEn: 'GB 13271-2014 coal-fired boiler (new)',
    clause: 'GB 13271-2014 table 2; reference O2 9 % (§5.2)', referenceO2: 9, limits: { pm: 50, so2: 300, nox: 300 }, check: false,
  },
  {
    id: 'GB13271-2014/gas', name: 'GB 13271-2014 燃气锅炉（新建）', nameEn: 'GB 13271-2014 gas-fired boiler (new)',
    clause: 'GB 13271-2014 table 2; reference O2 3.5 % (§5.2)', referenceO2: 3.5, limits: { pm: 20, so2: 50, nox: 200 }, check: false,
  },
  {
    id: 'GB13223-2011/coal-new', name: 'GB 13223-2011 燃煤发电锅炉（新建）', nameEn: 'GB 13223-2011 coal-fired power boiler (new)',
    clause: 'GB 13223-2011 table 1; reference O2 6 %', referenceO2: 6, limits: { pm: 30, so2: 100, nox: 100 }, check: false,
  },
  {
    id: 'GB13223-2011/coal-existing', name: 'GB 13223-2011 燃煤发电锅炉（现有）', nameEn: 'GB 13223-2011 coal-fired power boiler (existing)',
    clause: 'GB 13223-2011 table 1; reference O2 6 %', referenceO2: 6, limits: { pm: 30, so2: 200, nox: 100 }, check: false,
  },
  {
    id: 'GB13223-2011/coal-new-sichuan', name: 'GB 13223-2011 燃煤发电锅炉（新建，广西、重庆、四川、贵州高硫煤）',
    nameEn: 'GB 13223-2011 coal-fired power boiler (new; high-sulphur coal, Guangxi/Chongqing/Sichuan/Guizhou)',
    clause: 'GB 13223-2011 table 1, note on SO2; reference O2 6 %', referenceO2: 6, limits: { pm: 30, so2: 200, nox: 100 }, check: false,
  },
  {
    id: 'GB13223-2011/coal-existing-sichuan', name: 'GB 13223-2011 燃煤发电锅炉（现有，广西、重庆、四川、贵州高硫煤）',
    nameEn: 'GB 13223-2011 coal-fired power boiler (existing; high-sulphur coal, Guangxi/Chongqing/Sichuan/Guizhou)',
    clause: 'GB 13223-2011 table 1, note on SO2; reference O2 6 %', referenceO2: 6, limits: { pm: 30, so2: 400, nox: 100 }, check: false,
  },
  {
    id: 'ultra-low/coal-power', name: '燃煤电厂超低排放', nameEn: 'Coal power, ultra-low emission',
    clause: '燃煤电厂超低排放 (环发〔2015〕164号); reference O2 6 %', referenceO2: 6, limits: { pm: 10, so2: 35, nox: 50 }, check: false,
  },
  {
    id: 'ultra-low/sinter-head', name: '钢铁烧结机头超低排放（小时均值）', nameEn: 'Steel sinter head, ultra-low emission (hourly)',
    clause: '钢铁企业超低排放 (环大气〔2019〕35号); reference O2 16 %', referenceO2: 16, limits: { pm: 10, so2: 35, nox: 50 }, check: false,
  },
  {
    id: 'GB31573-2015/tail-gas', name: 'GB 31573-2015 无机化学工业（氯化尾气）', nameEn: 'GB 31573-2015 inorganic chemicals (chlorination tail gas)',
    clause: 'GB 31573-2015 table 3 (check); compared as measured', referenceO2: null, limits: { pm: 30, so2: 400, nox: 200, hcl: 20, cl2: 5 }, check: true,
  },
  {
    id: 'as-measured', name: '实测浓度（无基准氧）', nameEn: 'As measured (no reference O2)',
    clause: 'limits from the discharge permit, set per stack in `limits`', referenceO2: null, limits: {}, check: false,
  },
]

export const EMISSION_STANDARDS: ReadonlyMap<string, EmissionStandard> = new Map(STANDARDS.map((s) => [s.id, s]))
export const EMISSION_STANDARD_IDS: readonly string[] = STANDARDS.map((s) => s.id)

export interface ResolvedStandard {
  standard: EmissionStandard | null
  limits: Record<string, number>
  referenceO2: number | undefined
  /** Per metric: where its limit comes from. */
  limitSource: Record<string, 'standard' | 'device'>
}

/**
 * The limits and reference O2 a stack is judged by: its standard's, with the device's own
 * `limits` and `referenceO2` over them. Unknown ids are refused where the device is read
 * (model/device.ts), so `id` is known or absent here.
 */
export function resolveStandard(id: string | undefined, limits: Readonly<Record<string, number>> | undefined, referenceO2: number | undefined): ResolvedStandard {
  const standard = id !== undefined ? (EMISSION_STANDARDS.get(id) ?? null) : null
  const out: Record<string, number> = {}
  const limitSource: Record<string, 'standard' | 'device'> = {}
  for (const [m, v] of Object.entries(standard?.limits ?? {})) {
    out[m] = v
    limitSource[m] = 'standard'
  }
  for (const [m, v] of Object.entries(limits ?? {})) {
    out[m] = v
    limitSource[m] = 'device'
  }
  return { standard, limits: out, referenceO2: referenceO2 ?? standard?.referenceO2 ?? undefined, limitSource }
}
