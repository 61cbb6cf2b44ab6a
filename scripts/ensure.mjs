#!/usr/bin/env node
// Installs what the project needs on a fresh Debian machine, and says so when it can't:
//   --npm        npm packages (npm ci on a fresh clone)
//   --influxd    Debian's influxdb (influxd), unless INFLUX_URL points at a running one
//   --mosquitto  Debian's mosquitto-clients (mosquitto_pub, the third-party client in tests)
//   --chromium   Debian's chromium (end-to-end tests)
//   --nats       Debian's nats-server (cluster mode: npm run cluster, the cluster tests)
//   --hub        the hub compiled to dist/ (tsc), when a source is newer than the build
// Plain Node, no dependencies: it runs before node_modules exists.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const want = new Set(process.argv.slice(2))
const say = (m) => process.stderr.write(`[setup] ${m}\n`)

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0
}

function run(cmd, args, opts = {}) {
  say(`${cmd} ${args.join(' ')}`)
  execFileSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts })
}

export function ensureNpm() {
  const lock = join(root, 'package-lock.json')
  const installed = join(root, 'node_modules', '.package-lock.json')
  if (existsSync(installed) && (!existsSync(lock) || statSync(installed).mtimeMs >= statSync(lock).mtimeMs)) return
  run('npm', [existsSync(installed) ? 'install' : 'ci', '--no-audit', '--no-fund', '--loglevel=error'])
}

/** Newest modification time of any file under `dir`. */
export function newest(dir) {
  let t = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs)
  }
  return t
}

/** The hub runs compiled (`node dist/hub/src/main.js`): less memory and no transpiling at run time. */
export function ensureHubBuild() {
  const main = join(root, 'dist', 'hub', 'src', 'main.js')
  if (existsSync(main) && statSync(main).mtimeMs >= newest(join(root, 'hub', 'src'))) return main
  say('compiling the hub (tsc -p tsconfig.hub.json)…')
  run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.hub.json'])
  return main
}

let aptUpdated = false
function apt(pkg, binary, why) {
  if (has(binary)) return true
  const root = typeof process.getuid === 'function' && process.getuid() === 0
  if (!root || !has('apt-get')) {
    say(`${binary} is missing: install Debian's ${pkg} package (sudo apt-get install ${pkg}) — ${why}`)
    return false
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  if (!aptUpdated) {
    run('apt-get', ['update', '-qq'], { env })
    aptUpdated = true
  }
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { env })
  return has(binary)
}

export function ensureInfluxd() {
  if (process.env.INFLUX_URL) return true
  const ok = apt('influxdb', 'influxd', 'or run InfluxDB 1.8 elsewhere (docker compose up influxdb) and set INFLUX_URL=http://localhost:8086')
  if (!ok) process.exitCode = 1
  return ok
}

export function ensureMosquittoClients() {
  return apt('mosquitto-clients', 'mosquitto_pub', 'the third-party MQTT client the tests use')
}

export function ensureChromium() {
  const ok = apt('chromium', 'chromium', 'the browser of the end-to-end tests')
  // Chinese glyphs for the dashboard's screenshots.
  if (ok && !existsSync('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc')) aptInstall('fonts-noto-cjk')
  return ok
}

export function ensureNatsServer() {
  if (process.env.NATS_SERVER_PATH) return true
  return apt('nats-server', 'nats-server', 'cluster mode runs on NATS with JetStream (npm run cluster, the cluster tests)')
}

function aptInstall(pkg) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0
  if (!root || !has('apt-get')) return false
  if (!aptUpdated) {
    run('apt-get', ['update', '-qq'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
    aptUpdated = true
  }
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  return true
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (want.has('--npm')) ensureNpm()
  if (want.has('--influxd') && !ensureInfluxd()) process.exit(1)
  if (want.has('--mosquitto')) ensureMosquittoClients()
  if (want.has('--chromium')) ensureChromium()
  if (want.has('--nats')) ensureNatsServer()
  if (want.has('--hub')) ensureHubBuild()
}
