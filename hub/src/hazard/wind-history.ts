/**
 * The last 10 minutes of each weather station's wind direction, for the spread the footprint's
 * uncertainty band turns the wind by: the circular standard deviation √(−2 ln R̄) of the
 * directions (Mardia & Jupp, Directional Statistics, 2000, §2.3.4), R̄ the mean resultant length.
 */
const WINDOW_MS = 10 * 60_000
const MAX_SAMPLES = 600

export class WindHistory {
  private readonly byStation = new Map<string, { ts: number; deg: number }[]>()

  /** A direction read at `ts` (the same reading twice counts once). */
  add(station: string, ts: number, deg: number, now: number): void {
    if (!Number.isFinite(deg)) return
    const list = this.byStation.get(station) ?? []
    if (list.length > 0 && list[list.length - 1]!.ts >= ts) return
    list.push({ ts, deg })
    while (list.length > 0 && (list[0]!.ts < now - WINDOW_MS || list.length > MAX_SAMPLES)) list.shift()
    this.byStation.set(station, list)
  }

  /** Circular standard deviation of the directions of the last 10 minutes, degrees (0 with fewer than two). */
  spread(station: string, now: number): number {
    const list = (this.byStation.get(station) ?? []).filter((s) => s.ts >= now - WINDOW_MS)
    if (list.length < 2) return 0
    let c = 0
    let s = 0
    for (const { deg } of list) {
      c += Math.cos((deg * Math.PI) / 180)
      s += Math.sin((deg * Math.PI) / 180)
    }
    const r = Math.min(1, Math.hypot(c, s) / list.length)
    return r <= 0 ? 180 : (Math.sqrt(-2 * Math.log(r)) * 180) / Math.PI
  }
}
