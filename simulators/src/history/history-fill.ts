/**
 * The demo's history (docs/demo.md): days of meter counters, stack emissions
 * and wastewater, simulated and written straight into the hub's InfluxDB database as the hub
 * would have stored them (history-lines.ts), paced (influx-writer.ts) while the hub and the
 * live simulators run; then the hourly and daily rollups of each day, with the hub's own
 * rollup statements (store/rollup-store.ts), since the continuous queries only look back 2 h
 * and 2 d. Once: a marker in the data dir (fill-marker.ts) says how far it got.
 *
 * Meters: the history ends where the live meters start. `meterEnds` simulates the meters over
 * the range first (CPU only, no writes) and the live run counts on from those values, so the
 * hub sees one counter, not two bases.
 */
import type { Device } from '../../../hub/src/model/device.js'
import type { Zone } from '../../../hub/src/model/zone.js'
import { LocalCalendar } from '../../../hub/src/energy/calendar.js'
import { resolveEnergySettings } from '../../../hub/src/energy/settings.js'
import { influxClient } from '../../../hub/src/store/influx-client.js'
import { rawResults } from '../../../hub/src/store/influxql.js'
import { rollupStore, type RollupStore } from '../../../hub/src/store/rollup-store.js'
import { Engine } from '../engine.js'
import type { Latest } from '../meter-continuity.js'
import { sleep } from '../rate-limiter.js'
import { readMarker, writeMarker, MarkerError, type FillMarker } from './fill-marker.js'
import { HistoryLines } from './history-lines.js'
import { InfluxHistoryWriter, type InfluxTarget } from './influx-writer.js'

/** What the energy and emission pages read. */
export const HISTORY_KINDS: ReadonlySet<string> = new Set(['energy', 'emission', 'wastewater'])
/**
 * Simulated time between yields to the live run: a quarter of an hour of the demo zone's 51
 * meters, stacks and outlets is about 1,000 lines, 60 ms of CPU on the loaded 2-core machine
 * (an hour held the simulator's loop for about 245 ms).
 */
const SLICE_MS = 900_000

export interface FillOptions {
  zone: Zone
  devices: readonly Device[]
  seed: number
  /** Zone's UTC offset in minutes (the engine's day shapes). */
  tzOffsetMin: number
  /** How far back a new fill reaches. */
  spanMs: number
  /** Where a new fill ends (the live run's start); a fill under way keeps its own. */
  until: number
  markerFile: string
  target: InfluxTarget
  /** Stacks and outlets with an `hj212.mn` are data loggers (`--hj212`), sending 2011 every `rtdIntervalSec` (30). */
  loggers: boolean
  rtdIntervalSec?: number
  duty: number
  maxPointsPerSec: number
  batchPoints?: number
  stopped: () => boolean
  log: (line: string) => void
  onProgress?: (p: FillProgress) => void
  /** How long to wait for the hub to create its database and rollups (default 120 s). */
  setUpWaitMs?: number
}

export interface FillProgress {
  from: number
  until: number
  /** Simulated time written up to. */
  at: number
  points: number
  wallMs: number
}

export interface FillResult {
  state: 'done' | 'already' | 'stopped'
  marker: FillMarker
  /** Points written by this run. */
  points: number
  wallMs: number
  writer?: InfluxHistoryWriter['stats']
}

export function historyEngine(devices: readonly Device[], seed: number, from: number, tzOffsetMin: number): Engine {
  // Not quiet: history keeps the plant's occasional upsets (an exceedance episode, a meter replaced).
  // Each device at its own interval, as live: the hub judges an hour from the hourly rollup valid
  // when it holds ≥ 45/60 of the samples the device's interval gives (emissions/hourly.ts), so a
  // thinned history would read as invalid hours in ranges past the raw week.
  return new Engine(devices.filter((d) => HISTORY_KINDS.has(d.kind)), { seed, start: from, quiet: false, tzOffsetMin })
}

/**
 * Each meter's counters at the end of the history [from, until] (what the live meters count on
 * from): 30 days of the demo's 43 meters in 1.6 s of CPU, a simulated day between yields so the
 * fleet's connections go on meanwhile.
 */
