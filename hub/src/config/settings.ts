import { join, resolve } from 'node:path'
import { isIP } from 'node:net'
import { ROOT } from '../paths.js'
import { CidrList } from '../net/cidr.js'
import { influxUrlSetting, int, SettingsError, str, type Env } from './env-values.js'
export { influxUrlSetting, int, SettingsError, str }
import { loadClusterSettings, type ClusterSettings } from '../cluster/cluster-settings.js'

/**
 * Settings from the environment (CONTRACT.md, "Processes, ports, settings"), validated once
 * at boot. A bad setting stops start-up with a message that names it.
 */
export interface Settings {
  host: string
  httpPort: number
  mqttPort: number
  /** mqtts on this port when TLS files are given. */
  mqttTlsPort: number
  tls: { key: string; cert: string; ca: string | undefined; requestCert: boolean } | undefined
  influx: { url: string | undefined; db: string; username: string | undefined; password: string | undefined }
  /** Path of the influxd binary when the hub manages a local InfluxDB. */
  influxdPath: string
  configFile: string
  dataDir: string
  adminPassword: string | undefined
  jwtSecret: string | undefined
  jwtTtlSec: number
  logLevel: string
  /** Largest telemetry payload accepted (CONTRACT.md: 64 KiB). */
  maxPayloadBytes: number
  /** Largest batch array accepted (CONTRACT.md: 1000). */
  maxBatch: number
  /** Points per InfluxDB write (flush on size). */
  writeBatchPoints: number
  /** Flush interval when a batch does not fill (ms). */
  writeFlushMs: number
  /** Device offline after this many missed intervals (deadman). */
  deadmanIntervals: number
  /** Readings older than this many seconds are history: stored, never a live alarm (rules/live-window.ts). */
  liveWindowSec: number
  /** Largest size of the durable journal on disk. */
  journalMaxBytes: number
  /** Connections open at once, HTTP (WebSocket included) and MQTT (TCP, TLS) together; 0 (default): the open-file limit less `fdReserve`, and never more than that (net/descriptors.ts). */
  maxConnections: number
  /** Connections open at once from one client address (0: no cap); exempt networks have none. */
  maxConnectionsPerAddress: number
  /** CIDRs without a per-address cap (a NAT, a reverse proxy on the same machine). */
  connectionExemptNetworks: CidrList
  /** CIDRs of TCP balancers that send the PROXY protocol (v1 or v2); their connections must start with it. */
  proxyProtocolFrom: CidrList
  /** Listeners that expect the PROXY protocol from those balancers. */
  proxyProtocolListeners: ('http' | 'mqtt' | 'mqtts' | 'hj212')[]
  /** Descriptors kept free under RLIMIT_NOFILE for the journal, state logs and InfluxDB. */
  fdReserve: number
  /** HTTP: whole request received within (ms); headers within; idle keep-alive kept; any socket idle this long is closed. */
  httpRequestTimeoutMs: number
  httpHeadersTimeoutMs: number
  httpKeepAliveTimeoutMs: number
  httpIdleTimeoutMs: number
  /** Publishes a second per MQTT connection (0: no limit). */
  clientMaxRate: number
  /** Bytes of one connection handed to the broker at a time (bounds its publishes in flight). */
  clientInflightBytes: number
  /** Broker session caps (broker/session-book.ts, docs/security.md): QoS 2 awaiting PUBREL, stored sessions, queued messages; per device or session, and in all. */
  mqttSessions: { qos2PerDevice: number; qos2Total: number; sessionsPerDevice: number; sessionsTotal: number; queuePerSession: number; queueTotal: number }
  /** How far V8's old generation may grow past what survived a full collection (percent). */
  heapGrowingPercent: number
  /** Most points one series reply may hold (buckets × series); past it a fine `every` is refused with 400. */
  maxPointsPerResponse: number
  /** Peers whose X-Forwarded-For is believed (addresses or CIDRs); none: the TCP peer is the client. */
  trustedProxies: string[]
  /** Sign-in limiting (api/login-limiter.ts, docs/security.md). */
  login: { windowSec: number; maxPerAccountAddress: number; maxPerAddress: number; accountSlowdownAfter: number; accountSlowdownMs: number; maxKeys: number }
  /** socket.io client events per second per socket (token bucket), its burst, and refusals before the socket is dropped. */
  live: { eventRate: number; eventBurst: number; floodDisconnectAfter: number }
  /**
   * The HJ 212-2017 listener (docs/hj212.md): `port` from HUB_HJ212_PORT, off (undefined) unless
   * set; a logger connection idle `idleSec` is closed (HUB_HJ212_IDLE_SEC, default 600), and one
   * sending `floodBytes` of garbage in a row (HUB_HJ212_FLOOD_BYTES, default 64 KiB).
   */
  hj212: { port: number | undefined; idleSec: number; floodBytes: number }
  /** Cluster mode (cluster/cluster-settings.ts, docs/cluster.md): set by HUB_NATS_URL; undefined runs single-node. */
  cluster: ClusterSettings | undefined
}

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new SettingsError(name, `expected a port number 0–65535, got ${JSON.stringify(raw)}`)
  return n
}



