/**
 * Simulated time. A run at speed N starts in the past and runs N× faster than the wall clock
 * until it has caught up with the present, then goes on at 1×. Simulated time therefore never
 * runs ahead of the hub's clock: the contract rejects readings stamped more than 5 minutes in
 * the future (`ts_future`).
 */
export interface Clock {
  /** Simulated milliseconds since the epoch. */
  now(): number
  readonly speed: number
}

export class SimClock implements Clock {
  private readonly wallStart: number
  constructor(
    private readonly simStart: number,
    readonly speed: number,
    private readonly wall: () => number = Date.now,
  ) {
    if (!(speed >= 1)) throw new Error(`speed must be at least 1, got ${speed}`)
    this.wallStart = wall()
  }

  now(): number {
    const wallNow = this.wall()
    const sim = this.simStart + (wallNow - this.wallStart) * this.speed
    // Caught up: from here on, simulated time is wall time.
    return Math.min(sim, Math.max(wallNow, this.simStart))
  }

  /** Where to start so that a run of `wallMs` at `speed` ends at the present. */
  static startFor(wallNow: number, speed: number, wallMs: number): number {
    return wallNow - (speed - 1) * wallMs
  }
}

/** A clock the caller moves by hand (tests). */
export class ManualClock implements Clock {
  readonly speed = 1
  constructor(private t: number) {}
  now(): number {
    return this.t
  }
  set(t: number): void {
    this.t = t
  }
  advance(ms: number): void {
    this.t += ms
  }
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** `90s`, `15m`, `2h`, `30d`, `1w`, `500ms`, or a bare number of seconds → milliseconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|m|h|d|w)?\s*$/i.exec(text)
  if (!m) throw new Error(`not a duration: "${text}" (use e.g. 90s, 15m, 2h, 30d)`)
  const unit = (m[2] ?? 's').toLowerCase()
  return Number(m[1]) * (UNITS[unit] ?? 1000)
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000)
  if (s < 120) return `${s}s`
  if (s < 7200) return `${Math.round(s / 60)}m`
  if (s < 172_800) return `${(s / 3600).toFixed(1)}h`
  return `${(s / 86_400).toFixed(1)}d`
}
