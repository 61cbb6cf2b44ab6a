/** Command-line options of the park simulator, their defaults, and the help text. */
import { parseArgs } from 'node:util'
import { DEVICE_KINDS, type DeviceKind } from '../../hub/src/model/vocabulary.js'
import { parseDuration } from './clock.js'
import { SCENARIOS } from './scenarios/index.js'

export interface RunConfig {
  url: string
  zone: string
  credentials: string
  scenario: string
  /** Whether --scenario was given (a backfill alone stops after the history). */
  scenarioGiven: boolean
  parks: string[]
  /** Messages per second, Infinity for no cap. */
  rate: number
  /** Wall-clock ms to run the live part; undefined: the scenario's length, or until stopped. */
  durationMs: number | undefined
  seed: number
  /** undefined: the scenario's suggested speed. */
  speed: number | undefined
  backfillMs: number
  backfillKinds: DeviceKind[]
  backfillStepMs: number
  gatewayMode: boolean
  qos: 0 | 1
  api: string
  user: string
  password: string
  concurrency: number
  progressMs: number
  dryRun: boolean
  list: boolean
  help: boolean
  quiet: boolean
  /** No periodic status lines (the summary still prints). */
  quietProgress: boolean
  /** --history: days of meter, stack and outlet history written into the hub's InfluxDB beside the live run. */
  history: HistoryConfig | undefined
  /** --hj212: CEMS stacks and wastewater outlets are HJ 212-2017 data loggers on the hub's HJ 212 port. */
  hj212: { host: string; port: number; rtdIntervalSec: number } | undefined
}

export interface HistoryConfig {
  spanMs: number
  /** The fill's marker (done once, resumable): in the hub's data dir. */
  markerFile: string
  influx: { url: string; db: string; username: string | undefined; password: string | undefined }
  /** Share of wall time the fill may keep InfluxDB writing. */
  duty: number
  /** Points per second at most. */
  maxPointsPerSec: number
}

