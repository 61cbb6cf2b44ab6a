/** The zone's static picture: parks with their site plans, and the device registry. */
import type { Park } from '../../../hub/src/model/zone.js'
import { api, type DeviceWithState, type ZoneInfo } from './api.js'
import { DEFAULT_TIME_ZONE } from './format.js'
import { live } from './live.svelte.js'

const NO_DEVICES: DeviceWithState[] = []

class ZoneStore {
  info = $state.raw<ZoneInfo | null>(null)
  parks = $state.raw<Park[]>([])
  devices = $state.raw<DeviceWithState[]>([])
  loading = $state(false)
  error = $state<string | null>(null)

  timeZone = $derived(this.info?.timezone ?? DEFAULT_TIME_ZONE)
  parkById = $derived(new Map(this.parks.map((p) => [p.id, p])))
  deviceById = $derived(new Map(this.devices.map((d) => [d.id, d])))
  devicesByPark = $derived.by(() => {
    const out = new Map<string, DeviceWithState[]>()
    for (const d of this.devices) {
      const list = out.get(d.park)
      if (list === undefined) out.set(d.park, [d])
      else list.push(d)
    }
    return out
  })
  /** Devices online, zone-wide and per park: the live state where known, else the registry's. */
  online = $derived.by(() => {
    const byPark = new Map<string, number>()
    let total = 0
    for (const d of this.devices) {
      if (!(live.devices.get(d.id)?.online ?? d.online)) continue
      total++
      byPark.set(d.park, (byPark.get(d.park) ?? 0) + 1)
    }
    return { total, byPark }
  })

  /**
   * The zone and its parks at once; the device registry (10,000 devices are megabytes) once
   * `devicesAfter` settles, so the hub answers what the first screen needs before it.
   */
  async load(devicesAfter: Promise<unknown> = Promise.resolve()): Promise<void> {
    this.loading = true
    this.error = null
    try {
      const devices = devicesAfter.then(() => api.devices())
      // Not left unhandled while the zone is awaited; the await below still throws.
      devices.catch(() => undefined)
      const zone = await api.zone()
      this.info = zone.zone
      this.parks = zone.parks
      const list = (await devices).devices
      this.devices = list
      live.seedDevices(list)
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
    return this.devicesByPark.get(park) ?? NO_DEVICES
  }
}

export const zone = new ZoneStore()