export async function meterEnds(devices: readonly Device[], seed: number, from: number, until: number, tzOffsetMin: number): Promise<Map<string, Latest>> {
  const e = historyEngine(devices.filter((d) => d.kind === 'energy'), seed, from, tzOffsetMin)
  const out = new Map<string, Latest>()
  for (let t = from; t < until; t = Math.min(until, t + 86_400_000)) {
    e.runUntil(Math.min(until, t + 86_400_000), (o) => {
      if (o.type !== 'telemetry') return
      const l = out.get(o.device) ?? {}
      for (const [k, v] of Object.entries(o.values)) l[k] = { value: v, ts: o.ts }
      out.set(o.device, l)
    })
    await sleep(0)
  }
  return out
}

/** The range a fill covers: a marker's, else a new one ending at `until`. */
export async function fillRange(markerFile: string, spanMs: number, until: number): Promise<{ from: number; until: number; marker: FillMarker | undefined }> {
  const m = await readMarker(markerFile)
  return m ? { from: m.from, until: m.until, marker: m } : { from: until - spanMs, until, marker: undefined }
}

export async function fillHistory(o: FillOptions): Promise<FillResult> {
  const t0 = Date.now()
  let m = await readMarker(o.markerFile)
  if (m?.finishedAt !== undefined) return { state: 'already', marker: m, points: 0, wallMs: 0 }
  if (m && (m.zone !== o.zone.id || m.seed !== o.seed)) throw new MarkerError(`${o.markerFile} is a fill of zone ${m.zone} with seed ${m.seed}, not ${o.zone.id} with seed ${o.seed}; delete it to fill again`)
  m ??= { version: 1, zone: o.zone.id, seed: o.seed, from: o.until - o.spanMs, until: o.until, doneTo: o.until - o.spanMs, points: 0, startedAt: t0, wallMs: 0 }
  await writeMarker(o.markerFile, m)
  const marker = m

  const influx = influxClient(o.target)
  const rollups = await awaitRollups(o, influx)
  if (o.stopped()) return { state: 'stopped', marker, points: 0, wallMs: Date.now() - t0 }
  const cal = new LocalCalendar(resolveEnergySettings(o.zone).timezone)
  const engine = historyEngine(o.devices, o.seed, marker.from, o.tzOffsetMin)
  const lines = new HistoryLines(o.devices, { timeZone: o.zone.timezone, loggers: o.loggers, ...(o.rtdIntervalSec ? { rtdIntervalSec: o.rtdIntervalSec } : {}) })
  if (marker.doneTo > marker.from) {
    o.log(`[history] carrying on from ${new Date(marker.doneTo).toISOString()} (${marker.points.toLocaleString('en-US')} points written before)`)
    // The days already written are simulated again, unwritten, to reach the same state — a slice
    // at a time between yields, like the days written, so the live run keeps its pace meanwhile.
    for (let h = marker.from; h < marker.doneTo; h = Math.min(marker.doneTo, h + SLICE_MS)) {
      engine.runUntil(Math.min(marker.doneTo, h + SLICE_MS), (out) => void (out.type === 'telemetry' && lines.lines(out)))
      await sleep(0)
      if (o.stopped()) return { state: 'stopped', marker, points: 0, wallMs: Date.now() - t0 }
    }
  }
  const writer = new InfluxHistoryWriter({ ...o.target, duty: o.duty, maxPointsPerSec: o.maxPointsPerSec, stopped: o.stopped })
  const batch = o.batchPoints ?? 5000
  let points = 0
  const progress = (at: number, dayPoints: number): void => o.onProgress?.({ from: marker.from, until: marker.until, at, points: marker.points + dayPoints, wallMs: marker.wallMs + Date.now() - t0 })
  const stopped = async (): Promise<FillResult> => {
    marker.wallMs += Date.now() - t0
    await writeMarker(o.markerFile, marker)
    return { state: 'stopped', marker, points, wallMs: Date.now() - t0, writer: writer.stats }
  }

  // A local day at a time; a slice of simulation between yields, so the live run keeps its pace.
  for (let t = marker.doneTo; t < marker.until;) {
    const end = Math.min(marker.until, cal.next('day', cal.startOf('day', t)))
    const day: string[] = []
    for (let h = t; h < end; h = Math.min(end, h + SLICE_MS)) {
      engine.runUntil(Math.min(end, h + SLICE_MS), (out) => {
        if (out.type === 'telemetry') for (const l of lines.lines(out)) day.push(l)
      })
      await sleep(0)
      if (o.stopped()) return stopped()
    }
    for (let i = 0; i < day.length; i += batch) {
      if (!(await writer.write(day.slice(i, i + batch)))) return stopped()
      points += Math.min(batch, day.length - i)
      progress(t + ((end - t) * Math.min(day.length, i + batch)) / Math.max(1, day.length), Math.min(day.length, i + batch))
    }
    if (rollups) await rebuildDay(rollups, cal, t, end, o.log)
    // Counted by whole days: a day cut short is written again whole, over the same points.
    marker.points += day.length
    marker.doneTo = end
    await writeMarker(o.markerFile, { ...marker, wallMs: marker.wallMs + Date.now() - t0 })
    t = end
  }
  marker.wallMs += Date.now() - t0
  marker.finishedAt = Date.now()
  await writeMarker(o.markerFile, marker)
  if (lines.refused > 0) o.log(`[history] ${lines.refused} data-logger segments were not readable and were left out`)
  return { state: 'done', marker, points, wallMs: Date.now() - t0, writer: writer.stats }
}