export const HELP = `Park simulator: a fleet of simulated devices on the hub's MQTT broker.

Usage: npm run sim -- [options]

Each device (or, with --gateway-mode, each enterprise gateway for the devices behind it) is
a real MQTT client: username = its id, password = its secret from the credentials file, a
retained "offline" will on parks/{park}/{enterprise}/{device}/status, a retained "online"
on connect, telemetry {ts, values, flags?} on .../telemetry at its interval (±10 % jitter),
fire events on .../event. It answers commands on .../cmd
({"id", "command": close_valve|open_valve|sound_siren|silence_siren|reset, "params"}) with
an event {ts, type: "command_ack", state: "on", command, id}; close_valve stops the growth
of the leak the device is tied to (same area, else enterprise, else nearest within 300 m),
which then decays.

Options:
  --url URL            MQTT broker (default $HUB_MQTT_URL or mqtt://localhost:1883)
  --zone FILE          zone file, YAML or JSON (default hub/zones/demo-zone.yaml)
  --credentials FILE   device and gateway secrets (default simulators/credentials/demo-zone.json)
  --scenario NAME      what happens (default demo); --list shows them all
  --parks A,B          simulate only these parks (ids from the zone)
  --duration D         how long to run, wall clock: 90s, 15m, 2h (default: the scenario's
                       length at the chosen speed; demo runs until Ctrl-C)
  --speed N            simulated time runs N× faster (default: the scenario's suggestion,
                       e.g. 20 for emission-exceedance). Timestamps are simulated time: the run
                       starts in the past and catches up with the present as it ends, so no
                       reading is ever stamped in the future.
  --backfill D         first publish D of history (e.g. 30d) with past timestamps, in JSON
                       array batches (≤ 1000 readings, ≤ 64 KiB), as fast as allowed; then
                       stop, unless --scenario is also given
  --backfill-kinds K   device kinds to backfill (default energy,emission)
  --backfill-step D    at most one reading per device per D in history (default 60s)
  --history D          while the live run plays, write D (e.g. 30d) of meter, stack and outlet
                       history straight into the hub's InfluxDB (line protocol, the hub's
                       schema and rollups), paced; once: a marker file records it, and an
                       interrupted fill carries on (what \`npm start\` does; docs/demo.md)
  --history-marker F   the marker (default $HUB_DATA_DIR/demo-history.json, else data/…)
  --influx URL         InfluxDB 1.x of the hub (default $INFLUX_URL); --influx-db NAME
                       (default $INFLUX_DB or smartpark); $INFLUX_USERNAME, $INFLUX_PASSWORD
  --history-duty F     share of the time the fill may keep InfluxDB writing (default 0.5)
  --history-rate N     cap on history points per second (default: none)
  --rate N             cap on messages per second (default: none; a batch is one message)
  --seed N             seed for everything random (default 1): same seed, same run
  --gateway-mode       devices with a gateway publish through its one connection
                       (devices with no secret of their own always do)
  --qos 0|1            QoS of telemetry and events (default 0; status is always QoS 1)
  --concurrency N      connection attempts in flight at once (default 100)
  --progress D         status line interval (default 5s)
  --api URL            hub HTTP API for the summary (default http://localhost:8080)
  --user NAME          user for reading back alarms (default $HUB_USER or viewer)
  --password PW        its password (default $HUB_PASSWORD or NAME-demo, the demo zone's)
  --hj212              the CEMS stacks and wastewater outlets become HJ 212-2017 data loggers:
                       one TCP connection each to the hub's HJ 212 port (MN from the zone's
                       hj212.mn, PW from the credentials file or the zone), 2011 real-time data every 30 s,
                       2051 minute and 2061 hourly data (Avg/Min/Max/Cou/Flag), 9014 answers
                       awaited, a backlog kept while disconnected (docs/hj212.md)
  --hj212-port N       the hub's HJ 212 port (default $HUB_HJ212_PORT); the host is --url's
  --hj212-rtd S        seconds between real-time packets (default 30)
  --dry-run            print the scenario's timeline and exit (no MQTT)
  --quiet              no timeline notes or events, only status lines and the summary
  --quiet-progress     no periodic status lines (what \`npm start\` uses)
  --list               list the scenarios
  -h, --help           this text

Scenarios:
${SCENARIOS.map((s) => `  ${s.name.padEnd(20)} ${s.description}`).join('\n')}

While it runs, one status line every few seconds: connections up, messages sent, errors,
connect failures, commands. At the end (or on Ctrl-C / SIGTERM: every device publishes a
retained "offline" and disconnects cleanly): messages sent, rejected (the hub's
ingest.rejected from GET /api/v1/health, counted over the run), errors, and the alarms the
hub raised during the run (GET /api/v1/alarms?from=, signed in with --user/--password).

Examples:
  npm run sim -- --scenario combustible-leak
  npm run sim -- --scenario oxygen-deficiency --parks mbi
  npm run sim -- --scenario emission-exceedance --speed 30
  npm run sim -- --scenario multi --parks vtc,glc --qos 1
  npm run sim -- --backfill 30d --rate 200
  npm run sim -- --scenario normal-day --duration 10m --speed 60 --gateway-mode
  npm run sim -- --hj212 --hj212-port 9212 --scenario hj212-faults
`

