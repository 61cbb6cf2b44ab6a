/**
 * The multi-stage alarm machine shared by set points and rate of rise: pure functions over a
 * plain-JSON state. ISA-18.2 / EEMUA 191 good practice: deadband (hysteresis) on clear,
 * on-delay and off-delay, one condition whose level moves between stages.
 *
 * For a high condition with stages v0 < v1 < … (mildest first) and deadband d:
 *
 * | stage k is …  | when                                                            |
 * |---------------|-----------------------------------------------------------------|
 * | entered       | value ≥ vk (GB/T 50493: alarm AT the set point) for onDelay      |
 * | held          | once entered, until value < vk − d has lasted offDelay           |
 *
 * The active stage is the highest entered-or-held one; −1 is normal. A low condition is the
 * mirror image (value ≤ vk enters, value > vk + d releases). Times are milliseconds; the
 * machine's clock never runs backwards (an older sample is evaluated at the latest time).
 *
 * A sample older than the condition's newest (a gateway's buffer flushed after newer readings,
 * a reading published again after a restart or a fail-over) can raise but never lower: it may
 * start an on-delay, and so raise or escalate the alarm (an older dangerous reading is never
 * passed over in silence), but it resets no running on-delay and starts or stops no clear
 * timer. Whether the value is back to normal is for the newest samples to say: an older
 * normal one after a newer one at 60 %LEL would otherwise start the clear, and with the
 * detector silent after it (burnt, or its link lost in the fire) the alarm would clear itself.
 */

export type Direction = 'high' | 'low'

export interface StageConfig {
  direction: Direction
  /** Set points, mildest first: ascending for high, descending for low. */
  thresholds: readonly number[]
  deadband: number
  onDelayMs: number
  offDelayMs: number
}

/** Plain JSON; absent (undefined) means normal with no timer running. */
export interface StageState {
  /** Active stage index, −1 = normal. */
  s: number
  /** Per stage above the active one: since when the value has been at or beyond its set point. */
  on: (number | null)[]
  /** Per stage up to the active one: since when the value has been back past its clear point. */
  off: (number | null)[]
  /** Latest evaluation time, ms: the newest sample's, or later when time ran on (`advance`). */
  t: number
  /** Latest value. */
  v: number
  /** The newest sample's own time, ms; absent in states written before it was kept. */
  n?: number
}

export interface StageStep {
  state: StageState | undefined
  /** Active stage before and after; equal when nothing changed. */
  from: number
  to: number
  /** Evaluation time and the value the step saw. */
  t: number
  v: number
}

function beyond(cfg: StageConfig, value: number, th: number): boolean {
  return cfg.direction === 'high' ? value >= th : value <= th
}

function backPast(cfg: StageConfig, value: number, th: number): boolean {
  return cfg.direction === 'high' ? value < th - cfg.deadband : value > th + cfg.deadband
}

/** Whether a sample taken at `at` is older than the newest the condition has seen: it raises only (see the top of this file). */
export function isOlder(state: Pick<StageState, 'n'>, at: number): boolean {
  return state.n !== undefined && at < state.n
}

/** A normal condition with this sample would start timing (at or beyond the mildest set point). */
export function starts(value: number, cfg: StageConfig): boolean {
  const first = cfg.thresholds[0]
  return first !== undefined && beyond(cfg, value, first)
}

/** Feed one sample taken at `at` (ms). */
export function observe(prev: StageState | undefined, value: number, at: number, cfg: StageConfig): StageStep {
  const n = cfg.thresholds.length
  // Hot path: normal and not at the mildest set point: nothing to keep.
  if (!prev && !starts(value, cfg)) return { state: undefined, from: -1, to: -1, t: at, v: value }
  const from = prev ? Math.min(prev.s, n - 1) : -1
  const t = prev ? Math.max(at, prev.t) : at
  if (prev && isOlder(prev, at)) return older(prev, from, value, t, cfg)
  const on: (number | null)[] = new Array<number | null>(n)
  const off: (number | null)[] = new Array<number | null>(n)
  for (let k = 0; k < n; k++) {
    const th = cfg.thresholds[k] as number
    on[k] = beyond(cfg, value, th) ? (prev?.on[k] ?? t) : null
    off[k] = k <= from && backPast(cfg, value, th) ? (prev?.off[k] ?? t) : null
  }
  return settle({ s: from, on, off, t, v: value, n: Math.max(at, prev?.n ?? at) }, from, cfg)
}

/**
 * A sample older than the condition's newest: raise only (see the top of this file). The state
 * keeps the newest sample's value; a stage it raises reports the older sample's own value.
 */
function older(prev: StageState, from: number, value: number, t: number, cfg: StageConfig): StageStep {
  const n = cfg.thresholds.length
  const on: (number | null)[] = new Array<number | null>(n)
  const off: (number | null)[] = new Array<number | null>(n)
  for (let k = 0; k < n; k++) {
    on[k] = k > from && beyond(cfg, value, cfg.thresholds[k] as number) ? (prev.on[k] ?? t) : (prev.on[k] ?? null)
    off[k] = prev.off[k] ?? null
  }
  const step = settle({ s: from, on, off, t, v: prev.v, n: prev.n }, from, cfg)
  return step.to !== step.from ? { ...step, v: value } : step
}

/** Let time pass to `now` without a new sample (on-delays and off-delays run out). */
export function advance(prev: StageState, now: number, cfg: StageConfig): StageStep {
  const from = Math.min(prev.s, cfg.thresholds.length - 1)
  const state: StageState = { s: from, on: [...prev.on], off: [...prev.off], t: Math.max(now, prev.t), v: prev.v, n: prev.n }
  return settle(state, from, cfg)
}

function settle(state: StageState, from: number, cfg: StageConfig): StageStep {
  const n = cfg.thresholds.length
  let to = -1
  for (let k = n - 1; k >= 0; k--) {
    if (k > from) {
      const since = state.on[k] ?? null
      if (since !== null && state.t - since >= cfg.onDelayMs) {
        to = k
        break
      }
    } else {
      const since = state.off[k] ?? null
      const released = since !== null && state.t - since >= cfg.offDelayMs
      if (!released) {
        to = k
        break
      }
    }
  }
  state.s = to
  // Keep only the timers that still mean something: `on` above the active stage, `off` up to it.
  for (let k = 0; k < n; k++) {
    if (k <= to) state.on[k] = null
    else state.off[k] = null
  }
  const idle = to === -1 && state.on.every((x) => x === null)
  return { state: idle ? undefined : state, from, to, t: state.t, v: state.v }
}

/** Whether a timer is running, so that a later `advance` could change the stage. */
export function isPending(state: StageState): boolean {
  return state.on.some((x) => x !== null) || state.off.some((x) => x !== null)
}
