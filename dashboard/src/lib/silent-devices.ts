/**
 * The devices of a communications alarm (hub/src/rules/communications-alarm.ts, docs/alarms.md):
 * one `communications_loss` alarm per gateway, area or park carries the devices gone silent
 * together. Resolved against the zone store once per alarm, not per row drawn.
 */

/** What a row needs of a device in the zone store. */
export interface SilentDeviceRef {
  id: string
  name: string
  nameEn?: string | undefined
  park: string
  area?: string | undefined
}

/** What a row needs of an area in the zone store. */
export interface SilentAreaRef {
  id: string
  name: string
  nameEn?: string | undefined
}

export interface SilentDeviceRow {
  id: string
  /** The device in the zone store; absent when the registry does not (yet) know it. */
  device: SilentDeviceRef | undefined
  area: SilentAreaRef | undefined
  /** The park to select with the device: the device's, else the alarm's. */
  park: string
}

/** How many devices a communications alarm names, or undefined for any other alarm. */
export function silentDeviceCount(alarm: { devices?: readonly string[] | undefined }): number | undefined {
  return Array.isArray(alarm.devices) ? alarm.devices.length : undefined
}

/**
 * The alarm's devices as rows in the hub's order, each with its registry entry and area where
 * known. Duplicate ids (never sent by the hub) are kept once, so rows have unique keys.
 */
export function silentDeviceRows(
  alarm: { park: string; devices?: readonly string[] | undefined },
  deviceById: ReadonlyMap<string, SilentDeviceRef>,
  areaOf: (park: string, area: string) => SilentAreaRef | undefined,
): SilentDeviceRow[] {
  if (!Array.isArray(alarm.devices)) return []
  const seen = new Set<string>()
  const rows: SilentDeviceRow[] = []
  for (const id of alarm.devices) {
    if (seen.has(id)) continue
    seen.add(id)
    const device = deviceById.get(id)
    const park = device?.park ?? alarm.park
    const area = device?.area === undefined ? undefined : areaOf(park, device.area)
    rows.push({ id, device, area, park })
  }
  return rows
}

/** The dictionary key for "N devices": English has a singular, Chinese does not mind. */
export function deviceCountKey(n: number): 'alarm.devicesOne' | 'alarm.devicesN' {
  return n === 1 ? 'alarm.devicesOne' : 'alarm.devicesN'
}