export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): RunConfig {
  const { values: v } = parseArgs({
    args: [...argv],
    allowPositionals: false,
    options: {
      url: { type: 'string' },
      zone: { type: 'string' },
      credentials: { type: 'string' },
      scenario: { type: 'string' },
      parks: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      seed: { type: 'string' },
      speed: { type: 'string' },
      backfill: { type: 'string' },
      'backfill-kinds': { type: 'string' },
      'backfill-step': { type: 'string' },
      history: { type: 'string' },
      'history-marker': { type: 'string' },
      'history-duty': { type: 'string' },
      'history-rate': { type: 'string' },
      influx: { type: 'string' },
      'influx-db': { type: 'string' },
      'gateway-mode': { type: 'boolean' },
      qos: { type: 'string' },
      api: { type: 'string' },
      user: { type: 'string' },
      password: { type: 'string' },
      concurrency: { type: 'string' },
      progress: { type: 'string' },
      'dry-run': { type: 'boolean' },
      quiet: { type: 'boolean' },
      'quiet-progress': { type: 'boolean' },
      hj212: { type: 'boolean' },
      'hj212-port': { type: 'string' },
      'hj212-rtd': { type: 'string' },
      list: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const num = (name: string, text: string | undefined, fallback: number, min: number): number => {
    if (text === undefined) return fallback
    const n = Number(text)
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, got "${text}"`)
    return n
  }
  const kinds = (v['backfill-kinds'] ?? 'energy,emission').split(',').map((s) => s.trim()).filter(Boolean)
  for (const k of kinds) if (!(DEVICE_KINDS as readonly string[]).includes(k)) throw new Error(`--backfill-kinds: unknown kind "${k}" (${DEVICE_KINDS.join(', ')})`)
  const qos = v.qos ?? '0'
  if (qos !== '0' && qos !== '1') throw new Error(`--qos must be 0 or 1, got "${qos}"`)
  const scenario = v.scenario ?? 'demo'
  if (!SCENARIOS.some((s) => s.name === scenario)) throw new Error(`--scenario: unknown "${scenario}" (${SCENARIOS.map((s) => s.name).join(', ')})`)
  const user = v.user ?? env.HUB_USER ?? 'viewer'
  const url = v.url ?? env.HUB_MQTT_URL ?? 'mqtt://localhost:1883'
  let hj212: RunConfig['hj212']
  if (v.hj212) {
    const port = v['hj212-port'] ?? env.HUB_HJ212_PORT
    if (port === undefined) throw new Error('--hj212 needs --hj212-port N or HUB_HJ212_PORT (the hub\'s HJ 212 port)')
    const host = (() => {
      try {
        return new URL(url).hostname || 'localhost'
      } catch {
        return 'localhost'
      }
    })()
    hj212 = { host, port: Math.floor(num('hj212-port', port, 0, 1)), rtdIntervalSec: num('hj212-rtd', v['hj212-rtd'], 30, 1) }
  }
  let history: HistoryConfig | undefined
  if (v.history !== undefined) {
    const influxUrl = v.influx ?? env.INFLUX_URL
    if (influxUrl === undefined) throw new Error('--history needs --influx URL or INFLUX_URL (the hub\'s InfluxDB)')
    try {
      new URL(influxUrl)
    } catch {
      throw new Error(`--influx: not a URL: "${influxUrl}"`)
    }
    const duty = num('history-duty', v['history-duty'], 0.5, 0.01)
    if (duty > 1) throw new Error(`--history-duty must be ≤ 1, got "${v['history-duty']}"`)
    history = {
      spanMs: parseDuration(v.history),
      markerFile: v['history-marker'] ?? `${env.HUB_DATA_DIR ?? 'data'}/demo-history.json`,
      influx: { url: influxUrl, db: v['influx-db'] ?? env.INFLUX_DB ?? 'smartpark', username: env.INFLUX_USERNAME, password: env.INFLUX_PASSWORD },
      duty,
      maxPointsPerSec: num('history-rate', v['history-rate'], Infinity, 1),
    }
  }
  return {
    url,
    zone: v.zone ?? 'hub/zones/demo-zone.yaml',
    credentials: v.credentials ?? 'simulators/credentials/demo-zone.json',
    scenario,
    scenarioGiven: v.scenario !== undefined,
    parks: (v.parks ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    rate: num('rate', v.rate, Infinity, 1),
    durationMs: v.duration !== undefined ? parseDuration(v.duration) : undefined,
    seed: Math.floor(num('seed', v.seed, 1, 0)),
    speed: v.speed !== undefined ? num('speed', v.speed, 1, 1) : undefined,
    backfillMs: v.backfill !== undefined ? parseDuration(v.backfill) : 0,
    backfillKinds: kinds as DeviceKind[],
    backfillStepMs: v['backfill-step'] !== undefined ? parseDuration(v['backfill-step']) : 60_000,
    gatewayMode: v['gateway-mode'] ?? false,
    qos: qos === '1' ? 1 : 0,
    api: (v.api ?? env.HUB_API_URL ?? 'http://localhost:8080').replace(/\/+$/, ''),
    user,
    password: v.password ?? env.HUB_PASSWORD ?? `${user}-demo`,
    concurrency: Math.floor(num('concurrency', v.concurrency, 100, 1)),
    progressMs: v.progress !== undefined ? parseDuration(v.progress) : 5000,
    dryRun: v['dry-run'] ?? false,
    list: v.list ?? false,
    help: v.help ?? false,
    quiet: v.quiet ?? false,
    quietProgress: v['quiet-progress'] ?? false,
    history,
    hj212,
  }
}
