/**
 * The history fill beside a live run (run.ts): the meters' end values for the live meters to
 * count on from, then the fill itself with a progress line every few seconds — shown even
 * under `--quiet-progress`, since it is what `npm start` wants the terminal to say — and a
 * closing line with its figures. A failure is reported and leaves the live run alone.
 */
import type { Device } from '../../../hub/src/model/device.js'
import type { Zone } from '../../../hub/src/model/zone.js'
import type { HistoryConfig } from '../cli-args.js'
import { formatDuration } from '../clock.js'
import type { Latest } from '../meter-continuity.js'
import { fillHistory, fillRange, meterEnds, type FillProgress } from './history-fill.js'

const DAY = 86_400_000
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US')

export interface HistoryRun {
  /** Resolves when the fill is done, stopped or failed. */
  done: Promise<void>
}

/**
 * Meters the hub has no reading of count on from the end of the history, which ends where the
 * live run starts (a fill under way keeps the range it began with).
 */
export async function historyMeterStarts(h: HistoryConfig, devices: readonly Device[], seed: number, tzOffsetMin: number, known: ReadonlyMap<string, Latest>, now: number): Promise<{ until: number; starts: Map<string, Latest>; finished: boolean }> {
  const range = await fillRange(h.markerFile, h.spanMs, now)
  const finished = range.marker?.finishedAt !== undefined
  const missing = devices.filter((d) => d.kind === 'energy' && !known.has(d.id))
  const starts = finished || missing.length === 0 ? new Map<string, Latest>() : await meterEnds(missing, seed, range.from, range.until, tzOffsetMin)
  return { until: range.until, starts, finished }
}

export function startHistory(o: { h: HistoryConfig; zone: Zone; devices: readonly Device[]; seed: number; tzOffsetMin: number; until: number; loggers: boolean; rtdIntervalSec?: number | undefined; stopped: () => boolean; out: (line: string) => void; progressMs?: number }): HistoryRun {
  const { h, out } = o
  let last = 0
  const progress = (p: FillProgress): void => {
    if (Date.now() - last < (o.progressMs ?? 5000)) return
    last = Date.now()
    const days = (p.at - p.from) / DAY
    const total = (p.until - p.from) / DAY
    const rate = p.wallMs > 0 ? (p.points * 1000) / p.wallMs : 0
    // No estimate from the first day: it includes the wait for the hub's database and rollups.
    const eta = days >= 1 ? (p.wallMs * (total - days)) / days : undefined
    out(`[history] ${days.toFixed(1)}/${total.toFixed(0)} days · ${fmt(p.points)} points · ${fmt(rate)} points/s${eta !== undefined ? ` · about ${formatDuration(eta)} to go` : ''}`)
  }
  const done = (async () => {
    try {
      const r = await fillHistory({
        zone: o.zone, devices: o.devices, seed: o.seed, tzOffsetMin: o.tzOffsetMin, spanMs: h.spanMs, until: o.until,
        markerFile: h.markerFile, target: h.influx, loggers: o.loggers, rtdIntervalSec: o.rtdIntervalSec, duty: h.duty, maxPointsPerSec: h.maxPointsPerSec,
        stopped: o.stopped, log: out, onProgress: progress,
      })
      const m = r.marker
      const span = `${((m.until - m.from) / DAY).toFixed(0)} days`
      if (r.state === 'already') out(`[history] ${span} of history were filled before (${h.markerFile}); nothing to do`)
      else if (r.state === 'stopped') out(`[history] stopped at ${new Date(m.doneTo).toISOString()} after ${fmt(m.points)} points; the next start carries on`)
      else {
        const w = r.writer
        const busy = w ? ` · InfluxDB writing ${formatDuration(w.busyMs)}, resting ${formatDuration(w.restMs)}, slowest batch ${Math.round(w.slowestMs)} ms` : ''
        out(`[history] done: ${span}, ${fmt(m.points)} points in ${formatDuration(m.wallMs)} (${fmt((m.points * 1000) / Math.max(1, m.wallMs))} points/s)${busy}`)
      }
    } catch (err) {
      out(`[history] failed: ${(err as Error).message}`)
    }
  })()
  return { done }
}
