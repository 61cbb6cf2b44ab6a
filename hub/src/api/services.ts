import type { DataFlag } from '../model/vocabulary.js'
import type { Zone } from '../model/zone.js'
import type { DeviceRegistry } from '../registry/device-registry.js'
import type { UserDirectory } from '../config/users.js'
import type { LatestCache } from '../store/latest-cache.js'
import type { SeriesQuery } from '../store/queries.js'
import type { AuditLog } from './audit.js'
import type { GcPauses } from '../broker/gc-pauses.js'
import type { ConnectionStats } from '../net/connection-gate.js'
import type { PacingStats } from '../broker/connect-pacing.js'
import type { ClusterHealth } from '../cluster/cluster-node.js'
import type { LoginLimiter, LoginLimiterStats } from './login-limiter.js'
import type { LiveStats } from '../live/live-server.js'
import type { Hj212Stats } from '../hj212/counters.js'
import type { NotifyHealth } from '../notify/service.js'

/** What the API needs of the hub, as small interfaces (ARCHITECTURE.md: services through interfaces). */
export interface HealthReport {
  status: 'ok' | 'degraded'
  uptimeSec: number
  broker: { clients: number; mqttPort: number | undefined; sessions?: { storedSessions: number; qos2InFlight: number; queued: number; refused: Record<string, number> } }
  influx: { url: string; managed: boolean; reachable: boolean; restarts: number; writeErrors: number; lastError: string }
  ingest: { messages: number; accepted: number; rejected: number; rejectsByReason: Record<string, number> }
  /** heldBack: writes to InfluxDB slowed while ingest is saturated; the journal holds the rest. */
  store: { queueDepth: number; pointsWritten: number; batchesWritten: number; heldBack: boolean }
  journal: { backlog: number; bytes: number; usage: number; replayed: number; slowestWriteMs: number }
  devices: { total: number; online: number }
  process: { rssMb: number; heapUsedMb: number; heapTotalMb: number; heldPublishes: number; waitingBytes: number; pausedConnections: number; eventLoopDelayMs: { p50: number; p99: number; p999?: number; max: number }; gc?: GcPauses }
  /** Connections open, caps in force and refusals by reason (net/connection-gate.ts); MQTT connects waiting for their start (broker/connect-pacing.ts). */
  connections?: ConnectionStats & { pacing?: PacingStats }
  /** Sign-ins admitted, refused and failed (login-limiter.ts); sockets and their refused events and drops (live-server.ts). */
  identity?: { login: LoginLimiterStats; live: LiveStats }
  /** The HJ 212 listener, when on: connections, packets, accepted, rejects by reason, unknown codes, per logger (hj212/counters.ts). */
  hj212?: Hj212Stats
  /** Notifications, when the zone file has a notify section: escalations running, decisions, floods, and per channel sent, failed, retried, resent, backlog, latency (notify/service.ts). */
  notify?: NotifyHealth
  /** Cluster mode only (HUB_NATS_URL): this node, its NATS server, JetStream's quorum, the readings log's publishes and outbox (cluster/cluster-node.ts). */
  cluster?: ClusterHealth
}

export interface ApiServices {
  zone: Zone
  registry: DeviceRegistry
  users: UserDirectory
  latest: LatestCache
  audit: AuditLog
  /** Sign-in limiting (login-limiter.ts); one with the defaults when absent. */
  loginLimiter?: LoginLimiter
  series(q: SeriesQuery): Promise<[number, number | null][]>
  /** HUB_MAX_POINTS_PER_RESPONSE (series-bounds.ts); 20,000 when absent. */
  maxPointsPerResponse?: number
  health(): Promise<HealthReport>
  metricsText(): Promise<string>
  /** The rules' view of a device's data: metrics whose latest live flag is a fault or out of service, and its late readings (history). */
  deviceQuality?(id: string): DeviceQuality
}

/** A device's data quality as `GET /devices/:id/latest` shows it. */
export interface DeviceQuality {
  flags: Readonly<Record<string, DataFlag>> | undefined
  late: { count: number; lastTs: number; receivedAt: number } | undefined
}
