/**
 * Placing a device on its park's plan (an admin drags it there from the unplaced list): the hub
 * keeps the position (PUT /devices/:id/position, audited) and the zone store takes the device
 * as the hub answered, so the plan draws it at once.
 */
import { request, type DeviceWithState } from '../api.js'
import { zone } from '../zone.svelte.js'

/** What a drag from the unplaced list carries: the device's id. */
export const DEVICE_DRAG_TYPE = 'application/x-smartpark-device'

export async function placeDevice(id: string, position: { x: number; y: number }): Promise<DeviceWithState> {
  const placed = await request<DeviceWithState>('PUT', `/devices/${encodeURIComponent(id)}/position`, { body: { x: Math.round(position.x * 10) / 10, y: Math.round(position.y * 10) / 10 } })
  const list = zone.devicesByPark.get(placed.park)
  if (list) zone.devicesByPark = new Map(zone.devicesByPark).set(placed.park, list.map((d) => (d.id === placed.id ? placed : d)))
  return placed
}
