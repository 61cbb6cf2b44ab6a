import type { Device } from '../model/device.js'
import type { Park } from '../model/zone.js'
import { isSafetyDevice, type CountedDevices, type DeviceState } from './risk-model.js'

/** One group's safety devices: an enterprise of the park, or '' for devices of enterprises the park does not list. */
export interface TallyGroup {
  safetyTotal: number
  /** Offline safety devices, in the order of their last change (as the tracker's device map orders them). */
  offline: Map<string, Device>
}

/**
 * A park's devices counted as they change, so a recomputation of its risk does not walk them
 * (risk-model.ts `computeParkRisk`, risk-tracker.ts). A park of 31,000 devices took 15 – 22 ms a
 * recomputation walking them, and made a list of its offline devices each time: during a
 * reconnect storm, recomputed about once a second per park, that was most of the garbage
 * collector's work that held the loop (many-connections bench, CPU profile).
 */
export class DeviceTally implements CountedDevices {
  total = 0
  online = 0
  readonly groups = new Map<string, TallyGroup>()
  private readonly listed: ReadonlySet<string>

  constructor(park: Pick<Park, 'id' | 'enterprises'>) {
    this.listed = new Set(park.enterprises.map((e) => e.id))
  }

  /** The group a device counts in (risk-model.ts rule 6: unlisted enterprises are park-wide). */
  groupId(enterprise: string): string {
    return this.listed.has(enterprise) ? enterprise : ''
  }

  add(s: DeviceState): void {
    this.total++
    if (s.online) this.online++
    if (!isSafetyDevice(s.device)) return
    const g = this.group(this.groupId(s.device.enterprise))
    g.safetyTotal++
    if (!s.online) g.offline.set(s.device.id, s.device)
  }

  remove(s: DeviceState): void {
    this.total--
    if (s.online) this.online--
    if (!isSafetyDevice(s.device)) return
    const g = this.groups.get(this.groupId(s.device.enterprise))
    if (!g) return
    g.safetyTotal--
    g.offline.delete(s.device.id)
    if (g.safetyTotal === 0) this.groups.delete(this.groupId(s.device.enterprise))
  }

  private group(id: string): TallyGroup {
    let g = this.groups.get(id)
    if (!g) this.groups.set(id, (g = { safetyTotal: 0, offline: new Map() }))
    return g
  }
}
