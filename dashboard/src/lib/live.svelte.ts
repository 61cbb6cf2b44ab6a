/**
 * The one socket.io connection (CONTRACT.md, socket.io) feeding rune stores: alarms by id,
 * risk by park, incidents, latest telemetry per device, device online states, and the
 * connection state. On every (re)connect the `snapshot` replaces alarms, risk and incidents.
 * Each message is applied as one batch, so a snapshot or a telemetry batch notifies once.
 */
import { io, type Socket } from 'socket.io-client'
import type { Alarm } from '../../../hub/src/model/alarm.js'
import type { ParkFootprint } from '../../../hub/src/model/footprint.js'
import type { Incident } from '../../../hub/src/model/incident.js'
import type { ClientToServerEvents, DeviceStateUpdate, ServerToClientEvents, Snapshot, TelemetryUpdate } from '../../../hub/src/model/live-events.js'
import type { ParkRisk } from '../../../hub/src/model/risk.js'
import type { DataFlag } from '../../../hub/src/model/vocabulary.js'
import { BatchMap } from './batch-map.svelte.js'
import { clock } from './clock.svelte.js'

export type ConnectionState = 'live' | 'reconnecting' | 'offline'
/** `flag`: the value's HJ 212 data flag when not N (over range, fault, maintenance, manual…). */
export type MetricValue = { value: number; ts: number; flag?: DataFlag | undefined }
export type DeviceOnline = { online: boolean; lastSeen: number | null }
type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>
type AlarmListener = (prev: Alarm | undefined, next: Alarm) => void

/** How long a lost connection may keep retrying before the screen says "offline". */
const OFFLINE_AFTER_MS = 20_000
const AUTH_ERROR = /unauthori[sz]ed|forbidden|invalid token|jwt|token|401|403/i

function looksLikeIncident(x: unknown): x is Incident {
  const i = x as Partial<Incident> | null
  return typeof i === 'object' && i !== null && typeof i.id === 'string' && Array.isArray(i.steps)
}

class LiveStore {
  connection = $state<ConnectionState>('offline')
  /** When the connection state last changed (hub time). */
  since = $state(Date.now())
  /** When data last arrived over the socket (hub time). */
  lastMessage = $state<number | null>(null)
  /** Increments on every snapshot, so pages can refresh what the snapshot does not carry. */
  snapshots = $state(0)

  alarms = new BatchMap<string, Alarm>()
  risk = new BatchMap<string, ParkRisk>()
  incidents = new BatchMap<string, Incident>()
  latest = new BatchMap<string, Readonly<Record<string, MetricValue>>>()
  devices = new BatchMap<string, DeviceOnline>()
  /** Each park's gas hazard footprint as last pushed or read (docs/hazard.md). */
  footprints = new BatchMap<string, ParkFootprint>()

  #socket: LiveSocket | undefined
  #offlineTimer: ReturnType<typeof setTimeout> | undefined
  #retryTimer: ReturnType<typeof setTimeout> | undefined
  #listeners = new Set<AlarmListener>()
  #snapshotWaiters = new Set<() => void>()
  #onUnauthorized: () => void = () => {}

  connect(token: string, onUnauthorized: () => void): void {
    this.disconnect()
    this.#onUnauthorized = onUnauthorized
    // Straight to a WebSocket (the snapshot comes without polling round trips first), with
    // long-polling as the fallback where WebSockets do not get through.
    const socket: LiveSocket = io({ path: '/socket.io', auth: { token }, transports: ['websocket', 'polling'], tryAllTransports: true })
    this.#socket = socket
    this.#setState('reconnecting')

    socket.on('connect', () => this.#setState('live'))
    socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return this.#setState('offline')
      this.#lost()
      // The server closed us: socket.io does not retry on its own in that case.
      if (reason === 'io server disconnect') this.#retryLater()
    })
    socket.on('connect_error', (err) => {
      if (!socket.active) {
        // Refused by the server's middleware: a bad or expired token, or a refusal to retry later.
        if (AUTH_ERROR.test(err.message)) {
          this.disconnect()
          this.#onUnauthorized()
          return
        }
        this.#retryLater()
      }
      this.#lost()
    })
    socket.io.on('reconnect_attempt', () => {
      if (this.connection === 'live') this.#lost()
    })

