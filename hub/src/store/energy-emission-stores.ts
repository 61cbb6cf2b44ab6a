/**
 * The repositories the energy and emissions composition is handed (energy-emissions.ts), built
 * over one InfluxDB client and database by the app, so that InfluxQL and the client stay in
 * `store/`. The energy repository groups by local hours and days, so it is made for the zone's
 * UTC offset, which the energy room's calendar knows (as the rollups' setUp is).
 */
import type { InfluxDB } from 'influx'
import type { EmissionStore } from '../emissions/emission-store.js'
import type { EnergyStore } from '../energy/energy-store.js'
import type { LoggerAggregateStore } from '../emissions/logger-hours.js'
import { emissionRepository } from './emission-repository.js'
import { loggerAggregateStore } from './logger-hourly-store.js'
import type { OutletStore } from '../emissions/outlet-hourly.js'
import { outletRepository } from './outlet-repository.js'
import { energyRepository } from './energy-repository.js'
import { rollupStore, type RollupStore } from './rollup-store.js'

export interface EnergyEmissionStores {
  /** The energy repository for the zone's UTC offset in minutes. */
  energy(offsetMinutes: number): EnergyStore
  readonly emissions: EmissionStore
  /** The HJ 212 loggers' own minute and hourly data (`emission_logger`). */
  readonly logger: LoggerAggregateStore
  /** Wastewater outlets' hourly valid samples (`wastewater`). */
  readonly outlets: OutletStore
  readonly rollups: RollupStore
}

export function energyEmissionStores(influx: InfluxDB, db: string): EnergyEmissionStores {
  return {
    energy: (offsetMinutes) => energyRepository(influx, db, offsetMinutes),
    emissions: emissionRepository(influx, db),
    logger: loggerAggregateStore(influx, db),
    outlets: outletRepository(influx, db),
    rollups: rollupStore(influx, db),
  }
}
