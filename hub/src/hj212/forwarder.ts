/**
 * Store and forward to upstream platforms (docs/hj212.md, "Forwarding"; issue 25 item 2):
 * opt-in per upstream in the zone file's `hj212.upstreams`. Data the hub accepted is framed
 * again as HJ 212-2017 — the logger's own packet with a new QN, its original DataTime,
 * codes of the 2005 table turned into the 2017 ones (and into their units where the editions
 * differ: B02 m³/h → a00000 m³/s), values and flags as the logger sent them — under the logger's MN and PW, or the park's own MN and the upstream's PW; readings
 * that came over MQTT are framed as 2011 real-time data under the park's MN. Each upstream
 * has its own durable queue (forward-queue.ts) and link (upstream-client.ts), so one that is
 * down holds only its own backlog.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../config/private-files.js'
import type { Device } from '../model/device.js'
import { FORWARD_COMMANDS, type Hj212Upstream } from '../model/hj212.js'
import type { Reading } from '../model/reading.js'
import { codeOfMetric, knownCodes, lookupCode } from './codes.js'
import { ForwardQueue } from './forward-queue.js'
import { dataSegments, PIECE_SEPARATOR, QnSource, type PollutantGroup } from './outbound.js'
import { formatDataTime, type Hj212Packet } from './packet.js'
import { readNumber } from './to-readings.js'
import { UpstreamClient, type UpstreamStatus } from './upstream-client.js'

/** System codes (HJ 212-2017 table 5): 31 air pollution source, 32 surface-water pollution source. */
const ST_BY_KIND: Readonly<Record<string, string>> = { emission: '31', wastewater: '32' }
/** Key of the upstream's own PW in a queued line (a logger's is `L<MN>`). */
const OWN_PW = '@'
const PW_PATTERN = /^[^;,=&\s]{1,32}$/

export interface ForwarderOptions {
  upstreams: readonly Hj212Upstream[]
  dataDir: string
  timeZone: string
  device: (id: string) => Device | undefined
  /** A device's logger MN when it speaks HJ 212 (its readings are forwarded from its packets). */
  loggerMnOf: (deviceId: string) => string | undefined
  /** A logger's PW by its MN (the listener's identities). */
  loggerPw: (mn: string) => string | undefined
  clock?: () => number
  log?: { warn(o: object, msg: string): void; info(o: object, msg: string): void }
}

interface Link {
  upstream: Hj212Upstream
  queue: ForwardQueue
  client: UpstreamClient
  qn: QnSource
  commands: ReadonlySet<string>
  devices: ReadonlySet<string> | undefined
}

export interface ForwarderStats {
  /** Data left out: no DataTime, no MN to send under, a metric without a code. */
  skipped: Record<string, number>
}

/**
 * Cluster mode (cluster/shared-settings.ts): an upstream's PW set through the API is written to
 * the cluster's bucket, which applies it on every node (`applyPw`) before the write resolves.
 */
export type PwShare = (upstreamId: string, pw: string) => Promise<void>

export class Forwarder {
  private readonly links: Link[] = []
  private secrets: Record<string, string> = {}
  private share: PwShare | undefined
  private writing: Promise<void> = Promise.resolve()
  readonly stats: ForwarderStats = { skipped: {} }
  private readonly secretsFile: string

  private constructor(private readonly o: ForwarderOptions) {
    this.secretsFile = join(o.dataDir, 'hj212', 'upstream-secrets.json')
  }

  /** Opens every upstream's queue and starts its link. */
  static async open(o: ForwarderOptions): Promise<Forwarder> {
    const f = new Forwarder(o)
    await mkdir(join(o.dataDir, 'hj212', 'forward'), { recursive: true, mode: PRIVATE_DIR_MODE })
    f.secrets = await readSecrets(f.secretsFile)
    for (const u of o.upstreams) {
      const queue = new ForwardQueue({ dir: join(o.dataDir, 'hj212', 'forward', u.id) })
      const left = queue.open()
      if (left > 0) o.log?.warn({ upstream: u.id, packets: left }, 'HJ 212 forwarding: packets left from before are sent first')
      const qn = new QnSource(o.timeZone, o.clock)
      const client = new UpstreamClient({
        upstream: u, queue, qn: () => qn.next(), clock: o.clock, log: o.log,
        pwFor: (key) => (key === OWN_PW ? f.secrets[u.id] : o.loggerPw(key.slice(1))),
      })
      f.links.push({ upstream: u, queue, client, qn, commands: new Set(u.commands ?? FORWARD_COMMANDS), devices: u.devices ? new Set(u.devices) : undefined })
      client.start()
    }
    return f
  }