    socket.on('snapshot', (s) => this.applySnapshot(s))
    socket.on('alarm', (a) => this.upsertAlarm(a))
    socket.on('risk', (r) => this.#touch(() => this.risk.set(r.park, r)))
    socket.on('incident', (i) => this.#touch(() => this.upsertIncident(i)))
    socket.on('telemetry', (batch) => this.#touch(() => this.applyTelemetry(batch)))
    socket.on('device', (batch) => this.#touch(() => this.applyDevices(batch)))
    socket.on('footprint', (f) => this.#touch(() => this.setFootprint(f)))
  }

  disconnect(): void {
    clearTimeout(this.#retryTimer)
    if (this.#socket) {
      this.#socket.removeAllListeners()
      this.#socket.io.removeAllListeners()
      this.#socket.disconnect()
      this.#socket = undefined
    }
    this.#releaseWaiters()
    this.#setState('offline')
  }

  /** Forget everything (sign-out). */
  reset(): void {
    this.disconnect()
    this.alarms.clear()
    this.risk.clear()
    this.incidents.clear()
    this.latest.clear()
    this.devices.clear()
    this.footprints.clear()
    this.lastMessage = null
  }

  /** Settles at the next snapshot, or after `timeoutMs`, or when the connection is closed. */
  nextSnapshot(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.#snapshotWaiters.delete(done)
        resolve()
      }
      const timer = setTimeout(done, timeoutMs)
      this.#snapshotWaiters.add(done)
    })
  }

  #releaseWaiters(): void {
    for (const done of [...this.#snapshotWaiters]) done()
  }

  /** New red/orange alarms make a sound; listeners see every alarm change. */
  onAlarm(listener: AlarmListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** A park's footprint, unless an older one (a REST answer racing the socket). */
  setFootprint(f: ParkFootprint): void {
    const prev = this.footprints.get(f.park)
    if (!prev || prev.computedAt <= f.computedAt) this.footprints.set(f.park, f)
  }

  applySnapshot(s: Snapshot): void {
    if (Number.isFinite(s.serverTime)) clock.offset = s.serverTime - Date.now()
    this.alarms.batch((m) => replaceAll(m, s.alarms, (a) => a.id))
    this.risk.batch((m) => replaceAll(m, s.risk, (r) => r.park))
    this.incidents.batch((m) => replaceAll(m, s.incidents ?? [], (i) => i.id))
    this.lastMessage = clock.read()
    this.snapshots++
    this.#releaseWaiters()
  }

  upsertAlarm(a: Alarm): void {
    const prev = this.alarms.get(a.id)
    // An older copy (e.g. a REST answer racing the socket) must not overwrite a newer one.
    if (prev !== undefined && prev.updatedAt > a.updatedAt) return
    this.alarms.set(a.id, a)
    this.lastMessage = clock.read()
    for (const l of this.#listeners) l(prev, a)
  }

  /** Alarms fetched over REST (e.g. closed ones for the board's filter). */
  mergeAlarms(list: readonly Alarm[]): void {
    this.alarms.batch((m) => {
      let changed = false
      for (const a of list) {
        const prev = m.get(a.id)
        if (prev === a || (prev !== undefined && prev.updatedAt > a.updatedAt)) continue
        m.set(a.id, a)
        changed = true
      }
      return changed
    })
  }

  upsertIncident(i: unknown): void {
    if (!looksLikeIncident(i)) return
    // An older copy (a REST answer racing the socket's later change) must not overwrite a newer
    // one: an incident's timeline only grows.
    const prev = this.incidents.get(i.id)
    if (prev !== undefined && prev.timeline.length > i.timeline.length) return
    this.incidents.set(i.id, i)
  }

  applyTelemetry(batch: readonly TelemetryUpdate[]): void {
    this.latest.batch((latest) => {
      let changed = false
      for (const u of batch) {
        const values: Record<string, MetricValue> = {}
        for (const [m, v] of Object.entries(u.values)) values[m] = { value: v, ts: u.ts, flag: u.flags?.[m] }
        changed = mergeLatestInto(latest, u.device, values) || changed
      }
      return changed
    })
    this.devices.batch((devices) => {
      let changed = false
      for (const u of batch) {
        const d = devices.get(u.device)
        if (d !== undefined && d.lastSeen !== null && d.lastSeen >= u.ts) continue
        devices.set(u.device, { online: true, lastSeen: u.ts })
        changed = true
      }
      return changed
    })
  }

  /** Merge values per metric, keeping the newer of old and new. */
  mergeLatest(device: string, values: Readonly<Record<string, MetricValue>>): void {
    this.latest.batch((latest) => mergeLatestInto(latest, device, values))
  }

  applyDevice(u: DeviceStateUpdate): void {
    this.applyDevices([u])
  }

  /** A batch of presence changes (the `device` event), one notification for all of them. */
  applyDevices(batch: readonly DeviceStateUpdate[]): void {
    this.devices.batch((devices) => {
      for (const u of batch) devices.set(u.device, { online: u.online, lastSeen: devices.get(u.device)?.lastSeen ?? null })
      return batch.length > 0
    })
  }

  /** Online states from GET /devices (the snapshot does not carry them). */
  seedDevices(list: readonly { id: string; online: boolean; lastSeen: number | null }[]): void {
    this.devices.batch((devices) => {
      for (const d of list) {
        const cur = devices.get(d.id)
        const lastSeen = Math.max(cur?.lastSeen ?? 0, d.lastSeen ?? 0) || null
        devices.set(d.id, { online: d.online, lastSeen })
      }
      return list.length > 0
    })
  }

  #touch(fn: () => void): void {
    fn()
    this.lastMessage = clock.read()
  }

  #setState(state: ConnectionState): void {
    if (state !== 'reconnecting') {
      clearTimeout(this.#offlineTimer)
      this.#offlineTimer = undefined
    }
    if (this.connection !== state) {
      // "Since" counts from the moment the live connection was lost (or regained), so
      // reconnecting → offline does not reset it.
      if (state === 'live' || this.connection === 'live') this.since = clock.read()
      this.connection = state
    }
  }

  #lost(): void {
    if (this.connection === 'offline') return
    if (this.connection === 'live') this.#setState('reconnecting')
    // Started once per outage: repeated retries must not postpone "offline" for ever.
    if (this.#offlineTimer !== undefined) return
    this.#offlineTimer = setTimeout(() => {
      this.#offlineTimer = undefined
      if (this.connection === 'reconnecting') this.#setState('offline')
    }, OFFLINE_AFTER_MS)
  }

  #retryLater(): void {
    clearTimeout(this.#retryTimer)
    this.#retryTimer = setTimeout(() => this.#socket?.connect(), 5_000)
  }
}

/** Replace a map's contents with `list` keyed by `key`; says whether anything was there or came. */
function replaceAll<T>(map: Map<string, T>, list: readonly T[], key: (item: T) => string): boolean {
  const had = map.size > 0
  map.clear()
  for (const item of list) map.set(key(item), item)
  return had || list.length > 0
}

/** Merge one device's values per metric into `latest`, keeping the newer of old and new. */
function mergeLatestInto(latest: Map<string, Readonly<Record<string, MetricValue>>>, device: string, values: Readonly<Record<string, MetricValue>>): boolean {
  const next: Record<string, MetricValue> = { ...latest.get(device) }
  let changed = false
  for (const [m, v] of Object.entries(values)) {
    const old = next[m]
    if (old === undefined || old.ts <= v.ts) {
      next[m] = v
      changed = true
    }
  }
  if (changed) latest.set(device, next)
  return changed
}

export const live = new LiveStore()
