import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { ROOT } from './paths.js'
import { loadSettings, SettingsError } from './config/settings.js'
import { loadZoneFile, ZoneFileError } from './config/zone-file.js'
import { startHub, type Hub } from './app.js'

/** The process: read settings, start the hub, close it gracefully on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  // HUB_LOG_FORMAT: the hub writes JSON lines, one object a line (journald, log shippers); `npm
  // start` shows them through pino-pretty in its own process (scripts/start.mjs, docs/demo.md).
  const logFormat = process.env.HUB_LOG_FORMAT
  if (logFormat !== undefined && logFormat !== '' && logFormat !== 'json' && logFormat !== 'pretty') {
    process.stderr.write(`smartpark hub: HUB_LOG_FORMAT must be json or pretty, got ${JSON.stringify(logFormat)}\n`)
    process.exit(2)
  }
  if (logFormat === 'pretty' && process.stdout.isTTY) process.stderr.write('smartpark hub: HUB_LOG_FORMAT=pretty is npm start\'s: the hub itself writes JSON lines (read them with `| npx pino-pretty`)\n')
  let settings
  try {
    settings = loadSettings()
  } catch (err) {
    if (err instanceof SettingsError) {
      process.stderr.write(`smartpark hub: ${err.message}\n`)
      process.exit(2)
    }
    throw err
  }
  /*
   * Under a high allocation rate V8 lets the old generation grow to about four times what
   * survives a full collection before collecting again; the hub's live set is small (≈ 60 MB
   * with 10,000 devices), so growing by half keeps RSS near its working size for a few more,
   * short, collections (docs/performance.md). No hard cap: a legitimately larger live set grows.
   * Set before the zone is loaded, so it holds from the first collection that matters.
   */
  setFlagsFromString(`--heap-growing-percent=${settings.heapGrowingPercent}`)
  // Signals are handled from here on, not from the ready line: a SIGINT that came right after it
  // (a supervisor, a test) found no handler yet and killed the hub without closing it, its
  // influxd left running. One that comes while the hub starts stops it once it is up; a second
  // one then leaves at once.
  let hub: Hub | undefined
  let stopping: string | undefined
  const close = (h: Hub, signal: string): void => {
    h.api.log.info({ signal }, 'stopping')
    const force = setTimeout(() => process.exit(1), 20_000)
    force.unref()
    h.close().then(() => process.exit(0), () => process.exit(1))
  }
  const stop = (signal: string): void => {
    if (stopping !== undefined) {
      if (hub === undefined) process.exit(130)
      return
    }
    stopping = signal
    if (hub) close(hub, signal)
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  try {
    hub = await startHub(settings, { dashboardDir: process.env.HUB_DASHBOARD_DIR ?? join(ROOT, 'dashboard/dist') })
  } catch (err) {
    if (err instanceof ZoneFileError) process.stderr.write(`smartpark hub: zone file error: ${err.message}\n`)
    else process.stderr.write(`smartpark hub: cannot start: ${(err as Error).message}\n`)
    process.exit(1)
  }
  const { httpPort, mqttPort } = hub.addresses
  process.stdout.write(`smartpark hub ready: http://localhost:${httpPort}/  mqtt://localhost:${mqttPort}  ws://localhost:${httpPort}/mqtt\n`)
  if (stopping !== undefined) close(hub, stopping)
  // SIGHUP reads the zone file's users again: changed roles and scopes apply to tokens already
  // given and to open sockets at once, removed users are refused (docs/security.md, "Tokens").
  const running = hub
  process.on('SIGHUP', () => {
    void (async () => {
      try {
        const zone = await loadZoneFile(settings.configFile)
        running.users.replaceZoneUsers(zone.users)
        running.api.log.info({ users: zone.users.length }, 'users reloaded from the zone file')
      } catch (err) {
        running.api.log.error({ err: (err as Error).message }, 'users not reloaded; the previous ones stay')
      }
    })()
  })
}

void main()
