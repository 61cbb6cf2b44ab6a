import { timingSafeEqual } from 'node:crypto'
import type { Device } from '../model/device.js'
import { CidrList } from '../net/cidr.js'
import { lookupCode } from './codes.js'

/**
 * Who an HJ 212 packet is from: its MN names one or more devices (the registry's devices with
 * `hj212.mn`), its PW must be the logger's (the secrets file), and the connection's address
 * must be one of the devices' `hj212.sources` when any are given. Several devices on one MN
 * share its pollutant codes out: a device takes the codes in its `hj212.codes`, else those whose
 * metric it measures; a code nobody takes goes to the MN's first device (by id) without
 * `codes`, else its first device, and is stored under the code there.
 */
export interface DirectoryDevices {
  all(): Iterable<{ device: Device }>
  /** Bumped whenever devices change (registry.version). */
  readonly version: number
}

export interface LoggerPoint {
  mn: string
  devices: Device[]
  /** Which device takes a code. */
  deviceFor(code: string): Device
}

export type Admission = { ok: true; point: LoggerPoint } | { ok: false; reason: 'unknown_mn' | 'wrong_pw' | 'source_refused' }

interface Entry extends LoggerPoint {
  sources: CidrList | undefined
}

export class LoggerDirectory {
  private byMn = new Map<string, Entry>()
  private builtAt = -1

  constructor(private readonly devices: DirectoryDevices, private readonly pwOf: (deviceId: string) => string | undefined, private readonly warn: (o: object, m: string) => void = () => undefined) {}

  /** Checks a packet's MN, PW and the connection's address. */
  admit(mn: string | undefined, pw: string | undefined, address: string | undefined): Admission {
    this.refresh()
    const e = mn === undefined ? undefined : this.byMn.get(mn)
    if (!e) return { ok: false, reason: 'unknown_mn' }
    // The address first: from elsewhere nobody learns whether a PW is right.
    if (e.sources && !e.sources.has(address)) return { ok: false, reason: 'source_refused' }
    // PWs read at each packet: one changed in the secrets file holds at once.
    if (pw === undefined || !e.devices.some((d) => sameText(this.pwOf(d.id), pw))) return { ok: false, reason: 'wrong_pw' }
    return { ok: true, point: e }
  }

  /** The logger point of an MN (no checks): for tests and the forwarder. */
  point(mn: string): LoggerPoint | undefined {
    this.refresh()
    return this.byMn.get(mn)
  }

  /** Rebuilt when the registry changed (a device added, retired or replaced). */
  private refresh(): void {
    if (this.builtAt === this.devices.version) return
    this.builtAt = this.devices.version
    const groups = new Map<string, Device[]>()
    for (const { device } of this.devices.all()) {
      const mn = device.hj212?.mn
      if (mn === undefined) continue
      const list = groups.get(mn) ?? []
      list.push(device)
      groups.set(mn, list)
    }
    const next = new Map<string, Entry>()
    for (const [mn, list] of groups) {
      list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      const pws = [...new Set(list.map((d) => this.pwOf(d.id)).filter((p): p is string => p !== undefined))]
      if (pws.length > 1) this.warn({ mn, devices: list.map((d) => d.id) }, 'HJ 212 devices sharing an MN have different PWs: each is accepted')
      const ranges = list.flatMap((d) => d.hj212?.sources ?? [])
      let sources: CidrList | undefined
      try {
        sources = ranges.length ? CidrList.parse(ranges.join(',')) : undefined
      } catch (err) {
        this.warn({ mn, err: (err as Error).message }, 'HJ 212 sources not understood: the logger is refused until they are fixed')
        sources = CidrList.EMPTY
      }
      next.set(mn, { mn, devices: list, deviceFor: chooser(list), sources })
    }
    this.byMn = next
  }
}

function chooser(list: Device[]): (code: string) => Device {
  const first = list[0]!
  if (list.length === 1) return () => first
  const fallback = list.find((d) => d.hj212?.codes === undefined) ?? first
  const taken = new Map<string, Device>()
  for (const d of list) for (const c of d.hj212?.codes ?? []) if (!taken.has(c)) taken.set(c, d)
  return (code) => {
    const named = taken.get(code)
    if (named) return named
    const metric = lookupCode(code)?.metric
    if (metric !== undefined) for (const d of list) if (d.hj212?.codes === undefined && d.metrics.includes(metric)) return d
    return fallback
  }
}

/** Constant-time comparison of a kept PW with a sent one. */
function sameText(kept: string | undefined, sent: string): boolean {
  if (kept === undefined) return false
  const a = Buffer.from(kept, 'utf8')
  const b = Buffer.from(sent, 'utf8')
  return a.length === b.length && timingSafeEqual(a, b)
}
