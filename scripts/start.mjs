#!/usr/bin/env node
// `npm start`: the whole system — broker, supervised local InfluxDB, hub, dashboard, the park
// simulators at demo scale and the local notification sink. `npm run hub` (--hub-only): the hub alone.
// The demo runs HJ 212-2017 on: the hub listens for data loggers on HUB_HJ212_PORT (9212 unless
// set) and the simulated CEMS stacks and wastewater outlets speak it (`--hj212`, docs/hj212.md).
// The demo fills 30 days of meter, stack and outlet history into the hub's InfluxDB beside the
// live run, once (a marker in the data dir; docs/demo.md). The hub's JSON log
// lines are shown through pino-pretty here (HUB_LOG_FORMAT=json shows them as they are).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { ensureHubBuild, ensureInfluxd, ensureNpm, newest } from './ensure.mjs'
import { demoNotifyEnv } from './demo-notify-env.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const hubOnly = process.argv.includes('--hub-only')
const logFormat = process.env.HUB_LOG_FORMAT || 'pretty'
if (logFormat !== 'pretty' && logFormat !== 'json') {
  process.stderr.write(`[start] HUB_LOG_FORMAT must be pretty or json, got ${JSON.stringify(logFormat)}\n`)
  process.exit(2)
}
ensureNpm()
if (!ensureInfluxd()) process.exit(1)

const dash = join(root, 'dashboard')
if (existsSync(join(dash, 'vite.config.ts'))) {
  const built = join(dash, 'dist', 'index.html')
  if (!existsSync(built) || statSync(built).mtimeMs < newest(join(dash, 'src'))) {
    process.stderr.write('[start] building the dashboard…\n')
    const b = spawnSync('npx', ['vite', 'build', '--config', 'dashboard/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' })
    if (b.status !== 0) process.exit(b.status ?? 1)
  }
}

const children = []
// The demo's notification channels take their keys and secrets from the environment variables
// the zone file names (keyEnv / secretEnv): made once, kept in the data dir, given to the hub
// and to the local sink alike, so the sink checks the hub's signatures (docs/notifications.md).
const notify = await demoNotifyEnv(root)
const sinkCli = join(root, 'simulators/src/channels/sink-cli.ts')
if (!hubOnly && notify.sink && existsSync(sinkCli)) {
  const sink = spawn(process.execPath, ['--import', 'tsx', sinkCli], { cwd: root, stdio: 'inherit', env: { ...process.env, ...notify.env } })
  children.push(sink)
  process.stderr.write(`[start] notification sink on ${notify.sink} (the demo's channels post there; docs/notifications.md)\n`)
}
// One V8 helper thread: a major collection's concurrent marking then cannot take both cores of
// a small server from the hub's main thread, which handles every reading and alarm. Event-loop
// stalls in the bench's latency phase: max 100 – 111 ms with the default pool, 56 – 75 ms with
// one helper (docs/performance.md).
const hj212Port = process.env.HUB_HJ212_PORT || '9212'
const hub = spawn(process.execPath, ['--v8-pool-size=1', ensureHubBuild()], { cwd: root, stdio: ['inherit', logFormat === 'pretty' ? 'pipe' : 'inherit', 'inherit'], env: { ...process.env, ...notify.env, HUB_HJ212_PORT: hj212Port } })
children.push(hub)
if (hub.stdout) await prettyLog(hub.stdout)
hub.on('exit', async (code) => {
  stopAll()
  // The simulators finish their clean stop (offline announced, their summary) before the script leaves.
  await Promise.all(children.filter(running).map((c) => new Promise((resolve) => c.once('exit', resolve))))
  process.exit(code ?? 0)
})

const httpPort = Number(process.env.HUB_HTTP_PORT || 8080)
const dataDir = resolve(root, process.env.HUB_DATA_DIR || 'data')
const mqttPort = Number(process.env.HUB_MQTT_PORT || 1883)

async function waitForHub() {
  for (let i = 0; i < 240; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${httpPort}/api/v1/health`)
      if (r.ok) return true
    } catch {}
    await new Promise((r) => setTimeout(r, 500))
  }
  return false
}

const simCli = join(root, 'simulators/src/cli.ts')
if (!hubOnly && existsSync(simCli) && !process.env.HUB_CONFIG) {
  if (await waitForHub()) {
    const influx = hubInflux()
    const history = influx ? ['--history', '30d', '--history-marker', join(dataDir, 'demo-history.json'), '--influx', influx] : []
    if (!influx) process.stderr.write('[start] the hub\'s InfluxDB address is unknown: no history is filled\n')
    // Node itself with tsx's loader, not tsx's command: that one relays a Ctrl-C to its child,
    // which the process group has already sent it, and the simulators took the second one as
    // "leave at once" without their clean stop.
    const sim = spawn(process.execPath, ['--import', 'tsx', simCli, '--scenario', 'demo', '--url', `mqtt://127.0.0.1:${mqttPort}`, '--api', `http://127.0.0.1:${httpPort}`, '--hj212', '--hj212-port', hj212Port, '--quiet-progress', ...history], { cwd: root, stdio: 'inherit' })
    children.push(sim)
    process.stderr.write(`[start] simulators running the demo scenario (stacks and outlets over HJ 212 on port ${hj212Port}); dashboard at http://localhost:${httpPort}/\n`)
  }
}

/**
 * The hub's InfluxDB: INFLUX_URL when set (the simulator reads INFLUX_DB, INFLUX_USERNAME and
 * INFLUX_PASSWORD from the environment too), else the managed influxd's HTTP address from the
 * config file the hub writes at each start (store/influxd-supervisor.ts: `[http]` bind-address
 * on loopback, a free port each time).
 */
function hubInflux() {
  if (process.env.INFLUX_URL) return process.env.INFLUX_URL
  try {
    const conf = readFileSync(join(dataDir, 'influxdb', 'influxdb.conf'), 'utf8')
    const http = conf.slice(conf.indexOf('[http]'))
    const m = /bind-address\s*=\s*"([^"]+)"/.exec(http)
    return conf.includes('[http]') && m ? `http://${m[1]}` : undefined
  } catch {
    return undefined
  }
}

/**
 * The hub's JSON log lines, one a line, as a short human log: time, level, message, its fields.
 * Fastify's two lines per HTTP request at info (the dashboard's and the simulators' polling:
 * about 2 a second) are left out unless the answer is a server error; HUB_LOG_FORMAT=json keeps all.
 */
async function prettyLog(stream) {
  const { prettyFactory } = (await import('pino-pretty')).default
  const pretty = prettyFactory({ colorize: process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,reqId', singleLine: true })
  const request = /^\{"level":30,.*"msg":"(incoming request|request completed)"/
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
    if (request.test(line) && !/"statusCode":5\d\d/.test(line)) return
    process.stdout.write(pretty(line))
  })
}

function running(c) {
  return c.exitCode === null && c.signalCode === null
}
const signalled = new Set()
/** Each child is sent SIGTERM once: a second one tells the simulators to leave at once, without their clean stop. */
function stopAll() {
  for (const c of children.filter((c) => running(c) && !signalled.has(c))) {
    signalled.add(c)
    c.kill('SIGTERM')
  }
}
process.on('SIGINT', stopAll)
process.on('SIGTERM', stopAll)
