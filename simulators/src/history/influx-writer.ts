/**
 * Writes history lines to InfluxDB 1.x over its HTTP API (`POST /write?db=…&precision=ms`,
 * the same endpoint the hub's batch writer uses), paced so that the live hub never waits on it:
 *
 * - a duty cycle: after a batch that took W ms to be written, the writer rests W × (1 − d) / d,
 *   so history holds influxd at most a fraction d of the time whatever the machine's speed
 *   (influxd's write path is mostly CPU: parsing, WAL, cache; the hub's own batches get the
 *   rest, and the supervised influxd runs at nice 10 beside the hub);
 * - a cap on points per second on top, for a shared or slow InfluxDB.
 *
 * A failed write (influxd restarting, a 5xx) is tried again after 1, 2, 4 … 30 s; a 4xx is a
 * bad line or database and stops the fill with InfluxDB's message.
 */
import { sleep } from '../rate-limiter.js'

export interface InfluxTarget {
  url: string
  db: string
  username?: string | undefined
  password?: string | undefined
}

export interface WriterOptions extends InfluxTarget {
  /** Share of wall time spent writing (0 < d ≤ 1). */
  duty: number
  /** Points per second at most (Infinity: no cap). */
  maxPointsPerSec: number
  stopped: () => boolean
  /** Attempts per batch before giving up. */
  attempts?: number
}

export interface WriterStats {
  points: number
  batches: number
  /** Time spent in write requests, ms. */
  busyMs: number
  /** Time spent resting between them, ms. */
  restMs: number
  slowestMs: number
  retries: number
}

export class HistoryWriteError extends Error {}

export class InfluxHistoryWriter {
  readonly stats: WriterStats = { points: 0, batches: 0, busyMs: 0, restMs: 0, slowestMs: 0, retries: 0 }
  private readonly endpoint: string
  private readonly auth: string | undefined

  constructor(private readonly o: WriterOptions) {
    if (!(o.duty > 0 && o.duty <= 1)) throw new Error(`history write duty must be in (0, 1], got ${o.duty}`)
    const u = new URL('/write', o.url)
    u.searchParams.set('db', o.db)
    u.searchParams.set('precision', 'ms')
    this.endpoint = u.toString()
    this.auth = o.username !== undefined ? `Basic ${Buffer.from(`${o.username}:${o.password ?? ''}`).toString('base64')}` : undefined
  }

  /** Writes one batch, then rests as the pacing says. Returns false if stopped before it was written. */
  async write(lines: readonly string[]): Promise<boolean> {
    if (lines.length === 0) return true
    const body = lines.join('\n')
    const attempts = this.o.attempts ?? 12
    for (let attempt = 1; ; attempt++) {
      if (this.o.stopped()) return false
      const t0 = performance.now()
      let failure: string
      try {
        const res = await fetch(this.endpoint, { method: 'POST', body, headers: this.auth ? { authorization: this.auth } : {}, signal: AbortSignal.timeout(60_000) })
        if (res.status === 204) {
          await this.pace(performance.now() - t0, lines.length)
          return true
        }
        const text = (await res.text()).slice(0, 300)
        if (res.status >= 400 && res.status < 500) throw new HistoryWriteError(`InfluxDB refused the history (HTTP ${res.status}): ${text}`)
        failure = `HTTP ${res.status}: ${text}`
      } catch (err) {
        if (err instanceof HistoryWriteError) throw err
        failure = (err as Error).message
      }
      if (attempt >= attempts) throw new HistoryWriteError(`InfluxDB at ${this.o.url} did not take the history after ${attempts} attempts: ${failure}`)
      this.stats.retries++
      await this.rest(Math.min(30_000, 1000 * 2 ** (attempt - 1)))
    }
  }

  private async pace(busyMs: number, points: number): Promise<void> {
    this.stats.points += points
    this.stats.batches++
    this.stats.busyMs += busyMs
    this.stats.slowestMs = Math.max(this.stats.slowestMs, busyMs)
    const byDuty = (busyMs * (1 - this.o.duty)) / this.o.duty
    const byRate = Number.isFinite(this.o.maxPointsPerSec) ? (points * 1000) / this.o.maxPointsPerSec - busyMs : 0
    await this.rest(Math.max(byDuty, byRate))
  }

  /** Rests in short steps, so a stop is seen at once. */
  private async rest(ms: number): Promise<void> {
    const until = performance.now() + ms
    for (let left = ms; left > 0 && !this.o.stopped(); left = until - performance.now()) await sleep(Math.min(left, 200))
    this.stats.restMs += Math.max(0, ms)
  }
}