  get upstreamCount(): number {
    return this.links.length
  }

  /** A data packet the listener accepted (split packets already put together), for its devices. */
  packet(p: Hj212Packet, deviceIds: readonly string[]): void {
    if (this.links.length === 0) return
    const dataTime = p.cp.dataTime
    if (dataTime === undefined) return
    const groups = groupsOf2017(p)
    for (const l of this.links) {
      if (l.upstream.disabled || !l.commands.has(p.cn)) continue
      const device = deviceIds.find((id) => this.carries(l, id))
      if (device === undefined) continue
      const own = l.upstream.deviceMns?.[device] ?? l.upstream.mn
      const mn = own ?? p.mn
      if (mn === undefined) {
        this.skip('no_mn')
        continue
      }
      const st = p.st ?? ST_BY_KIND[this.o.device(device)?.kind ?? 'emission'] ?? '31'
      this.enqueue(l, own !== undefined ? OWN_PW : `L${mn}`, { st, cn: p.cn, mn, dataTime, groups })
    }
  }

  /**
   * Readings that came over MQTT: emission and wastewater devices without a logger, framed as
   * 2011 real-time data (values turned back into the standard's units, flags as sent).
   */
  readings(readings: readonly Reading[]): void {
    if (this.links.length === 0) return
    for (const r of readings) {
      if (ST_BY_KIND[r.kind] === undefined || this.o.loggerMnOf(r.device) !== undefined) continue
      let groups: PollutantGroup[] | undefined
      for (const l of this.links) {
        if (l.upstream.disabled || !l.commands.has('2011') || !this.carries(l, r.device)) continue
        const mn = l.upstream.deviceMns?.[r.device] ?? l.upstream.mn
        if (mn === undefined) {
          this.skip('no_mn')
          continue
        }
        groups ??= this.groupsOfReading(r)
        if (groups.length === 0) continue
        this.enqueue(l, OWN_PW, { st: ST_BY_KIND[r.kind]!, cn: '2011', mn, dataTime: formatDataTime(r.ts, this.o.timeZone), groups })
      }
    }
  }

  /** Every upstream's state: connected, last answer, backlog (never its PW). */
  status(): (UpstreamStatus & { pwSet: boolean })[] {
    return this.links.map((l) => ({ ...l.client.snapshot(), pwSet: this.secrets[l.upstream.id] !== undefined }))
  }

  skipped(): Record<string, number> {
    return { ...this.stats.skipped }
  }

  has(id: string): boolean {
    return this.links.some((l) => l.upstream.id === id)
  }

  /**
   * Sets an upstream's PW (kept in the data dir, 0600); false for a PW a packet cannot carry.
   * Cluster mode: through the cluster's bucket, resolved once it holds the PW and this node
   * uses it and has its copy on disk.
   */
  async setPw(id: string, pw: string): Promise<boolean> {
    if (!PW_PATTERN.test(pw)) return false
    if (this.share) {
      await this.share(id, pw)
      await this.writing
      return true
    }
    await this.applyPw(id, pw)
    return true
  }

  /** Cluster mode: `setPw` goes through `share`. */
  shareWith(share: PwShare): void {
    this.share = share
  }

  /** An upstream's PW as the cluster holds it: used from now on, kept in the data dir (0600) as its copy. */
  async applyPw(id: string, pw: string): Promise<void> {
    if (!PW_PATTERN.test(pw)) throw new Error(`upstream ${id}: not a PW a packet can carry (1–32 characters without ; , = & or spaces)`)
    this.secrets = { ...this.secrets, [id]: pw }
    for (const l of this.links) if (l.upstream.id === id) l.client.poke()
    const text = JSON.stringify(this.secrets)
    // One write at a time, in the order applied: the file ends as the newest PWs.
    this.writing = this.writing.catch(() => undefined).then(async () => {
      const tmp = `${this.secretsFile}.tmp`
      await writeFile(tmp, text, { mode: PRIVATE_FILE_MODE })
      await rename(tmp, this.secretsFile)
    })
    return this.writing
  }