/** A comma-separated list of IPv4/IPv6 addresses or CIDRs (`10.0.0.0/8`, `::1`). */
function cidrList(env: Env, name: string): string[] {
  const raw = str(env, name)
  if (raw === undefined) return []
  return raw.split(',').map((x) => x.trim()).filter((x) => x !== '').map((x) => {
    const [addr = '', prefix, extra] = x.split('/')
    const family = isIP(addr)
    const bits = family === 4 ? 32 : 128
    if (family === 0 || extra !== undefined || (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits))) throw new SettingsError(name, `expected IP addresses or CIDRs separated by commas, got ${JSON.stringify(x)}`)
    return x
  })
}

function cidrs(env: Env, name: string, fallback: string): CidrList {
  try {
    return CidrList.parse(env[name] ?? fallback)
  } catch (err) {
    throw new SettingsError(name, `expected comma-separated CIDRs such as 10.0.0.0/8,::1/128: ${(err as Error).message}`)
  }
}

const LISTENERS = ['http', 'mqtt', 'mqtts', 'hj212'] as const
function listeners(env: Env, name: string): (typeof LISTENERS)[number][] {
  const list = (str(env, name) ?? LISTENERS.join(',')).split(',').map((s) => s.trim()).filter((s) => s !== '')
  for (const l of list) if (!(LISTENERS as readonly string[]).includes(l)) throw new SettingsError(name, `expected some of ${LISTENERS.join(', ')}, got ${JSON.stringify(l)}`)
  return list as (typeof LISTENERS)[number][]
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']


export const DEFAULT_ZONE_FILE = join(ROOT, 'hub/zones/demo-zone.yaml')

export function loadSettings(env: Env = process.env): Settings {
  const influxUrl = influxUrlSetting(env, 'INFLUX_URL')
  const db = str(env, 'INFLUX_DB') ?? 'smartpark'
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(db)) throw new SettingsError('INFLUX_DB', `expected letters, digits, _ or -, got ${JSON.stringify(db)}`)
  const key = str(env, 'HUB_TLS_KEY')
  const cert = str(env, 'HUB_TLS_CERT')
  if ((key === undefined) !== (cert === undefined)) throw new SettingsError(key ? 'HUB_TLS_CERT' : 'HUB_TLS_KEY', 'TLS needs both HUB_TLS_KEY and HUB_TLS_CERT')
  if (env.HUB_TLS_CLIENT_CERTS === 'true' && !str(env, 'HUB_TLS_CA')) throw new SettingsError('HUB_TLS_CA', 'client certificates (HUB_TLS_CLIENT_CERTS=true) need the CA that signs them in HUB_TLS_CA')
  const logLevel = str(env, 'HUB_LOG_LEVEL') ?? 'info'
  if (!LOG_LEVELS.includes(logLevel)) throw new SettingsError('HUB_LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}`)
  const jwtSecret = str(env, 'HUB_JWT_SECRET')
  if (jwtSecret !== undefined && jwtSecret.length < 32) throw new SettingsError('HUB_JWT_SECRET', 'must be at least 32 characters')
  return {
    host: str(env, 'HUB_HOST') ?? '0.0.0.0',
    httpPort: port(env, 'HUB_HTTP_PORT', 8080),
    mqttPort: port(env, 'HUB_MQTT_PORT', 1883),
    mqttTlsPort: port(env, 'HUB_MQTTS_PORT', 8883),
    hj212: {
      port: str(env, 'HUB_HJ212_PORT') === undefined ? undefined : port(env, 'HUB_HJ212_PORT', 0),
      idleSec: int(env, 'HUB_HJ212_IDLE_SEC', 600, 5, 86_400),
      floodBytes: int(env, 'HUB_HJ212_FLOOD_BYTES', 65_536, 1024, 16 * 1024 * 1024),
    },
    tls: key && cert ? { key, cert, ca: str(env, 'HUB_TLS_CA'), requestCert: env.HUB_TLS_CLIENT_CERTS === 'true' } : undefined,
    influx: { url: influxUrl, db, username: str(env, 'INFLUX_USERNAME'), password: str(env, 'INFLUX_PASSWORD') },
    influxdPath: str(env, 'INFLUXD_PATH') ?? 'influxd',
    configFile: resolve(str(env, 'HUB_CONFIG') ?? DEFAULT_ZONE_FILE),
    dataDir: resolve(str(env, 'HUB_DATA_DIR') ?? './data'),
    adminPassword: str(env, 'HUB_ADMIN_PASSWORD'),
    jwtSecret,
    jwtTtlSec: int(env, 'HUB_JWT_TTL', 12 * 3600, 60, 30 * 86400),
    logLevel,
    maxPayloadBytes: int(env, 'HUB_MAX_PAYLOAD', 64 * 1024, 1024, 16 * 1024 * 1024),
    maxBatch: int(env, 'HUB_MAX_BATCH', 1000, 1, 100_000),
    writeBatchPoints: int(env, 'HUB_WRITE_BATCH', 5000, 1, 100_000),
    writeFlushMs: int(env, 'HUB_WRITE_FLUSH_MS', 200, 1, 60_000),
    deadmanIntervals: int(env, 'HUB_DEADMAN_INTERVALS', 3, 1, 1000),
    liveWindowSec: int(env, 'HUB_LIVE_WINDOW_SEC', 600, 10, 7 * 86400),
    clientMaxRate: int(env, 'HUB_CLIENT_MAX_RATE', 5000, 0, 1_000_000),
    clientInflightBytes: int(env, 'HUB_CLIENT_INFLIGHT_BYTES', 16 * 1024, 1024, 16 * 1024 * 1024),
    mqttSessions: {
      qos2PerDevice: int(env, 'HUB_MQTT_QOS2_INFLIGHT_PER_DEVICE', 100, 1, 65_535),
      qos2Total: int(env, 'HUB_MQTT_QOS2_INFLIGHT_TOTAL', 10_000, 1, 10_000_000),
      sessionsPerDevice: int(env, 'HUB_MQTT_SESSIONS_PER_DEVICE', 4, 1, 1000),
      sessionsTotal: int(env, 'HUB_MQTT_SESSIONS_TOTAL', 20_000, 1, 10_000_000),
      queuePerSession: int(env, 'HUB_MQTT_QUEUE_PER_SESSION', 100, 1, 100_000),
      queueTotal: int(env, 'HUB_MQTT_QUEUE_TOTAL', 100_000, 1, 100_000_000),
    },
    heapGrowingPercent: int(env, 'HUB_HEAP_GROWING_PERCENT', 50, 10, 400),
    trustedProxies: cidrList(env, 'HUB_TRUSTED_PROXIES'),
    login: {
      windowSec: int(env, 'HUB_LOGIN_WINDOW_SEC', 300, 10, 86_400),
      maxPerAccountAddress: int(env, 'HUB_LOGIN_MAX_PER_ACCOUNT_ADDRESS', 10, 1, 1000),
      maxPerAddress: int(env, 'HUB_LOGIN_MAX_PER_ADDRESS', 50, 1, 100_000),
      accountSlowdownAfter: int(env, 'HUB_LOGIN_ACCOUNT_SLOWDOWN_AFTER', 100, 1, 100_000),
      accountSlowdownMs: int(env, 'HUB_LOGIN_ACCOUNT_SLOWDOWN_MS', 2000, 10, 600_000),
      maxKeys: int(env, 'HUB_LOGIN_MAX_KEYS', 50_000, 100, 10_000_000),
    },
    live: {
      eventRate: int(env, 'HUB_LIVE_EVENT_RATE', 5, 1, 10_000),
      eventBurst: int(env, 'HUB_LIVE_EVENT_BURST', 20, 1, 100_000),
      floodDisconnectAfter: int(env, 'HUB_LIVE_FLOOD_DISCONNECT', 50, 1, 1_000_000),
    },
    maxPointsPerResponse: int(env, 'HUB_MAX_POINTS_PER_RESPONSE', 20_000, 100, 1_000_000),
    maxConnections: int(env, 'HUB_MAX_CONNECTIONS', 0, 0, 1_000_000),
    maxConnectionsPerAddress: int(env, 'HUB_MAX_CONNECTIONS_PER_ADDRESS', 2000, 0, 1_000_000),
    connectionExemptNetworks: cidrs(env, 'HUB_CONNECTION_EXEMPT_NETWORKS', '127.0.0.0/8,::1/128'),
    proxyProtocolFrom: cidrs(env, 'HUB_PROXY_PROTOCOL_FROM', ''),
    proxyProtocolListeners: listeners(env, 'HUB_PROXY_PROTOCOL_LISTENERS'),
    fdReserve: int(env, 'HUB_FD_RESERVE', 512, 64, 1_000_000),
    httpRequestTimeoutMs: int(env, 'HUB_HTTP_REQUEST_TIMEOUT_MS', 30_000, 1000, 3_600_000),
    httpHeadersTimeoutMs: int(env, 'HUB_HTTP_HEADERS_TIMEOUT_MS', 10_000, 500, 600_000),
    httpKeepAliveTimeoutMs: int(env, 'HUB_HTTP_KEEP_ALIVE_TIMEOUT_MS', 10_000, 1000, 600_000),
    httpIdleTimeoutMs: int(env, 'HUB_HTTP_IDLE_TIMEOUT_MS', 60_000, 1000, 3_600_000),
    journalMaxBytes: int(env, 'HUB_JOURNAL_MAX_MB', 2048, 16, 1024 * 1024) * 1024 * 1024,
    cluster: loadClusterSettings(env, port(env, 'HUB_HTTP_PORT', 8080)),
  }
}
