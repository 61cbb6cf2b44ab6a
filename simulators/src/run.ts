/**
 * One simulator run: load the zone, connect the fleet, optionally backfill history, play the
 * scenario live, stop cleanly and read back what the hub made of it.
 */
import type { Alarm } from '../../hub/src/model/alarm.js'
import type { RunConfig } from './cli-args.js'
import { SimClock, formatDuration } from './clock.js'
import { Engine, type Output } from './engine.js'
import { backfill } from './backfill.js'
import { Fleet } from './fleet.js'
import { readAlarms, readIngestHealth, login, type IngestHealth } from './hub-api.js'
import { LiveRunner } from './live.js'
import { TokenBucket } from './rate-limiter.js'
import { simTime, statusLine, summary } from './report.js'
import { indexZone } from './scenarios/locate.js'
import { buildScenario } from './scenarios/index.js'
import type { Scenario } from './scenarios/types.js'
import { loadCredentials, loadZone, tzOffsetMinutes } from './zone-source.js'
import { continueMeters, readMeterLatest } from './meter-continuity.js'
import { LoggerFleet } from './hj212/logger-fleet.js'
import { loggerIdentity } from './hj212/identity.js'
import { historyMeterStarts, startHistory, type HistoryRun } from './history/fill-run.js'

/** Ids of the alarms the hub holds now (undefined if it cannot be read). */
async function alarmIds(cfg: RunConfig): Promise<Set<string> | undefined> {
  try {
    const token = await login(cfg.api, cfg.user, cfg.password)
    return new Set((await readAlarms(cfg.api, token, 0)).map((a) => a.id))
  } catch {
    return undefined
  }
}

export interface RunHooks {
  out: (line: string) => void
  err: (line: string) => void
  stopped: () => boolean
}

/** Simulated horizon to script open-ended scenarios (demo) when no duration is given. */
const OPEN_HORIZON_SEC = 7 * 86_400