  /** The upstreams' PWs this node holds (a cluster's bucket never seeded takes them). */
  storedPws(): Record<string, string> {
    return { ...this.secrets }
  }

  async close(): Promise<void> {
    await Promise.all(this.links.map((l) => l.client.stop()))
    for (const l of this.links) l.queue.close()
  }

  private carries(l: Link, deviceId: string): boolean {
    if (l.devices) return l.devices.has(deviceId)
    const kind = this.o.device(deviceId)?.kind
    return kind === 'emission' || kind === 'wastewater'
  }

  private enqueue(l: Link, pwKey: string, d: { st: string; cn: string; mn: string; dataTime: string; groups: readonly PollutantGroup[] }): void {
    const segments = dataSegments({ qn: l.qn.next(), pw: '', answer: l.upstream.answer ?? true, ...d }, l.upstream.maxDataBytes ?? 1024)
    // The pieces of a split packet are one line: sent together, answered and sent again together.
    if (l.queue.append([`${pwKey}\t${segments.join(PIECE_SEPARATOR)}`])) l.client.poke()
    else this.o.log?.warn({ upstream: l.upstream.id }, 'HJ 212 forwarding queue full: packet refused')
  }

  private groupsOfReading(r: Reading): PollutantGroup[] {
    const out: PollutantGroup[] = []
    for (const [metric, value] of Object.entries(r.values)) {
      const code = codeOfMetric(metric)
      const info = code === undefined ? undefined : lookupCode(code)
      if (code === undefined || !info || info.kind !== r.kind) {
        this.skip('metric_without_code')
        continue
      }
      // Back to the standard's unit (the hub keeps flue-gas flow in m³/h, HJ 212 sends m³/s).
      const v = value / (info.factor ?? 1)
      out.push([code, [['Rtd', numberText(v)], ['Flag', r.flags?.[metric] ?? 'N']]])
    }
    return out
  }

  private skip(reason: string): void {
    this.stats.skipped[reason] = (this.stats.skipped[reason] ?? 0) + 1
  }
}

/** 2005-edition code → 2017 code, for codes both tables have (codes.ts). */
const TO_2017: ReadonlyMap<string, string> = new Map(knownCodes().filter((c) => c.edition === 2005).map((c) => [c.code, c.code2017]))

/** Suffixes carrying a value in the code's unit (HJ 212-2017 table 4); -Cou totals and flags are not. */
const IN_CODE_UNIT = new Set(['Rtd', 'Avg', 'Min', 'Max', 'ZsRtd', 'ZsAvg', 'ZsMin', 'ZsMax'])

/**
 * The packet's pollutant groups under 2017 codes, every suffix as the logger sent it, but a
 * 2005 code whose unit is not its 2017 twin's (B02 m³/h → a00000 m³/s, codes.ts) has its values
 * turned into the 2017 unit.
 */
function groupsOf2017(p: Hj212Packet): PollutantGroup[] {
  const out: PollutantGroup[] = []
  for (const [code, items] of p.cp.pollutants) {
    const to = TO_2017.get(code)
    const ratio = to === undefined ? 1 : (lookupCode(code)?.factor ?? 1) / (lookupCode(to)?.factor ?? 1)
    if (ratio === 1) {
      out.push([to ?? code, [...items]])
      continue
    }
    out.push([to!, [...items].map(([s, v]): [string, string] => {
      const n = IN_CODE_UNIT.has(s) ? readNumber(v) : undefined
      return [s, n === undefined ? v : String(Number((n * ratio).toPrecision(7)))]
    })])
  }
  return out
}

/** A value as HJ 212 numbers are written: plain decimal, at most 4 decimals. */
function numberText(v: number): string {
  return String(Math.round(v * 10_000) / 10_000)
}

async function readSecrets(file: string): Promise<Record<string, string>> {
  try {
    const raw = JSON.parse(await readFile(file, 'utf8')) as unknown
    if (!raw || typeof raw !== 'object') return {}
    const out: Record<string, string> = Object.create(null) as Record<string, string>
    for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') out[k] = v
    return out
  } catch {
    return {}
  }
}
