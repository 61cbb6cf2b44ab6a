/** The zone's static picture: parks with their site plans, and the device registry. */
import type { Park } from '../../../hub/src/model/zone.js'
import { api, type DeviceWithState, type ZoneInfo } from './api.js'
import { DEFAULT_TIME_ZONE } from './format.js'
import { live } from './live.svelte.js'

class ZoneStore {
  info = $state.raw<ZoneInfo | null>(null)
  parks = $state.raw<Park[]>([])
  devices = $state.raw<DeviceWithState[]>([])
  loading = $state(false)
  error = $state<string | null>(null)

  timeZone = $derived(this.info?.timezone ?? DEFAULT_TIME_ZONE)
  parkById = $derived(new Map(this.parks.map((p) => [p.id, p])))
  deviceById = $derived(new Map(this.devices.map((d) => [d.id, d])))

  async load(): Promise<void> {
    this.loading = true
    this.error = null
    try {
      const [zone, devices] = await Promise.all([api.zone(), api.devices()])
      this.info = zone.zone
      this.parks = zone.parks
      this.devices = devices.devices
      live.seedDevices(devices.devices)
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err)
    } finally {
      this.loading = false
    }
  }

  /** Refresh online states after a reconnect (the snapshot does not carry them). */
  async reloadDevices(): Promise<void> {
    try {
      const res = await api.devices()
      this.devices = res.devices
      live.seedDevices(res.devices)
    } catch {
      /* keep what we have; the connection badge already tells the story */
    }
  }

  clear(): void {
    this.info = null
    this.parks = []
    this.devices = []
  }

  devicesOfPark(park: string): DeviceWithState[] {
    return this.devices.filter((d) => d.park === park)
  }
}

export const zone = new ZoneStore()
