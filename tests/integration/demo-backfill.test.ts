/**
 * The demo's history fill (simulators/src/history): two days of the demo zone's meters, stacks
 * and outlets written into a real hub's InfluxDB database, eight days back — beyond the week
 * the energy pages read from raw points — then read back through the hub's REST API: daily
 * energy from the hourly rollups the fill rebuilt (equal to the same days from raw points),
 * and a stack's hours from its data logger's 2061 data, none of them "hub only".
 * Stopped after its first day and started again, it carries on and writes each point once.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { influxClient } from '../../hub/src/store/influx-client.js'
import { rawResults } from '../../hub/src/store/influxql.js'
import { readMarker } from '../../simulators/src/history/fill-marker.js'
import { fillHistory, historyEngine, type FillOptions } from '../../simulators/src/history/history-fill.js'
import { HistoryLines } from '../../simulators/src/history/history-lines.js'
import { indexZone } from '../../simulators/src/scenarios/locate.js'
import { loadZone, tzOffsetMinutes } from '../../simulators/src/zone-source.js'
import { api, eventually, startTestHub } from '../support/hub-harness.js'

const DAY = 86_400_000
const HOUR = 3_600_000

interface ConsumptionRow { start: number; tce: number }

describe('demo history fill', () => {
  it('lands what the energy and emission APIs serve, once, carrying on after a stop', async ({ onTestFinished }) => {
    const t = await startTestHub()
    const dir = await mkdtemp(join(tmpdir(), 'smartpark-history-'))
    onTestFinished(async () => {
      await t.stop()
      await rm(dir, { recursive: true, force: true })
    })
    const zone = await loadZone('hub/zones/demo-zone.yaml')
    const devices = indexZone(zone).devices
    const tz = tzOffsetMinutes(zone.timezone)
    const db = t.hub.settings.influx.db
    // Local midnight eight days ago: two whole local days before it, older than the raw week.
    const now = Date.now()
    const until = Math.floor((now + tz * 60_000) / DAY) * DAY - tz * 60_000 - 7 * DAY
    const from = until - 2 * DAY
    const lines: string[] = []
    const base: FillOptions = {
      zone, devices, seed: 1, tzOffsetMin: tz, spanMs: 2 * DAY, until, markerFile: join(dir, 'demo-history.json'),
      target: { url: inject('influxUrl'), db }, loggers: true, duty: 1, maxPointsPerSec: Infinity,
      stopped: () => false, log: (l) => lines.push(l),
    }

    // First run: stopped while the second day goes out (the first is written whole).
    let stop = false
    const first = await fillHistory({ ...base, stopped: () => stop, onProgress: (p) => void (p.at > from + 1.5 * DAY && (stop = true)) })
    expect(first.state).toBe('stopped')
    const halfway = await readMarker(base.markerFile)
    expect(halfway?.finishedAt).toBeUndefined()
    expect(halfway?.doneTo).toBeGreaterThan(from)
    expect(halfway?.doneTo).toBeLessThan(until)

    // Second run: carries on to the end; a third has nothing to do.
    const second = await fillHistory(base)
    expect(second.state).toBe('done')
    expect(lines.some((l) => l.includes('carrying on from'))).toBe(true)
    expect((await fillHistory(base)).state).toBe('already')

    // Each reading once: InfluxDB holds as many kWh points as the simulation makes.
    const engine = historyEngine(devices, 1, from, tz)
    const expected = new HistoryLines(devices, { timeZone: zone.timezone, loggers: true })
    let kwh = 0
    let all = 0
    engine.runUntil(until, (o) => {
      if (o.type !== 'telemetry') return
      const ls = expected.lines(o)
      all += ls.length
      if (o.values.kwh !== undefined) kwh++
    })
    expect(second.marker.points).toBe(all)
    const influx = influxClient({ url: inject('influxUrl'), db })
    const [series = []] = await rawResults(influx, db, [`SELECT count("kwh") AS n FROM "energy" WHERE time >= ${from}ms AND time <= ${until}ms`])
    expect(series[0]?.values?.[0]?.[1]).toBe(kwh)

    // Energy: ten days back to now reads the filled days from the hourly rollup …
    const meters = devices.filter((d) => d.kind === 'energy').length
    expect(meters).toBeGreaterThan(10)
    const long = await api<{ sources: { source: string }[]; rows: ConsumptionRow[] }>(t, 'GET', `/api/v1/energy/consumption?every=1d&from=${from}&to=${now}`)
    expect(long.status).toBe(200)
    expect(long.body.sources.map((s) => s.source)).toContain('rollup_1h')
    const filled = long.body.rows.filter((r) => r.start >= from && r.start < until)
    expect(filled).toHaveLength(2)
    for (const r of filled) expect(r.tce).toBeGreaterThan(1)
    // … and gives what the raw points give for the same days.
    const raw = await api<{ sources: { source: string }[]; rows: ConsumptionRow[] }>(t, 'GET', `/api/v1/energy/consumption?every=1d&from=${from}&to=${until}`)
    expect(raw.body.sources.map((s) => s.source)).toEqual(['raw'])
    expect(raw.body.rows.map((r) => r.tce.toFixed(3))).toEqual(filled.map((r) => r.tce.toFixed(3)))

    // Emissions: a stack's hours come from its data logger's hourly data, matching the hub's own.
    const stack = devices.find((d) => d.kind === 'emission' && d.hj212?.mn !== undefined)
    expect(stack).toBeDefined()
    await eventually(async () => {
      const h = await api<{ loggerHours: number; differingHours: number; hours: { metrics: Record<string, { valid: boolean; corrected: number | null }>; sources: Record<string, string>; differs: { reason: string }[] }[] }>(
        t, 'GET', `/api/v1/emissions/hourly?device=${stack!.id}&from=${from + HOUR}&to=${until - HOUR}`,
      )
      expect(h.status).toBe(200)
      expect(h.body.hours.length).toBe(46)
      expect(h.body.loggerHours).toBe(46)
      // Every hour has the logger's value beside the hub's: none is "hub only". Some differ in
      // value, as they do live: the simulated logger averages its daily calibration minutes
      // (flag C) into the hour, which HJ 75 leaves out — one hour a day.
      expect(h.body.hours.flatMap((x) => x.differs.map((d) => d.reason)).filter((r) => r !== 'value')).toEqual([])
      expect(h.body.differingHours).toBeLessThanOrEqual(4)
      const valid = h.body.hours.filter((x) => x.metrics.so2?.valid === true && x.sources.so2 === 'logger')
      expect(valid.length).toBeGreaterThan(40)
      return true
    }, 30_000, 'the stack\'s hours')
    // Past the raw week the hub's side of each hour comes from its hourly rollup, valid with ≥ 45/60
    // of the samples the stack's interval gives: history at the stack's own interval holds them.
    const long2 = await api<{ source: string; hours: { start: number; differs: { reason: string }[] }[] }>(t, 'GET', `/api/v1/emissions/hourly?device=${stack!.id}&from=${from}&to=${now}`)
    expect(long2.body.source).toBe('rollup_1h')
    const past = long2.body.hours.filter((h) => h.start >= from + HOUR && h.start < until - HOUR)
    expect(past).toHaveLength(46)
    const reasons = past.flatMap((h) => [...new Set(h.differs.map((d) => d.reason))])
    expect(reasons.filter((r) => r !== 'value' && r !== 'validity')).toEqual([])
    // A weekly maintenance hour (flag M) that straddles two hours may tip one of them: not more.
    expect(reasons.filter((r) => r === 'validity').length).toBeLessThanOrEqual(2)
  }, 240_000)
})
