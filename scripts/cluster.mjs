#!/usr/bin/env node
// `npm run cluster`: cluster mode on one machine (docs/cluster.md). Three nats-server processes
// clustered on loopback with JetStream (client ports 4222-4224 when free), one influxd, three hub
// nodes (HTTP 8080-8082, MQTT 1883-1885, HJ 212 9212-9214) all on those NATS servers, and the demo
// simulators with the zone's parks spread over the three MQTT ports. Ctrl-C stops everything.
// Everything lives under data/cluster/ (HUB_CLUSTER_DIR to move it).
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureHubBuild, ensureInfluxd, ensureNatsServer, ensureNpm, newest } from './ensure.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const say = (m) => process.stderr.write(`[cluster] ${m}\n`)
const NODES = 3

ensureNpm()
if (!ensureInfluxd() || !ensureNatsServer()) process.exit(1)
// The TypeScript helpers (nats-servers.ts, influxd-supervisor.ts) run through tsx's loader.
const { register } = await import('tsx/esm/api')
register()
const { startNatsCluster } = await import('../hub/src/cluster/nats-servers.ts')
const { InfluxdSupervisor } = await import('../hub/src/store/influxd-supervisor.ts')
const { parse } = await import('yaml')

const dir = resolve(process.env.HUB_CLUSTER_DIR ?? join(root, 'data', 'cluster'))
mkdirSync(dir, { recursive: true, mode: 0o700 })

let nats
let influxd
const hubs = []
const sims = []
let stopping = false

/** True when nothing listens on the port (loopback and any address alike). */
function portFree(port) {
  return new Promise((res) => {
    const s = createServer()
    s.once('error', () => res(false))
    s.listen(port, '0.0.0.0', () => s.close(() => res(true)))
  })
}

/** `count` consecutive ports from `first`, refusing with the variable to set when one is taken. */
async function fixedPorts(first, what, envName) {
  const base = Number(process.env[envName] || first)
  const ports = Array.from({ length: NODES }, (_, i) => base + i)
  for (const p of ports) {
    if (!(await portFree(p))) {
      say(`port ${p} (${what}) is taken; stop what holds it or set ${envName} to another first port`)
      process.exit(1)
    }
  }
  return ports
}

/** A secret shared by the three nodes, made once and kept in the cluster's directory (0600). */
function sharedSecret(name, bytes) {
  const file = join(dir, name)
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  const v = randomBytes(bytes).toString('base64url')
  writeFileSync(file, `${v}\n`, { mode: 0o600 })
  return v
}

// From here on a Ctrl-C stops whatever has been started so far.
process.on('SIGINT', () => void stopAll(0))
process.on('SIGTERM', () => void stopAll(0))

const dash = join(root, 'dashboard')
const built = join(dash, 'dist', 'index.html')
if (existsSync(join(dash, 'vite.config.ts')) && (!existsSync(built) || statSync(built).mtimeMs < newest(join(dash, 'src')))) {
  say('building the dashboard…')
  const b = spawnSync('npx', ['vite', 'build', '--config', 'dashboard/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' })
  if (b.status !== 0) process.exit(b.status ?? 1)
}
const hubMain = ensureHubBuild()

const httpPorts = await fixedPorts(8080, 'HTTP', 'HUB_CLUSTER_HTTP_PORT')
const mqttPorts = await fixedPorts(1883, 'MQTT', 'HUB_CLUSTER_MQTT_PORT')
const hj212Ports = await fixedPorts(9212, 'HJ 212', 'HUB_CLUSTER_HJ212_PORT')
const natsPorts = []
for (let i = 0; i < NODES; i++) natsPorts.push((await portFree(4222 + i)) ? 4222 + i : undefined)

const quiet = { info() {}, warn(o, m) { say(`influxd: ${m} ${JSON.stringify(o)}`) }, error(o, m) { say(`influxd: ${m} ${JSON.stringify(o)}`) } }

async function stopAll(code = 0) {
  if (stopping) return
  stopping = true
  say('stopping…')
  // The simulators first (their summary reads the hubs' API), then the hubs.
  for (const group of [sims, hubs]) {
    const live = group.filter((c) => c.exitCode === null && c.signalCode === null)
    for (const c of live) c.kill('SIGTERM')
    await Promise.all(live.map((c) => new Promise((r) => c.once('exit', r))))
  }
  await influxd?.stop().catch(() => undefined)
  await nats?.stop().catch(() => undefined)
  process.exit(code)
}