export async function run(cfg: RunConfig, hooks: RunHooks): Promise<number> {
  const zone = await loadZone(cfg.zone)
  const ix = indexZone(zone, cfg.parks)
  const tz = tzOffsetMinutes(zone.timezone)
  const liveWanted = cfg.backfillMs === 0 || cfg.scenarioGiven
  const horizonSec = cfg.durationMs !== undefined ? ((cfg.durationMs / 1000) * (cfg.speed ?? 1)) : OPEN_HORIZON_SEC
  const scenario: Scenario = buildScenario(cfg.scenario, ix, { seed: cfg.seed, horizonSec })
  const speed = cfg.speed ?? scenario.suggestedSpeed
  const wallMs = cfg.durationMs ?? (scenario.durationSec !== undefined ? (scenario.durationSec * 1000) / speed : undefined)
  if (liveWanted && speed > 1 && wallMs === undefined) throw new Error(`--speed ${speed} needs --duration for scenario ${scenario.name} (it has no fixed length)`)

  const creds = await loadCredentials(cfg.credentials)
  if (creds.zone && creds.zone !== zone.id) hooks.err(`warning: credentials are for zone ${creds.zone}, the zone file is ${zone.id}`)
  const log = (line: string): void => hooks.err(line)
  let live: LiveRunner | undefined
  let engine: Engine | undefined
  const hj = cfg.hj212
  const loggers = hj ? new LoggerFleet(ix.devices, { host: hj.host, port: hj.port, timeZone: zone.timezone, rtdIntervalSec: hj.rtdIntervalSec, identityOf: (d) => loggerIdentity(d, creds), connectConcurrency: cfg.concurrency, log }) : undefined
  if (loggers && loggers.withoutIdentity.length > 0) log(`--hj212: ${loggers.withoutIdentity.length} stacks/outlets have no hj212 identity (zone hj212.mn, credentials hj212 PW) and stay on MQTT: ${loggers.withoutIdentity.slice(0, 5).join(', ')}`)
  const fleet = new Fleet(ix.devices, {
    ...(loggers ? { loggers, speed: cfg.speed ?? scenario.suggestedSpeed } : {}),
    url: cfg.url,
    credentials: creds,
    gatewayMode: cfg.gatewayMode,
    qos: cfg.qos,
    connectConcurrency: cfg.concurrency,
    seed: cfg.seed,
    log,
    onCommand: (device, cmd) => {
      if (!live || !engine) {
        log(`${device}: command ${cmd.command} arrived before the live run; ignored`)
        return
      }
      hooks.out(`[cmd ${simTime(engine.time, tz)}] ${device}: ${cmd.command} (${cmd.id})`)
      if (!live.command(device, cmd)) fleet.counters.badCommands++
    },
  })
  if (fleet.unconnectable.length > 0) log(`${fleet.unconnectable.length} devices have no secret and no gateway secret: ${fleet.unconnectable.slice(0, 5).join(', ')}${fleet.unconnectable.length > 5 ? ', …' : ''}`)
  if (liveWanted) {
    hooks.out(`scenario ${scenario.name}: ${scenario.description}`)
    for (const i of scenario.incidents.slice(0, 10)) hooks.out(`  · ${i.summary}`)
  }
  hooks.out(`zone ${zone.id}: ${ix.devices.length} devices in ${ix.parks.length} park${ix.parks.length === 1 ? "" : "s"} → ${fleet.links.length} MQTT connections (${fleet.links.filter((l) => l.role === 'gateway').length} gateways) to ${cfg.url}`)

  const healthBefore: IngestHealth | undefined = await readIngestHealth(cfg.api, { user: cfg.user, password: cfg.password })
  const alarmsBefore = await alarmIds(cfg)
  // Meters carry on from the hub's last readings: one base per counter across runs.
  const meterLatest = await readMeterLatest(cfg.api, cfg.user, cfg.password, ix.devices)
  if (meterLatest.error) hooks.err(`meters: the hub's last readings could not be read (${meterLatest.error}); meters start from their own counters`)
  // History beside the live run: meters the hub has not heard of count on from where it ends
  // (worked out while the fleet connects).
  const historyStarts = cfg.history && liveWanted
    ? historyMeterStarts(cfg.history, ix.devices, cfg.seed, tz, meterLatest.latest, Date.now()).catch((err: Error) => {
      hooks.out(`[history] not filled: ${err.message}`)
      return undefined
    })
    : undefined
  const wallStart = Date.now()
  let lastLine = 0
  const connected = await fleet.connect((done, total) => {
    if ((!cfg.quietProgress && Date.now() - lastLine >= cfg.progressMs) || done === total) {
      lastLine = Date.now()
      hooks.out(`[connect] ${done}/${total} attempted, ${fleet.connected} up, ${fleet.counters.connectFailures} failures`)
    }
  }, hooks.stopped)
  if (loggers && hj) {
    const l = await loggers.connect()
    hooks.out(`hj212: ${loggers.size} data loggers → tcp://${hj.host}:${hj.port}: ${l.ok} connected${l.failed > 0 ? `, ${l.failed} not yet (they keep trying)` : ''}`)
  }
  if (connected.ok === 0 && fleet.links.length > 0 && !hooks.stopped()) {
    hooks.err(`no device could connect to ${cfg.url}; is the hub running? (npm run hub)`)
    await fleet.stop()
    return 2
  }

  const bucket = new TokenBucket(cfg.rate)
  const liveStartFor = (): number => (wallMs !== undefined ? SimClock.startFor(Date.now(), speed, wallMs) : Date.now())
  const start0 = liveStartFor() - cfg.backfillMs
  engine = new Engine(ix.devices, {
    seed: cfg.seed,
    start: start0,
    // A history on its own keeps the plant's occasional upsets; a scripted run keeps to its script.
    quiet: cfg.scenarioGiven || cfg.backfillMs === 0 ? scenario.quiet : false,
    tzOffsetMin: tz,
    ...(cfg.backfillMs > 0 ? { activeFrom: (d) => cfg.backfillKinds.includes(d.kind) } : {}),
  })
  const simFrom = start0
  const history = await historyStarts
  for (const [id, l] of history?.starts ?? []) meterLatest.latest.set(id, l)
  const carried = continueMeters((id) => engine?.model(id), meterLatest.latest)
  if (carried.meters > 0) {
    const held = carried.newest !== undefined && carried.newest > start0 ? `; their readings up to ${simTime(carried.newest, tz)} are the hub's already and are not sent again` : ''
    const from = history && history.starts.size > 0 ? ` (${history.starts.size} from the end of the history)` : ''
    hooks.out(`meters: ${carried.meters} continue from the hub's last reading${from}${held}`)
  }
  const onNote = (ts: number, text: string): void => {
    if (!cfg.quiet) hooks.out(`[sim ${simTime(ts, tz)}] ${text}`)
  }
  const onOutput = (o: Output): void => {
    if (!cfg.quiet && o.type === 'event') hooks.out(`[sim ${simTime(o.ts, tz)}] ${o.device}: ${o.event} ${o.state}`)
  }
  let sentAtLast = 0
  let lastAt = Date.now()
  const rate = (): number => {
    const now = Date.now()
    const r = ((fleet.counters.sent - sentAtLast) * 1000) / Math.max(1, now - lastAt)
    sentAtLast = fleet.counters.sent
    lastAt = now
    return r
  }

  if (cfg.backfillMs > 0) {
    hooks.out(`backfill: ${formatDuration(cfg.backfillMs)} of ${cfg.backfillKinds.join(', ')} history, at most one reading per ${formatDuration(cfg.backfillStepMs)} per device`)
    engine.minIntervalMs = cfg.backfillStepMs
    const e = engine
    await backfill({
      engine: e,
      fleet,
      until: liveStartFor,
      bucket,
      stopped: hooks.stopped,
      maxInflight: cfg.qos === 1 ? 64 : 256,
      onOutput,
      onProgress: (p) => {
        const last = p.until - p.at < 5000
        if ((cfg.quietProgress || Date.now() - lastLine < cfg.progressMs) && !last) return
        lastLine = Date.now()
        const pct = Math.min(100, (100 * (p.at - p.from)) / Math.max(1, p.until - p.from)).toFixed(0)
        hooks.out(statusLine({ phase: 'backfill', simTs: p.at, tzOffsetMin: tz, speed: 1, up: fleet.connected, links: fleet.links.length, counters: fleet.counters, ratePerSec: rate(), backlog: 0, extra: `${pct}% (${p.readings} readings)` }))
      },
    })
    engine.minIntervalMs = 0
  }

  let simTo = engine.time
  if (liveWanted && !hooks.stopped()) {
    const liveStart = engine.time
    engine.activate(liveStart)
    engine.schedule(scenario.timeline, liveStart)
    const clock = new SimClock(liveStart, speed)
    const until = wallMs !== undefined ? liveStart + speed * wallMs : Infinity
    hooks.out(`live: ${speed > 1 ? `×${speed}, ` : ''}from ${simTime(liveStart, tz)}${wallMs !== undefined ? ` for ${formatDuration(wallMs)} (wall clock)` : ' until stopped (Ctrl-C)'}`)
    live = new LiveRunner({ engine, fleet, clock, until, bucket, stopped: hooks.stopped, onNote, onOutput })
    let fill: HistoryRun | undefined
    if (cfg.history && history) {
      hooks.out(history.finished ? '[history] filled before; nothing to do' : `[history] filling ${formatDuration(cfg.history.spanMs)} of meter, stack and outlet history into ${cfg.history.influx.url} (${cfg.history.influx.db}) beside the live run`)
      if (!history.finished) fill = startHistory({ h: cfg.history, zone, devices: ix.devices, seed: cfg.seed, tzOffsetMin: tz, until: history.until, loggers: cfg.hj212 !== undefined, rtdIntervalSec: cfg.hj212?.rtdIntervalSec, stopped: hooks.stopped, out: hooks.out })
    }
    const e = engine
    const l = live
    const timer = setInterval(() => {
      if (cfg.quietProgress) return
      hooks.out(statusLine({ phase: 'sim', simTs: e.time, tzOffsetMin: tz, speed, up: fleet.connected, links: fleet.links.length, counters: fleet.counters, ratePerSec: rate(), backlog: l.backlog }))
    }, cfg.progressMs)
    try {
      await live.run()
      // A live run of a set length waits for its history; a stop ends both.
      await fill?.done
    } finally {
      clearInterval(timer)
    }
    simTo = engine.time
  }

  hooks.out('stopping: every device announces offline and disconnects')
  if (loggers) {
    await loggers.stop()
    const c = loggers.counters
    hooks.out(`hj212: ${c.sent} packets sent (${c.resent} again after no answer, ${c.badCrc} with a bad CRC on purpose), ${c.answered} answered 9014, backlog ${loggers.backlog}, ${c.dropped} dropped`)
  }
  await fleet.stop()
  const wallEnd = Date.now()
  // Give the hub a moment to finish ingesting before reading its counters back.
  await new Promise((r) => setTimeout(r, 1000))
  const healthAfter = await readIngestHealth(cfg.api, { user: cfg.user, password: cfg.password })
  let alarms: Alarm[] | undefined
  let alarmsNote: string | undefined
  try {
    const token = await login(cfg.api, cfg.user, cfg.password)
    // Raised during the run: alarms that did not exist before it started.
    alarms = (await readAlarms(cfg.api, token, Math.min(simFrom, wallStart))).filter((a) => !alarmsBefore?.has(a.id))
  } catch (err) {
    alarmsNote = (err as Error).message
  }
  const rejected = healthBefore && healthAfter ? healthAfter.rejected - healthBefore.rejected : healthAfter?.rejected
  const byReason = healthAfter
    ? Object.fromEntries(Object.entries(healthAfter.byReason).map(([k, n]) => [k, n - (healthBefore?.byReason[k] ?? 0)]))
    : undefined
  hooks.out(summary({
    counters: fleet.counters,
    wallMs: wallEnd - wallStart,
    simFrom,
    simTo,
    rejected,
    rejectsByReason: byReason,
    alarms,
    alarmsNote,
    unconnectable: fleet.unconnectable.length,
    tzOffsetMin: tz,
  }))
  return 0
}
