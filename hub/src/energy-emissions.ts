import type { FastifyPluginAsync } from 'fastify'
import type { Transition } from './model/alarm.js'
import type { Device } from './model/device.js'
import type { Reading } from './model/reading.js'
import type { Zone } from './model/zone.js'
import { LocalCalendar } from './energy/calendar.js'
import { BudgetMonitor, type MeterInfo } from './energy/budget-monitor.js'
import type { MeterMeta } from './energy/consumption.js'
import { EnergyService } from './energy/energy-service.js'
import { BACKFILL_DEFAULTS, RollupBackfill, type RebuildJob } from './energy/rollup-backfill.js'
import { resolveEnergySettings } from './energy/settings.js'
import { PLAN_DEFAULTS, type PlanOptions } from './energy/sources.js'
import { ExceedanceMonitor } from './emissions/exceedance-monitor.js'
import { EmissionService } from './emissions/emission-service.js'
import type { StackInfo } from './emissions/hourly.js'
import { stackInfoOf } from './emissions/stack-info.js'
import { hourlyAuthorityOf } from './emissions/hourly-authority.js'
import { outletInfoOf, WastewaterMonitor, type OutletInfo } from './emissions/wastewater.js'
import { OutletService } from './emissions/outlet-hourly.js'
import type { LoggerMetricHour } from './emissions/logger-hours.js'
import { energyRoutes, type EnergyRouteServices } from './api/routes/energy.js'
import { emissionRoutes, type EmissionRouteServices } from './api/routes/emissions.js'
import type { EnergyEmissionStores } from './store/energy-emission-stores.js'

/**
 * Energy management and emission compliance, composed (docs/energy.md, docs/emissions.md):
 * live readings → budget and demand monitor, exceedance monitor → transitions for the alarm
 * book; InfluxDB rollups (retention policies, continuous queries, rebuilds of late buckets);
 * the services behind `/api/v1/energy/*` and `/api/v1/emissions/*`. The domain rooms
 * (`energy/`, `emissions/`) stay pure; this file holds the wiring; the I/O is the
 * repositories it is handed.
 */
export interface EnergyEmissionsDeps {
  zone: Zone
  /** The energy, emission and rollup repositories over InfluxDB (store/energy-emission-stores.ts). */
  stores: EnergyEmissionStores
  clock: () => number
  raise: (transitions: Transition[]) => void
  devices: () => Iterable<Device>
  /** The HJ 212 listener's counters of a logger by MN (hj212/counters.ts), for the device panel; absent: no listener. */
  loggerByMn?: (mn: string) => { lastPacket: number; packets: number; rejects: number } | undefined
  log: { info(o: object, m: string): void; warn(o: object, m: string): void }
  options?: {
    /** How long after the last late reading a rollup bucket is rebuilt (default 30 s). */
    rebuildSettleMs?: number
    /** When raw points or rollups answer a query (sources.ts). */
    plan?: Partial<PlanOptions>
    /** Intervals without a reading that make a gap (default 3). */
    gapFactor?: number
    /** HUB_MAX_POINTS_PER_RESPONSE for the hourly emissions and the CSV report (store/series-bounds.ts). */
    maxPointsPerResponse?: number
  }
}

export interface EnergyEmissions {
  onReadings(readings: Reading[]): void
  /** A logger's hourly data (HJ 212 2061) once journaled: a stack judged by its logger is judged on it (exceedance-monitor.ts). */
  onLoggerHour(device: string, start: number, metrics: Readonly<Record<string, LoggerMetricHour>>): void
  tick(now: number): void
  /** Retention policies and continuous queries (created when missing), then the budget monitor's start figures. Never rejects: problems are logged. */
  start(): Promise<void>
  routes: FastifyPluginAsync
  close(): void
  /** What the energy and emission routes are handed. */
  readonly routeServices: { energy: EnergyRouteServices; emissions: EmissionRouteServices }
  readonly energy: EnergyService
  readonly emissions: EmissionService
  /** Resolves when the rollup rebuilds scheduled so far have run. */
  rebuildsIdle(): Promise<void>
}