try {
  say('starting three nats-server (JetStream, clustered on loopback)…')
  nats = await startNatsCluster({ dir: join(dir, 'nats'), size: NODES, ports: natsPorts.every((p) => p !== undefined) ? natsPorts : undefined })
  say(`NATS: ${nats.urls}`)
  influxd = new InfluxdSupervisor({ binary: process.env.INFLUXD_PATH ?? 'influxd', dataDir: join(dir, 'influxd'), httpPort: (await portFree(8086)) ? 8086 : 0, log: quiet, ownProcessGroup: true })
  if (!process.env.INFLUX_URL) await influxd.start()
  else influxd = undefined
} catch (err) {
  say(`could not start: ${err.message}`)
  await stopAll(1)
}
const influxUrl = process.env.INFLUX_URL ?? influxd.url
say(`InfluxDB: ${influxUrl}`)

// One admin password and one token secret for the three nodes: a token from one node is good on
// the others (a dashboard behind a load balancer may reach any of them).
const adminPassword = process.env.HUB_ADMIN_PASSWORD ?? sharedSecret('admin-password', 12)
const jwtSecret = process.env.HUB_JWT_SECRET ?? sharedSecret('jwt-secret', 48)

for (let i = 0; i < NODES; i++) {
  const env = {
    ...process.env,
    HUB_NATS_URL: nats.urls,
    HUB_NODE_ID: `hub${i + 1}`,
    HUB_DATA_DIR: join(dir, `hub${i + 1}`),
    HUB_HTTP_PORT: String(httpPorts[i]),
    HUB_MQTT_PORT: String(mqttPorts[i]),
    HUB_HJ212_PORT: String(hj212Ports[i]),
    INFLUX_URL: influxUrl,
    HUB_ADMIN_PASSWORD: adminPassword,
    HUB_JWT_SECRET: jwtSecret,
  }
  // One V8 helper thread, as npm start (scripts/start.mjs): three hubs share this machine's cores.
  // Own process groups (detached): a Ctrl-C reaches this script only, which stops the simulators
  // before the hubs they report to; a second signal would make a simulator leave without its summary.
  const hub = spawn(process.execPath, ['--v8-pool-size=1', hubMain], { cwd: root, stdio: 'inherit', env, detached: true })
  hubs.push(hub)
  hub.on('exit', (code, signal) => {
    if (!stopping) say(`hub${i + 1} exited (${signal ?? code}); the others carry on — restart it with the same environment, or Ctrl-C`)
  })
}

async function health(port, token) {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/api/v1/health`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(2000) })
    return r.ok ? await r.json() : undefined
  } catch {
    return undefined
  }
}

const states = []
for (const port of httpPorts) {
  let h
  for (let t = 0; t < 240 && !h && !stopping; t++) {
    h = await health(port)
    if (!h) await new Promise((r) => setTimeout(r, 500))
  }
  states.push(h)
}
if (states.some((h) => !h)) {
  say('a hub did not answer its health check in 2 minutes')
  await stopAll(1)
}
// The health's details (its cluster section) are for signed-in users; one token serves every node.
let token
try {
  const r = await fetch(`http://127.0.0.1:${httpPorts[0]}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: adminPassword }) })
  token = r.ok ? (await r.json()).token : undefined
} catch {}
const detailed = await Promise.all(httpPorts.map((p) => health(p, token)))
const clustered = detailed.every((h) => h?.cluster !== undefined)
say(clustered
  ? `three hub nodes in cluster mode on NATS: ${detailed.map((h) => `${h.cluster.node} → ${h.cluster.connectedTo} (quorum ${h.cluster.quorum})`).join(', ')}`
  : 'the hubs\' health shows no cluster section (not signed in, or a build without cluster mode); docs/cluster.md says what is built')

// The zone's parks, dealt over the three nodes' MQTT ports (round robin).
const zoneFile = process.env.HUB_CONFIG ?? join(root, 'hub/zones/demo-zone.yaml')
const parks = (parse(readFileSync(zoneFile, 'utf8')).parks ?? []).map((p) => p.id)
const simCli = join(root, 'simulators/src/cli.ts')
for (let i = 0; i < NODES && !process.env.HUB_CONFIG; i++) {
  const mine = parks.filter((_, k) => k % NODES === i)
  if (mine.length === 0) continue
  const sim = spawn(process.execPath, ['--import', 'tsx', simCli, '--scenario', 'demo', '--parks', mine.join(','), '--url', `mqtt://127.0.0.1:${mqttPorts[i]}`, '--api', `http://127.0.0.1:${httpPorts[i]}`, '--hj212', '--hj212-port', String(hj212Ports[i]), '--quiet-progress'], { cwd: root, stdio: 'inherit', detached: true })
  sims.push(sim)
  say(`simulators for ${mine.join(', ')} → hub${i + 1} (mqtt://127.0.0.1:${mqttPorts[i]})`)
}
say(`dashboards: ${httpPorts.map((p) => `http://localhost:${p}/`).join('  ')} (admin / ${process.env.HUB_ADMIN_PASSWORD ? '$HUB_ADMIN_PASSWORD' : `the password in ${join(dir, 'admin-password')}`})`)
say('Ctrl-C stops everything')
