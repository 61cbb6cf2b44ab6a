/**
 * Which hourly value of a device counts (logger-hours.ts): the device's own
 * `hj212.hourlyAuthority`, else its park's (`hj212.parkHourlyAuthority`), else the zone's
 * (`hj212.hourlyAuthority`), else the logger's (issue 25: the logger's by default). Pure.
 */
import type { Device } from '../model/device.js'
import type { Hj212Settings } from '../model/hj212.js'
import { DEFAULT_HOURLY_AUTHORITY, type HourlyAuthority } from './logger-hours.js'

export function hourlyAuthorityOf(device: Pick<Device, 'park' | 'hj212'>, zone: Pick<Hj212Settings, 'hourlyAuthority' | 'parkHourlyAuthority'> | undefined): HourlyAuthority {
  return device.hj212?.hourlyAuthority ?? zone?.parkHourlyAuthority?.[device.park] ?? zone?.hourlyAuthority ?? DEFAULT_HOURLY_AUTHORITY
}
