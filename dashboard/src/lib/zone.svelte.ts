/** The zone's static picture: parks with their site plans, and the device registry. */
import type { Park } from '../../../hub/src/model/zone.js'
import { api, type DeviceWithState, type ZoneInfo } from './api.js'
import { DEFAULT_TIME_ZONE } from './format.js'
import { live } from './live.svelte.js'
import { ui } from './ui.svelte.js'

const NO_DEVICES: DeviceWithState[] = []

class ZoneStore {
  info = $state.raw<ZoneInfo | null>(null)
  parks = $state.raw<Park[]>([])
  /**
   * Each park's devices, as the hub last sent them. A park's list keeps its identity until
   * that park is sent again, so a site plan does not redraw when another park arrives.
   */
  devicesByPark = $state.raw(new Map<string, DeviceWithState[]>())
  loading = $state(false)
  error = $state<string | null>(null)

  timeZone = $derived(this.info?.timezone ?? DEFAULT_TIME_ZONE)
  parkById = $derived(new Map(this.parks.map((p) => [p.id, p])))
  /** Every device, park by park in the zone's order (whatever order the parks arrived in). */
  devices = $derived(this.parks.flatMap((p) => this.devicesByPark.get(p.id) ?? NO_DEVICES))
  deviceById = $derived(new Map(this.devices.map((d) => [d.id, d])))
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
   * The zone and its parks at once; the device registry once `devicesAfter` settles, so the
   * hub answers what the first screen needs before it. The registry comes park by park, the
   * selected park first: 10,000 devices are megabytes of JSON, and parsing and drawing them
   * in one go held the browser's main thread for over 100 ms.
   */
  async load(devicesAfter: Promise<unknown> = Promise.resolve()): Promise<void> {
    this.loading = true
    this.error = null
    try {
      const zone = await api.zone()
      this.info = zone.zone
      this.parks = zone.parks
      await devicesAfter
      await this.loadDevices()
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err)
    } finally {
      this.loading = false
    }
  }

  /** Refresh online states after a reconnect (the snapshot does not carry them). */
  async reloadDevices(): Promise<void> {
    try {
      await this.loadDevices()
    } catch {
      /* keep what we have; the connection badge already tells the story */
    }
  }

  /** Every park's devices, one request and one update each, the selected park first. */
  private async loadDevices(): Promise<void> {
    const ids = this.parks.map((p) => p.id)
    const first = ui.park !== null && ids.includes(ui.park) ? ui.park : ids[0]
    const order = first === undefined ? ids : [first, ...ids.filter((id) => id !== first)]
    for (const park of order) {
      const { devices } = await api.devices({ park })
      this.devicesByPark = new Map(this.devicesByPark).set(park, devices)
      live.seedDevices(devices)
    }
  }

  clear(): void {
    this.info = null
    this.parks = []
    this.devicesByPark = new Map()
  }

  devicesOfPark(park: string): DeviceWithState[] {
    return this.devicesByPark.get(park) ?? NO_DEVICES
  }
}

export const zone = new ZoneStore()
