/**
 * `npm run bench -- --cluster [--seconds N] [--rate N] [--profile DIR]`: cluster mode on this
 * machine (docs/cluster.md); with `--profile`, each hub writes a CPU profile to DIR when it stops.
 * Three real nats-server processes clustered on loopback, one influxd, hub processes in cluster
 * mode (HUB_NATS_URL) on a generated zone; load from the bench's lean MQTT generators
 * (load-generator.ts). Printed:
 *
 * - QoS 1 throughput and hub CPU per message: one single-node hub, then clusters of 1, 2 and 3
 *   hub nodes, the same offered rate spread over their MQTT ports (nats-server CPU apart), and
 *   each hub's CPU idle before the load; beside them single nodes offered a half and a third of
 *   the rate (what one node of 2 and of 3 carries), and each cluster's ratio to both;
 * - alarm latency, an alarm published to node A → socket.io `alarm` on node B (owner anywhere),
 *   p50 / p99 beside 5,000 and 20,000 msgs/s of QoS 0 readings;
 * - a hub killed with kill -9 under QoS 1 load: acknowledged readings missing from InfluxDB, seconds
 *   until its park raises an alarm on another node, alarm ids per condition across the cluster;
 * - a nats-server killed under QoS 1 load: acknowledged readings missing.
 *
 * Everything shares this machine's cores: three hubs, three nats-servers, influxd and the
 * generators on two cores measure the cost of the cluster, not the capacity of three machines.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import mqtt, { type MqttClient } from 'mqtt'
import { io } from 'socket.io-client'
import { generateZone } from '../../simulators/src/zone/zone-generator.js'
import { startNatsCluster, type NatsCluster } from '../../hub/src/cluster/nats-servers.js'
import { InfluxdSupervisor } from '../../hub/src/store/influxd-supervisor.js'
import { startHubProcess, type HubProcess } from '../support/hub-process.js'
import type { Alarm } from '../../hub/src/model/alarm.js'
import { cpuSeconds } from './hub-proc.js'
import { generate, type Dev } from './cluster-load.js'

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const SECONDS = arg('seconds', 10)
/** How long each hub's idle CPU is measured before the load. */
const IDLE_SECONDS = 5
const RATE = arg('rate', 3000)
const ADMIN = 'bench-admin-password'
const say = (s: string): void => console.log(s)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const pct = (xs: number[], p: number): number => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN)
/** A nats-server's process, found by its store dir (nats-servers.ts starts it with `-sd <dir>`). */
const natsPid = (storeDir: string): number => Number(spawnSync('pgrep', ['-f', '--', `-sd ${storeDir}`]).stdout.toString().trim().split('\n')[0])
/**
 * Three nats-servers; started again on new ports when one lost its port to another process
 * between the choice and the bind (a shared machine), the servers that did start ended first.
 */
async function startNats(dir: string): Promise<NatsCluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startNatsCluster({ dir: join(dir, `try${attempt}`), size: 3 })
    } catch (err) {
      spawnSync('pkill', ['-KILL', '-f', '--', `-sd ${join(dir, `try${attempt}`)}/`])
      if (attempt >= 3 || !/address already in use/.test((err as Error).message)) throw err
    }
  }
}
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined }

async function token(h: HubProcess): Promise<string> {
  const r = await fetch(`${h.http}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN }) })
  return ((await r.json()) as { token: string }).token
}
async function get<T>(h: HubProcess, path: string): Promise<T> {
  const r = await fetch(`${h.http}${path}`, { headers: { authorization: `Bearer ${await token(h)}` }, signal: AbortSignal.timeout(5000) })
  return (await r.json()) as T
}
const ownedBy = async (h: HubProcess): Promise<string[]> => (await get<{ cluster?: { parks?: { owned: string[] } } }>(h, '/api/v1/health')).cluster?.parks?.owned ?? []
async function until<T>(f: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await f().catch(() => undefined)
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`)
    await sleep(200)
  }
}

async function countStored(influxUrl: string, db: string, devices: Dev[], from: number): Promise<Set<string>> {
  const q = `SELECT "lel", "device" FROM "gas" WHERE time >= ${from}ms`
  const r = await fetch(`${influxUrl}/query?${new URLSearchParams({ db, q, epoch: 'ms' })}`)
  const j = (await r.json()) as { results: { series?: { values: [number, number, string][] }[] }[] }
  const ids = new Set(devices.map((d) => d.id))
  return new Set((j.results[0]?.series?.[0]?.values ?? []).filter((v) => ids.has(v[2])).map((v) => `${v[2]}@${v[0]}`))
}

