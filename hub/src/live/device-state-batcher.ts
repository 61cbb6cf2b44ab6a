import type { DeviceStateUpdate } from '../model/live-events.js'
import { byPark } from './by-park.js'

/**
 * Devices going online and offline, to the sockets in batches per park: the latest state of
 * each device between flushes. A mass timeout (82,000 devices of a 100,000-device zone that
 * never connected) or a reconnect storm (18,000 devices back within seconds) was one socket.io
 * message per device, each encoded on its own: tens of thousands of small messages a second
 * and their garbage, on the event loop (many-connections bench, CPU profile).
 */
export class DeviceStateBatcher {
  private pending = new Map<string, DeviceStateUpdate>()
  private readonly timer: NodeJS.Timeout

  constructor(periodMs: number, private readonly emit: (park: string, batch: DeviceStateUpdate[]) => void) {
    this.timer = setInterval(() => this.flush(), periodMs)
    this.timer.unref()
  }

  add(u: DeviceStateUpdate): void {
    const prev = this.pending.get(u.device)
    if (prev && prev.ts > u.ts) return
    // A device that moved to another park is sent with its new park only.
    this.pending.set(u.device, { ...u })
  }

  flush(): void {
    if (this.pending.size === 0) return
    const batches = byPark(this.pending.values())
    this.pending = new Map()
    for (const [park, batch] of batches) this.emit(park, batch)
  }

  stop(): void {
    clearInterval(this.timer)
  }
}
