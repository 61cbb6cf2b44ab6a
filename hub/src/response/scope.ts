/**
 * Which devices a plan command reaches, and where a command is published.
 *
 * | scope        | devices (driving the command's actuator)                    | incident without it |
 * |--------------|-------------------------------------------------------------|---------------------|
 * | `area`       | same park and area as the incident                          | none                |
 * | `enterprise` | same park and enterprise                                    | none                |
 * | `park`       | same park                                                   | —                   |
 *
 * A scope the incident does not name reaches no device rather than a wider one: closing every
 * shut-off valve of an enterprise because one detector has no area would stop a whole plant.
 * The timeline says so (`command_skipped`) and the operator can send the command by hand.
 */
import type { Device } from '../model/device.js'
import type { Incident } from '../model/incident.js'
import type { Actuator, CommandScope } from '../model/response-plan.js'

export function drives(device: Device, actuator: Actuator): boolean {
  return device.actuators?.includes(actuator) ?? false
}

export function devicesInScope(
  devices: Iterable<Device>,
  incident: Pick<Incident, 'park' | 'area' | 'enterprise'>,
  actuator: Actuator,
  scope: CommandScope,
): Device[] {
  if (scope === 'area' && incident.area === undefined) return []
  if (scope === 'enterprise' && incident.enterprise === undefined) return []
  const out: Device[] = []
  for (const d of devices) {
    if (d.park !== incident.park || !drives(d, actuator)) continue
    if (scope === 'area' && d.area !== incident.area) continue
    if (scope === 'enterprise' && d.enterprise !== incident.enterprise) continue
    out.push(d)
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/** CONTRACT.md, MQTT: the hub → device command topic. */
export function commandTopic(device: Pick<Device, 'park' | 'enterprise' | 'id'>): string {
  return `parks/${device.park}/${device.enterprise}/${device.id}/cmd`
}
