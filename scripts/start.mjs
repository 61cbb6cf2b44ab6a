#!/usr/bin/env node
// `npm start`: the whole system — broker, supervised local InfluxDB, hub, dashboard, the park
// simulators at demo scale and the local notification sink. `npm run hub` (--hub-only): the hub alone.
// The demo runs HJ 212-2017 on: the hub listens for data loggers on HUB_HJ212_PORT (9212 unless
// set) and the simulated CEMS stacks and wastewater outlets speak it (`--hj212`, docs/hj212.md).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureHubBuild, ensureInfluxd, ensureNpm, newest } from './ensure.mjs'
import { demoNotifyEnv } from './demo-notify-env.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const hubOnly = process.argv.includes('--hub-only')
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
const hub = spawn(process.execPath, ['--v8-pool-size=1', ensureHubBuild()], { cwd: root, stdio: 'inherit', env: { ...process.env, ...notify.env, HUB_HJ212_PORT: hj212Port } })
children.push(hub)
hub.on('exit', async (code) => {
  stopAll()
  // The simulators finish their clean stop (offline announced, their summary) before the script leaves.
  await Promise.all(children.filter(running).map((c) => new Promise((resolve) => c.once('exit', resolve))))
  process.exit(code ?? 0)
})

const httpPort = Number(process.env.HUB_HTTP_PORT || 8080)
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
    // Node itself with tsx's loader, not tsx's command: that one relays a Ctrl-C to its child,
    // which the process group has already sent it, and the simulators took the second one as
    // "leave at once" without their clean stop.
    const sim = spawn(process.execPath, ['--import', 'tsx', simCli, '--scenario', 'demo', '--url', `mqtt://127.0.0.1:${mqttPort}`, '--api', `http://127.0.0.1:${httpPort}`, '--hj212', '--hj212-port', hj212Port, '--quiet-progress'], { cwd: root, stdio: 'inherit' })
    children.push(sim)
    process.stderr.write(`[start] simulators running the demo scenario (stacks and outlets over HJ 212 on port ${hj212Port}); dashboard at http://localhost:${httpPort}/\n`)
  }
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
