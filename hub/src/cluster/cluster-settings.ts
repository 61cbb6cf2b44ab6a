import { accessSync, constants } from 'node:fs'
import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import { influxUrlSetting, int, SettingsError, str } from '../config/env-values.js'

/**
 * Cluster mode's settings (docs/cluster.md), read only when HUB_NATS_URL is set: without it the
 * hub runs single-node as before and nothing here is looked at. A bad value stops start-up with
 * a message naming the variable, like every other setting.
 */
export interface ClusterSettings {
  /** NATS client URLs (nats:// or tls://), every server of the NATS cluster or some of them. */
  servers: string[]
  /** How this node proves who it is to NATS; at most one kind. */
  auth: NatsAuth | undefined
  /** Replicas of the streams and buckets: 3 in a 3-server NATS cluster (a quorum survives one loss). */
  replicas: number
  /** This hub node's name: subject-safe, stable across restarts (the readings log's dedup ids carry it). */
  nodeId: string
  /** A park lease's time (s): a node not renewing for this long loses its parks. */
  leaseSec: number
  /** How long the READINGS stream keeps a message (hours). */
  readingsMaxAgeH: number
  /** The InfluxDB pullers' ack wait (s): what a node took and did not ack (it died) goes to another node after this long. */
  influxAckWaitSec: number
  /** A second, independent InfluxDB that gets the same readings (InfluxDB OSS has no clustering). */
  influx2Url: string | undefined
}

export type NatsAuth =
  | { kind: 'creds'; file: string }
  | { kind: 'nkey'; seedFile: string }
  | { kind: 'user'; user: string; password: string }
  | { kind: 'token'; token: string }

type Env = Record<string, string | undefined>

function readableFile(env: Env, name: string): string | undefined {
  const raw = str(env, name)
  if (raw === undefined) return undefined
  const path = resolve(raw)
  try {
    accessSync(path, constants.R_OK)
  } catch {
    throw new SettingsError(name, `cannot read ${path}`)
  }
  return path
}

/** `nats://host:port` or `tls://host:port`, comma separated. */
export function parseNatsUrls(raw: string, name = 'HUB_NATS_URL'): string[] {
  const list = raw.split(',').map((s) => s.trim()).filter((s) => s !== '')
  if (list.length === 0) throw new SettingsError(name, 'expected one or more nats:// URLs separated by commas')
  for (const u of list) {
    let url: URL
    try {
      url = new URL(u)
    } catch {
      throw new SettingsError(name, `not a URL: ${JSON.stringify(u)}`)
    }
    if (url.protocol !== 'nats:' && url.protocol !== 'tls:') throw new SettingsError(name, `expected nats:// or tls:// URLs, got ${JSON.stringify(u)}`)
    if (url.hostname === '') throw new SettingsError(name, `no host in ${JSON.stringify(u)}`)
    if (url.username || url.password) throw new SettingsError(name, 'put credentials in HUB_NATS_USER/HUB_NATS_PASSWORD, HUB_NATS_TOKEN, HUB_NATS_CREDS or HUB_NATS_NKEY, not in the URL (it is shown in health)')
  }
  return list
}

function natsAuth(env: Env): NatsAuth | undefined {
  const creds = readableFile(env, 'HUB_NATS_CREDS')
  const nkey = readableFile(env, 'HUB_NATS_NKEY')
  const user = str(env, 'HUB_NATS_USER')
  const password = str(env, 'HUB_NATS_PASSWORD')
  const token = str(env, 'HUB_NATS_TOKEN')
  if ((user === undefined) !== (password === undefined)) throw new SettingsError(user ? 'HUB_NATS_PASSWORD' : 'HUB_NATS_USER', 'a NATS user needs both HUB_NATS_USER and HUB_NATS_PASSWORD')
  const kinds: NatsAuth[] = []
  if (creds) kinds.push({ kind: 'creds', file: creds })
  if (nkey) kinds.push({ kind: 'nkey', seedFile: nkey })
  if (user && password) kinds.push({ kind: 'user', user, password })
  if (token) kinds.push({ kind: 'token', token })
  if (kinds.length > 1) throw new SettingsError('HUB_NATS_CREDS', `set one way to sign in to NATS, not several (${kinds.map((k) => k.kind).join(', ')})`)
  return kinds[0]
}

/** Subject-safe: NATS tokens and KV keys take letters, digits, `_` and `-` everywhere. */
function safeNodeId(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64)
}

/**
 * The cluster settings, or undefined without HUB_NATS_URL (single-node mode). `httpPort` makes the
 * default node id (`<hostname>-<port>`); with port 0 (tests) the id gets the process id and a random
 * part instead, since several hubs in one process would otherwise share it.
 */
export function loadClusterSettings(env: Env, httpPort: number): ClusterSettings | undefined {
  const raw = str(env, 'HUB_NATS_URL')
  if (raw === undefined) {
    for (const name of ['HUB_NATS_CREDS', 'HUB_NATS_NKEY', 'HUB_NATS_USER', 'HUB_NATS_TOKEN', 'HUB_NATS_REPLICAS', 'HUB_NODE_ID', 'HUB_INFLUX2_URL', 'HUB_INFLUX_ACK_WAIT_SEC']) {
      if (str(env, name) !== undefined) throw new SettingsError(name, 'is a cluster setting: it needs HUB_NATS_URL (the NATS servers)')
    }
    return undefined
  }
  const servers = parseNatsUrls(raw)
  const nodeRaw = str(env, 'HUB_NODE_ID')
  if (nodeRaw !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(nodeRaw)) throw new SettingsError('HUB_NODE_ID', `expected 1–64 letters, digits, _ or -, got ${JSON.stringify(nodeRaw)}`)
  const nodeId = nodeRaw ?? safeNodeId(httpPort === 0 ? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}` : `${hostname()}-${httpPort}`)
  const influx2 = influxUrlSetting(env, 'HUB_INFLUX2_URL')
  return {
    servers,
    auth: natsAuth(env),
    // One replica per server up to three: a JetStream quorum needs a majority, and three is what
    // survives the loss of any one server; more replicas only cost writes.
    replicas: int(env, 'HUB_NATS_REPLICAS', servers.length >= 3 ? 3 : 1, 1, 5),
    nodeId,
    leaseSec: int(env, 'HUB_LEASE_SEC', 5, 2, 600),
    readingsMaxAgeH: int(env, 'HUB_READINGS_MAX_AGE_H', 7 * 24, 1, 10 * 365 * 24),
    influxAckWaitSec: int(env, 'HUB_INFLUX_ACK_WAIT_SEC', 30, 1, 3600),
    influx2Url: influx2,
  }
}