export async function clusterBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'smartpark-bench-cluster-'))
  const { zone, credentials } = generateZone({ devices: 2000, seed: 11 })
  await writeFile(join(dir, 'zone.json'), JSON.stringify(zone))
  const devs = (f: (d: (typeof zone.devices)[number]) => boolean): Dev[] => zone.devices.filter((d) => credentials.devices[d.id] && f(d)).map((d) => ({ id: d.id, secret: credentials.devices[d.id]!, topic: `parks/${d.park}/${d.enterprise}/${d.id}/telemetry`, metric: d.metrics[0]!, park: d.park }))
  const lel = devs((d) => d.metrics[0] === 'lel')
  const co = devs((d) => d.metrics[0] === 'co')
  const load = lel.slice(0, 120)
  const influxd = new InfluxdSupervisor({ binary: process.env.INFLUXD_PATH ?? 'influxd', dataDir: join(dir, 'influxd'), log: quiet, ownProcessGroup: true })
  await influxd.start()
  const hubs: HubProcess[] = []
  let nats: NatsCluster | undefined
  const rows: Record<string, string | number>[] = []
  const figures: Record<string, number> = {}
  let db = ''
  const startHubs = async (n: number, cluster: boolean, db: string): Promise<HubProcess[]> => {
    const started = await Promise.all(Array.from({ length: n }, (_, i) => startHubProcess({
      HUB_CONFIG: join(dir, 'zone.json'), HUB_DATA_DIR: join(dir, `${db}-${i}`), HUB_ADMIN_PASSWORD: ADMIN, INFLUX_URL: influxd.url, INFLUX_DB: db,
      HUB_DEADMAN_INTERVALS: '1000', ...(cluster ? { HUB_NATS_URL: nats!.urls, HUB_NODE_ID: `${db}-${i}` } : {}),
    })))
    hubs.push(...started)
    return started
  }
  const stopHubs = async (): Promise<void> => {
    for (const h of hubs.splice(0)) await h.stop()
  }
  try {
    // Throughput and CPU per message: single node, then 1, 2, 3 cluster nodes. And single nodes
    // offered what one node of 2 and of 3 carries: a node's costs per turn of its loop (a group
    // commit's fsync, a JetStream message per park) spread over the messages of that turn, fewer
    // when a rate is split.
    const phases = [{ n: 0, rate: RATE }, { n: 0, rate: Math.round(RATE / 2) }, { n: 0, rate: Math.round(RATE / 3) }, { n: 1, rate: RATE }, { n: 2, rate: RATE }, { n: 3, rate: RATE }]
    for (const { n, rate } of phases) {
      db = `b${n}_${randomBytes(3).toString('hex')}`
      if (n > 0) {
        nats = await startNats(join(dir, `nats-${n}`))
      }
      const nodes = await startHubs(Math.max(n, 1), n > 0, db)
      if (n > 0) await until(async () => ((await Promise.all(nodes.map(ownedBy))).flat().length >= zone.parks.length ? true : undefined), 30_000, 'every park owned')
      // Each hub's CPU with no load (its leases, feeds, consumers and timers): what each node adds whatever the rate.
      const idle0 = await Promise.all(nodes.map((h) => cpuSeconds(h.child.pid!)))
      await sleep(IDLE_SECONDS * 1000)
      const idleMsPerSec = (await Promise.all(nodes.map((h) => cpuSeconds(h.child.pid!)))).map((c, i) => Math.round(((c - idle0[i]!) * 1000) / IDLE_SECONDS))
      const cpu0 = await Promise.all(nodes.map((h) => cpuSeconds(h.child.pid!)))
      const nats0 = nats ? await Promise.all(nats.servers.map((s) => cpuSeconds(natsPid(s.storeDir)))) : []
      const r = await generate(load, { urls: nodes.map((h) => h.mqttUrl), rate, seconds: SECONDS, qos: 1, tsBase: Date.now() - 3_600_000 })
      const hubCpu = (await Promise.all(nodes.map((h) => cpuSeconds(h.child.pid!)))).reduce((s, c, i) => s + c - cpu0[i]!, 0)
      const natsCpu = nats ? (await Promise.all(nats.servers.map((s) => cpuSeconds(natsPid(s.storeDir))))).reduce((s, c, i) => s + c - nats0[i]!, 0) : 0
      const label = n === 0 ? 'single node' : `cluster, ${n} node${n > 1 ? 's' : ''}`
      const row = { mode: label, offered: rate, acked: r.acked, ackedPerSec: Math.round(r.acked / r.elapsed), hubUsPerMsg: Math.round((hubCpu * 1e6) / Math.max(1, r.acked)), natsUsPerMsg: Math.round((natsCpu * 1e6) / Math.max(1, r.acked)), hubIdleMsPerSec: idleMsPerSec.join(' / ') }
      rows.push(row)
      const perNode = n > 1 ? rows.find((x) => x.mode === 'single node' && x.offered === Math.round(RATE / n)) : undefined
      const ratios = n > 0 ? `; ${(row.hubUsPerMsg / (rows[0]!.hubUsPerMsg as number)).toFixed(2)}× a single node at the same rate${perNode ? `, ${(row.hubUsPerMsg / (perNode.hubUsPerMsg as number)).toFixed(2)}× one offered a node's share (${perNode.offered} msgs/s)` : ''}` : ''
      say(`${label}: QoS 1 ${row.ackedPerSec} msgs/s acknowledged of ${rate} offered; hub CPU ${row.hubUsPerMsg} µs/msg, nats-server ${row.natsUsPerMsg} µs/msg${ratios}; idle before the load ${row.hubIdleMsPerSec} ms of CPU a second a hub`)
      if (n < 3) {
        await stopHubs()
        await nats?.stop()
        nats = undefined
      }
    }
    const us = (mode: string, offered = RATE): number => rows.find((x) => x.mode === mode && x.offered === offered)!.hubUsPerMsg as number
    const single = us('single node')
    figures.cpuRatio1Node = Number((us('cluster, 1 node') / single).toFixed(2))
    figures.cpuRatio2Nodes = Number((us('cluster, 2 nodes') / single).toFixed(2))
    figures.cpuRatio3Nodes = Number((us('cluster, 3 nodes') / single).toFixed(2))
    figures.cpuRatio2NodesPerNodeRate = Number((us('cluster, 2 nodes') / us('single node', Math.round(RATE / 2))).toFixed(2))
    figures.cpuRatio3NodesPerNodeRate = Number((us('cluster, 3 nodes') / us('single node', Math.round(RATE / 3))).toFixed(2))
    const [a, b, c] = hubs as [HubProcess, HubProcess, HubProcess]
    // Alarm latency: published to node A, seen on a socket of node B.
    const tok = await token(b)
    const socket = io(b.http, { auth: { token: tok }, transports: ['websocket'] })
    await new Promise((r) => socket.once('snapshot', r))
    for (const rate of [5000, 20000]) {
      const sent = new Map<string, number>()
      const sentWall = new Map<string, number>()
      const lat: number[] = []
      // Where the time goes (one clock): publish → node A's ingest (the reading is stamped there and
      // the alarm raised at that time), then ingest → the socket on node B (log, owner, relay).
      const toIngest: number[] = []
      const afterIngest: number[] = []
      const onAlarm = (al: Alarm): void => {
        const t = sent.get(al.device)
        if (t !== undefined && al.history.at(-1)?.action === 'raise') {
          lat.push(performance.now() - t)
          toIngest.push(al.raisedAt - sentWall.get(al.device)!)
          afterIngest.push(Date.now() - al.raisedAt)
          sent.delete(al.device)
        }
      }
      socket.on('alarm', onAlarm)
      const probes = co.slice(rate === 5000 ? 0 : 60, rate === 5000 ? 60 : 120)
      const clients = await Promise.all(probes.map((d) => mqtt.connectAsync(a.mqttUrl, { username: d.id, password: d.secret, clientId: `${d.id}-p`, reconnectPeriod: 0 })))
      const gen = generate(lel.slice(120, 360), { urls: [a.mqttUrl, b.mqttUrl, c.mqttUrl], rate, seconds: Math.max(SECONDS, 8), qos: 0, tsBase: Date.now() - 2 * 3_600_000 })
      await sleep(3000)
      for (const [i, d] of probes.entries()) {
        sent.set(d.id, performance.now())
        sentWall.set(d.id, Date.now())
        clients[i]!.publish(d.topic, JSON.stringify({ values: { co: 45 } }), { qos: 0 })
        await sleep(Math.max(20, ((Math.max(SECONDS, 8) - 4) * 1000) / probes.length))
      }
      const g = await gen
      await sleep(1500)
      socket.off('alarm', onAlarm)
      for (const cl of clients) await cl.endAsync()
      lat.sort((x, y) => x - y)
      toIngest.sort((x, y) => x - y)
      afterIngest.sort((x, y) => x - y)
      say(`  publish → ingest on A p50 ${pct(toIngest, 50)} ms, p99 ${pct(toIngest, 99)} ms; ingest → socket on B p50 ${pct(afterIngest, 50)} ms, p99 ${pct(afterIngest, 99)} ms`)
      figures[`latencyP50Ms_${rate}`] = Number(pct(lat, 50).toFixed(1))
      figures[`latencyP99Ms_${rate}`] = Number(pct(lat, 99).toFixed(1))
      say(`alarm latency node A → socket on node B beside ${rate} msgs/s offered (${Math.round(g.sent / g.elapsed)} sent/s): ${lat.length} of ${probes.length} probes, p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms, max ${(lat.at(-1) ?? NaN).toFixed(1)} ms; load ${loadavg()[0]!.toFixed(1)}`)
    }
    socket.close()
    await failures(hubs, nats!, influxd.url, db, lel, co, figures)
    say(JSON.stringify({ rows, figures }))
  } finally {
    for (const h of hubs) await h.kill9().catch(() => undefined)
    await nats?.stop().catch(() => undefined)
    await influxd.stop().catch(() => undefined)
    await rm(dir, { recursive: true, force: true })
  }
}

