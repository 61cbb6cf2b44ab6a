/** Picks the model that simulates a device, from its kind (and type, for fire devices). */
import type { Device } from '../../hub/src/model/device.js'
import { CemsModel } from './models/cems.js'
import { EnergyMeterModel } from './models/energy.js'
import { FireDetectorModel } from './models/fire-detector.js'
import { GasDetectorModel } from './models/gas-detector.js'
import type { DeviceModel } from './models/types.js'
import { WastewaterModel } from './models/wastewater.js'
import { WeatherStationModel } from './models/weather.js'
import type { Rng } from './prng.js'

export function createModel(device: Device, rng: Rng): DeviceModel {
  switch (device.kind) {
    case 'gas':
      return new GasDetectorModel(device, rng)
    case 'fire':
      return new FireDetectorModel(device, rng)
    case 'emission':
      return new CemsModel(device, rng)
    case 'energy':
      return new EnergyMeterModel(device, rng)
    case 'wastewater':
      return new WastewaterModel(device, rng)
    case 'weather':
      return new WeatherStationModel(device, rng)
  }
}

/** Devices that raise discrete events and must be polled while something burns. */
export function raisesEvents(device: Device): boolean {
  return device.kind === 'fire'
}
