/**
 * The stage states of one rule, keyed by condition key, plus the index of conditions with a
 * running timer so that `tick` visits only those (not every device). Only conditions that
 * are active or timing are kept: a normal condition has no entry.
 */
import { advance, isOlder, isPending, observe, starts, type StageConfig, type StageState, type StageStep } from './stages.js'

/** A stage state with the device and metric it belongs to (plain JSON). */
export interface Condition extends StageState {
  d: string
  m: string
  /** Set while the latest sample was over range (setpoint.ts `overRange`); absent otherwise and in older states. */
  o?: 1 | undefined
}

export type ConditionMap = Record<string, Condition>

/** The active stage of a condition moved from `from` to `to` (−1 = normal) at `t`, on value `v`. */
export interface ConditionChange {
  key: string
  device: string
  metric: string
  from: number
  to: number
  t: number
  v: number
}

export class ConditionBook {
  private conds: ConditionMap = Object.create(null) as ConditionMap
  private readonly pending = new Set<string>()

  get(key: string): Condition | undefined {
    return this.conds[key]
  }

  /** Feed a sample; returns the change, if the active stage moved. */
  observe(key: string, device: string, metric: string, value: number, at: number, cfg: StageConfig): ConditionChange | undefined {
    const prev = this.conds[key]
    // Hot path: normal and staying normal; nothing to build.
    if (!prev && !starts(value, cfg)) return undefined
    const step = observe(prev, value, at, cfg)
    if (!prev && !step.state) return undefined
    return this.store(key, device, metric, step)
  }

  /**
   * Put the condition at stage `top` at once, no on-delay (an over-range reading: the
   * highest alarm of its metric), marked over range. Returns the change, with `wasOver`
   * telling whether the previous sample was already over range.
   */
  force(key: string, device: string, metric: string, top: number, value: number, at: number): { change: ConditionChange; wasOver: boolean } {
    const prev = this.conds[key]
    const from = prev ? prev.s : -1
    const t = prev ? Math.max(at, prev.t) : at
    const none = new Array<number | null>(top + 1).fill(null)
    // An older sample raises only (stages.ts): the condition keeps the newest sample's value and mark.
    const older = prev !== undefined && isOlder(prev, at)
    this.conds[key] = { s: top, on: none, off: [...none], t, v: older ? prev.v : value, n: older ? prev.n : at, d: device, m: metric, o: older ? prev.o : 1 }
    this.pending.delete(key)
    return { change: { key, device, metric, from, to: top, t, v: value }, wasOver: prev?.o === 1 }
  }

  /**
   * Stop the clear timers of an active condition: its metric's data cannot be trusted now
   * (a fault, maintenance), so the condition must not run out to normal on the strength of
   * samples before (data-quality.ts). On-delays keep running: an alarm is never held back.
   * A flagged sample older than the condition's newest (`at`) says nothing of now: the newest
   * samples' clear goes on (stages.ts, an older sample).
   */
  holdClear(key: string, at: number): void {
    const cond = this.conds[key]
    if (!cond || cond.s < 0 || isOlder(cond, at) || !cond.off.some((x) => x !== null)) return
    cond.off = cond.off.map(() => null)
    if (!isPending(cond)) this.pending.delete(key)
  }

  /**
   * Run out timers at `now`. `configOf` gives the current config of a condition, or
   * undefined when its device or metric is gone (the condition is then dropped silently:
   * whoever removed it emitted the clear).
   */
  tick(now: number, configOf: (cond: Condition, key: string) => StageConfig | undefined): ConditionChange[] {
    const out: ConditionChange[] = []
    for (const key of [...this.pending]) {
      const cond = this.conds[key]
      const cfg = cond && configOf(cond, key)
      if (!cond || !cfg) {
        this.drop(key)
        continue
      }
      const change = this.store(key, cond.d, cond.m, advance(cond, now, cfg))
      if (change) out.push(change)
    }
    return out
  }

  drop(key: string): Condition | undefined {
    const cond = this.conds[key]
    delete this.conds[key]
    this.pending.delete(key)
    return cond
  }

  /** The live conditions, not a copy (engine.ts `state()`). */
  state(): ConditionMap {
    return this.conds
  }

  restore(state: ConditionMap, keep: (cond: Condition, key: string) => boolean): void {
    this.conds = Object.create(null) as ConditionMap
    this.pending.clear()
    for (const [key, cond] of Object.entries(state)) {
      if (!keep(cond, key)) continue
      const copy = structuredClone(cond)
      this.conds[key] = copy
      if (isPending(copy)) this.pending.add(key)
    }
  }

  private store(key: string, device: string, metric: string, step: StageStep): ConditionChange | undefined {
    const state = step.state
    let cond: Condition | undefined
    if (state) {
      cond = { ...state, d: device, m: metric }
      this.conds[key] = cond
      if (isPending(state)) this.pending.add(key)
      else this.pending.delete(key)
    } else {
      this.drop(key)
    }
    if (step.from === step.to) return undefined
    return { key, device, metric, from: step.from, to: step.to, t: step.t, v: step.v }
  }
}