/**
 * Waits until the hub has made its database and rollups (its continuous queries exist), then
 * takes the same definitions (setUp creates nothing that exists). Without them after the
 * wait, history is written without rollups: the pages read raw points for the last week.
 */
async function awaitRollups(o: FillOptions, influx: ReturnType<typeof influxClient>): Promise<RollupStore | undefined> {
  const deadline = Date.now() + (o.setUpWaitMs ?? 120_000)
  let said = false
  for (;;) {
    if (o.stopped()) return undefined
    try {
      const [series = []] = await rawResults(influx, o.target.db, ['SHOW CONTINUOUS QUERIES'])
      const ours = series.find((s) => s.name === o.target.db)
      if ((ours?.values ?? []).some((v) => v[0] === 'cq_energy_1h')) break
    } catch {
      // The database is not there yet, or InfluxDB is starting.
    }
    if (Date.now() > deadline) {
      const names = await influx.getDatabaseNames().catch(() => [] as string[])
      if (!names.includes(o.target.db)) throw new MarkerError(`database ${o.target.db} does not exist at ${o.target.url}; is the hub running on it?`)
      o.log('[history] the hub has no rollups in this database; history is written without them (the pages read raw points for the last 7 days only)')
      return undefined
    }
    if (!said) o.log('[history] waiting for the hub to set up its database and rollups…')
    said = true
    await sleep(500)
  }
  const cal = new LocalCalendar(resolveEnergySettings(o.zone).timezone)
  const fixed = cal.fixedOffsetMinutes()
  const store = rollupStore(influx, o.target.db)
  await store.setUp(fixed ?? cal.offsetMs(Date.now()) / 60_000, fixed !== undefined)
  return store
}

/** The rollups of one filled day (hours from `from`'s hour to `to`, then the day). */
async function rebuildDay(rollups: RollupStore, cal: LocalCalendar, from: number, to: number, log: (line: string) => void): Promise<void> {
  const hours = { from: cal.startOf('hour', from), to }
  try {
    await rollups.rebuild({ kind: 'energy', bucket: 'hour', ...hours })
    await rollups.rebuild({ kind: 'emission', bucket: 'hour', ...hours })
    await rollups.rebuild({ kind: 'energy', bucket: 'day', from: cal.startOf('day', from), to })
  } catch (err) {
    log(`[history] rollups of ${cal.dayKey(from)} not rebuilt: ${(err as Error).message}`)
  }
}