export function createEnergyEmissions(deps: EnergyEmissionsDeps): EnergyEmissions {
  const { zone, stores, clock, log } = deps
  const settings = resolveEnergySettings(zone, deps.options?.gapFactor)
  const cal = new LocalCalendar(settings.timezone)
  const fixedOffset = cal.fixedOffsetMinutes()
  const offsetMinutes = fixedOffset ?? cal.offsetMs(clock()) / 60_000
  const dailyRollup = fixedOffset !== undefined
  const wanted: PlanOptions = { ...PLAN_DEFAULTS, dailyRollup, ...deps.options?.plan }
  // Raw points only until the rollups are known to exist (start()).
  const plan: PlanOptions = { ...wanted, rawMaxMs: Infinity }

  // ── devices, refreshed on a miss (at most once a second) ──────────────────────────────
  let meters = new Map<string, MeterMeta>()
  let stacks = new Map<string, StackInfo>()
  let outlets = new Map<string, OutletInfo>()
  let mains = new Map<string, string>()
  let loadedAt = -Infinity
  const load = (force: boolean): void => {
    const now = clock()
    if (!force && now - loadedAt < 1000) return
    loadedAt = now
    const m = new Map<string, MeterMeta>()
    const s = new Map<string, StackInfo>()
    const w = new Map<string, OutletInfo>()
    const main = new Map<string, string>()
    for (const d of [...deps.devices()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      if (d.kind === 'energy') {
        m.set(d.id, { device: d.id, park: d.park, enterprise: d.enterprise, submeter: d.submeter === true, intervalSec: d.interval, maxRate: d.maxRate })
        const electric = d.metrics.includes('kwh') || d.metrics.includes('kw')
        if (!d.submeter && electric && !main.has(d.enterprise)) main.set(d.enterprise, d.id)
      } else if (d.kind === 'emission') {
        s.set(d.id, { ...stackInfoOf(d), hourlyAuthority: hourlyAuthorityOf(d, zone.hj212), logger: d.hj212 !== undefined })
      } else if (d.kind === 'wastewater') {
        w.set(d.id, { ...outletInfoOf(d), hourlyAuthority: hourlyAuthorityOf(d, zone.hj212) })
      }
    }
    for (const x of m.values()) if (!main.has(x.enterprise)) main.set(x.enterprise, x.device)
    meters = m
    stacks = s
    outlets = w
    mains = main
  }
  load(true)
  const deviceById = (id: string): Device | undefined => {
    for (const d of deps.devices()) if (d.id === id) return d
    return undefined
  }
  const meterMeta = (id: string): MeterMeta | undefined => meters.get(id) ?? (load(false), meters.get(id))
  const stackInfo = (id: string): StackInfo | undefined => stacks.get(id) ?? (load(false), stacks.get(id))

  // ── live monitors ─────────────────────────────────────────────────────────────────────
  const budget = new BudgetMonitor({ settings, calendar: cal, mainMeter: (e) => mains.get(e) })
  const exceed = new ExceedanceMonitor((ts) => cal.startOf('hour', ts))
  const wastewater = new WastewaterMonitor((ts) => cal.startOf('hour', ts))
  const backfill = new RollupBackfill(cal, { ...BACKFILL_DEFAULTS, daily: dailyRollup, settleMs: deps.options?.rebuildSettleMs ?? BACKFILL_DEFAULTS.settleMs })
  let closed = false
  const raise = (t: Transition[]): void => {
    if (t.length === 0 || closed) return
    try {
      deps.raise(t)
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'energy/emission transitions not applied')
    }
  }

  // ── services over InfluxDB ────────────────────────────────────────────────────────────
  const energy = new EnergyService({
    settings, cal, plan, meters: () => meters,
    store: stores.energy(offsetMinutes),
  })
  const emissionDeps = {
    cal, stacks: () => stacks, rawMaxMs: Infinity,
    store: stores.emissions, logger: stores.logger,
  }
  const emissions = new EmissionService(emissionDeps)
  const outletService = new OutletService({ cal, store: stores.outlets, logger: stores.logger })

  // ── rollups ───────────────────────────────────────────────────────────────────────────
  const rollups = stores.rollups
  let rollupsReady = false
  let chain: Promise<void> = Promise.resolve()
  const runJobs = async (jobs: RebuildJob[]): Promise<void> => {
    if (!rollupsReady || closed) return
    for (const j of jobs) {
      try {
        await rollups.rebuild(j)
      } catch (err) {
        log.warn({ err: (err as Error).message, job: j }, 'rollup rebuild failed')
      }
    }
  }

  const routeServices = {
    energy: { zone, meter: meterMeta, energy, coefficients: settings.coefficients, basis: settings.basis, timezone: settings.timezone, now: clock, maxPointsPerResponse: deps.options?.maxPointsPerResponse } satisfies EnergyRouteServices,
    emissions: { zone, stack: stackInfo, outlet: (id: string) => outlets.get(id) ?? (load(false), outlets.get(id)), outlets: outletService, device: deviceById, loggerByMn: deps.loggerByMn, emissions, now: clock, yesterday: () => cal.dayKey(cal.startOf('day', clock()) - 1), maxPointsPerResponse: deps.options?.maxPointsPerResponse } satisfies EmissionRouteServices,
  }

  return {
    energy,
    emissions,
    routeServices,
    onReadings(readings) {
      const now = clock()
      const out: Transition[] = []
      for (const r of readings) {
        try {
          if (r.kind === 'energy') {
            const m = meterMeta(r.device)
            const info: MeterInfo = { id: r.device, park: r.park, enterprise: r.enterprise, interval: m?.intervalSec ?? 60, submeter: m?.submeter ?? false, maxRate: m?.maxRate }
            out.push(...budget.onReading(r, info, now))
            backfill.mark('energy', r.ts, now)
          } else if (r.kind === 'emission') {
            // A stack provisioned a moment ago is read at once: its first minutes count for its first hour.
            const s = stacks.get(r.device) ?? (load(true), stacks.get(r.device))
            if (s) out.push(...exceed.onReading(r, s))
            backfill.mark('emission', r.ts, now)
          } else if (r.kind === 'wastewater') {
            const o = outlets.get(r.device) ?? (load(true), outlets.get(r.device))
            if (o) out.push(...wastewater.onReading(r, o))
          }
        } catch (err) {
          log.warn({ err: (err as Error).message, device: r.device }, 'energy/emission reading not evaluated')
        }
      }
      raise(out)
    },
    onLoggerHour(device, start, metrics) {
      try {
        // A stack provisioned a moment ago is read at once (an hourly packet per stack: rare).
        const s = stacks.get(device) ?? (load(true), stacks.get(device))
        if (s) raise(exceed.onLoggerHour(s, start, metrics))
      } catch (err) {
        log.warn({ err: (err as Error).message, device }, 'logger hour not evaluated')
      }
    },
    tick(now) {
      try {
        raise([...budget.tick(now), ...exceed.tick(now), ...wastewater.tick(now)])
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'energy/emission tick failed')
      }
      if (rollupsReady && !closed) {
        const jobs = backfill.due(now)
        if (jobs.length > 0) chain = chain.then(() => runJobs(jobs))
      }
    },
    async start() {
      try {
        const r = await rollups.setUp(offsetMinutes, dailyRollup)
        rollupsReady = true
        Object.assign(plan, wanted)
        emissionDeps.rawMaxMs = 7 * 86_400_000
        if (r.createdPolicies.length || r.createdQueries.length) log.info({ policies: r.createdPolicies, queries: r.createdQueries }, 'energy and emission rollups created')
        // New continuous queries only see new data: roll up what is already stored, a week at a time.
        const history: RebuildJob[] = []
        const now = clock()
        if (r.created.energy) history.push(...historyJobs(await rollups.oldest('energy'), 'energy', now, dailyRollup, cal))
        if (r.created.emission) history.push(...historyJobs(await rollups.oldest('emission'), 'emission', now, false, cal))
        if (history.length > 0) chain = chain.then(() => runJobs(history))
        if (r.differing.length) log.warn({ queries: r.differing }, 'continuous queries differ from the hub’s; kept as they are')
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'energy and emission rollups not set up; long-range queries read raw data only')
      }
      try {
        const now = clock()
        raise(budget.seed(await energy.budgetSeed(now), now))
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'energy budgets start from zero: this month’s use could not be read')
      }
    },
    routes: async (app) => {
      await app.register(energyRoutes(routeServices.energy))
      await app.register(emissionRoutes(routeServices.emissions))
    },
    close() {
      closed = true
    },
    rebuildsIdle: () => chain,
  }
}

/** Rebuild jobs, a week each, from the oldest stored point of a measurement to now (hours, then days). */
function historyJobs(oldest: number | undefined, kind: 'energy' | 'emission', now: number, daily: boolean, cal: LocalCalendar): RebuildJob[] {
  if (oldest === undefined) return []
  const out: RebuildJob[] = []
  const WEEK = 7 * 86_400_000
  const start = cal.startOf('day', oldest)
  const end = cal.startOf('hour', now)
  for (let t = start; t < end; t += WEEK) out.push({ kind, bucket: 'hour', from: t, to: Math.min(end, t + WEEK) })
  if (daily) {
    const dayEnd = cal.startOf('day', now)
    for (let t = start; t < dayEnd; t = cal.instant(cal.parts(t).year, cal.parts(t).month, cal.parts(t).day + 7)) out.push({ kind, bucket: 'day', from: t, to: Math.min(dayEnd, cal.instant(cal.parts(t).year, cal.parts(t).month, cal.parts(t).day + 7)) })
  }
  return out
}