/** kill -9 of a park's owner, then of a nats-server, under QoS 1 load (mqtt.js, every acknowledgement's timestamp kept). */
async function failures(hubs: HubProcess[], nats: NatsCluster, influxUrl: string, db: string, lel: Dev[], co: Dev[], figures: Record<string, number>): Promise<void> {
  const probe = co[130]!
  const owners = await Promise.all(hubs.map(ownedBy))
  const owner = hubs[owners.findIndex((o) => o.includes(probe.park))]!
  const alive = hubs.filter((h) => h !== owner)
  // Devices of the throughput phases (idle now), half of them connected to the node killed.
  const loadDevs = lel.slice(0, 4)
  const acked: string[] = []
  let stop = false
  const from = Date.now() - 1_800_000
  const senders = await Promise.all(loadDevs.map(async (d, k) => {
    const cl = await mqtt.connectAsync((k % 2 === 0 ? owner : alive[0]!).mqttUrl, { username: d.id, password: d.secret, clientId: `${d.id}-k`, reconnectPeriod: 0 })
    cl.on('error', () => undefined)
    return { cl, done: (async () => {
      for (let i = 0; !stop && cl.connected; i++) {
        const ts = from + i * 4 + k
        cl.publish(d.topic, JSON.stringify({ ts, values: { lel: 1 } }), { qos: 1 }, (err) => void (err ? undefined : acked.push(`${d.id}@${ts}`)))
        await sleep(3)
      }
    })() }
  }))
  await sleep(3000)
  const killedAt = Date.now()
  await owner.kill9()
  const cl = await mqtt.connectAsync(alive[1]!.mqttUrl, { username: probe.id, password: probe.secret, clientId: `${probe.id}-k`, reconnectPeriod: 0 })
  await cl.publishAsync(probe.topic, JSON.stringify({ values: { co: 45 } }), { qos: 1 })
  await until(async () => {
    for (const h of alive) if ((await get<{ alarms: Alarm[] }>(h, `/api/v1/alarms?device=${probe.id}`)).alarms.length > 0) return true
    return undefined
  }, 60_000, 'the probe alarm after the kill')
  figures.failoverSec = Number(((Date.now() - killedAt) / 1000).toFixed(1))
  await sleep(3000)
  // A nats-server killed under the same load (still going on the surviving node's connections).
  await nats.servers[0]!.kill9()
  await sleep(5000)
  stop = true
  await Promise.all(senders.map((s) => s.done))
  const ids = new Set((await Promise.all(alive.map((h) => get<{ alarms: Alarm[] }>(h, `/api/v1/alarms?state=all&device=${probe.id}`)))).flatMap((r) => r.alarms.map((a) => a.id)))
  figures.failoverAlarmIds = ids.size
  const stored = await until(async () => {
    const s = await countStored(influxUrl, db, loadDevs, from)
    return acked.every((x) => s.has(x)) ? s : undefined
  }, 60_000, 'acknowledged readings in InfluxDB').catch(() => countStored(influxUrl, db, loadDevs, from))
  figures.failoverAcked = acked.length
  figures.failoverLost = acked.filter((x) => !stored.has(x)).length
  say(`kill -9 of ${probe.park}'s owner under QoS 1 load, then of a nats-server: acknowledged ${acked.length}, missing from InfluxDB ${figures.failoverLost}; park evaluated on another node ${figures.failoverSec} s after the kill; alarm ids for the probe's condition across the cluster ${ids.size}`)
  for (const s of senders) s.cl.end(true)
  cl.end(true)
}
