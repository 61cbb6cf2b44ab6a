/** The incident builders by kind. */
import { combustibleLeak, leakIgnites, toxicRelease } from './gas-incidents.js'
import { oxygenDeficiency } from './oxygen-incidents.js'
import { emissionExceedance, energySpike, fire, sensorFaults } from './plant-incidents.js'
import type { IncidentBuilder, IncidentKind } from './types.js'

export const BUILDERS: Readonly<Record<IncidentKind, IncidentBuilder>> = {
  'combustible-leak': combustibleLeak,
  'toxic-release': toxicRelease,
  fire,
  'leak-ignites': leakIgnites,
  'emission-exceedance': emissionExceedance,
  'energy-spike': energySpike,
  'sensor-faults': sensorFaults,
  'oxygen-deficiency': oxygenDeficiency,
}
