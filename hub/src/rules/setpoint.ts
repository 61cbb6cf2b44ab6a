/**
 * Multi-level high and low set points with hysteresis, on-delay and off-delay.
 *
 * One condition per (device, metric, direction): key `${device}:${metric}:high` or `…:low`.
 * Its level moves between stages (GB/T 50493-2019 first level 一级 → second level 二级 and
 * back), so an alarm escalates rather than duplicates (ISA-18.2: one alarm per condition).
 *
 * Emits `activate` (level, value, threshold = the stage's set point) when the condition
 * becomes active or changes level, and `clear` when it returns to normal.
 */
import type { Transition } from '../model/alarm.js'
import { msg, type MessageCode, type MessageParam } from '../model/messages/index.js'
import { UNITS, type DeviceKind } from '../model/vocabulary.js'
import { ConditionBook, type ConditionChange, type ConditionMap } from './condition-book.js'
import { compiledMetric, type CompiledMetric, type DeviceEntry } from './device-entry.js'
import type { Stage } from './setpoint-resolver.js'
import { setpointKey } from './setpoint-key.js'
import type { Direction, StageConfig } from './stages.js'
import { toLevel, transition } from './transition.js'

export const SETPOINT_RULE = 'setpoint'

const STAGE_NAMES: Readonly<Record<string, MessageCode>> = {
  first: 'alarmStage.first', second: 'alarmStage.second', low: 'alarmStage.low', high: 'alarmStage.high', fixed: 'alarmStage.fixed',
}

/** A stage's name in a history note: the default stages' in the reader's language, another configured name as is, else `stage n`. */
function stageName(stage: { stage?: string | undefined }, index: number): MessageParam {
  if (stage.stage === undefined) return msg('alarmNote.stage', { n: index + 1 })
  const code = Object.hasOwn(STAGE_NAMES, stage.stage) ? STAGE_NAMES[stage.stage] : undefined
  return code !== undefined ? msg(code) : stage.stage
}
const DIRECTIONS: readonly Direction[] = ['high', 'low']

/** Alarm type: `gas_high`, `o2_low`, `fire`; other kinds `${metric}_${dir}`. */
export function setpointType(kind: DeviceKind, metric: string, dir: Direction): string {
  if (kind === 'gas') return metric === 'o2' ? `o2_${dir}` : `gas_${dir}`
  if (kind === 'fire' && dir === 'high') return 'fire'
  return `${metric}_${dir}`
}

function dirOf(key: string): Direction {
  return key.endsWith(':low') ? 'low' : 'high'
}

function configOf(cm: CompiledMetric, dir: Direction): StageConfig | undefined {
  return dir === 'high' ? cm.high : cm.low
}

function stagesOf(cm: CompiledMetric, dir: Direction): Stage[] {
  return dir === 'high' ? cm.setpoints.high : cm.setpoints.low
}

export class SetpointRule {
  private readonly book = new ConditionBook()

  /** Feed one value of one metric; transitions are appended to `out`. */
  evaluate(entry: DeviceEntry, metric: string, value: number, at: number, out: Transition[]): void {
    const cm = compiledMetric(entry, metric)
    if (!cm) return
    for (const dir of DIRECTIONS) {
      const cfg = configOf(cm, dir)
      if (!cfg) continue
      const change = this.book.observe(cm.keys[dir], entry.place.device, metric, value, at, cfg)
      if (change) out.push(this.toTransition(entry, cm, dir, change))
    }
  }

  /**
   * An over-range value (HJ 212 flag `T`; ingest/measuring-range.ts gives it to a value above
   * the device's measuring range). A detector past its range reads MORE than its range, the
   * most dangerous reading there is (DOMAIN.md, GB/T 50493): the high condition goes to its
   * top stage at once (no on-delay) and says so, once per excursion past the range. The low
   * condition sees the value as it is: oxygen past its range (0–25 %VOL) is enrichment, so
   * `T` on `o2` is its high alarm, never deficiency. A metric without high set points is
   * judged as usual.
   */
  overRange(entry: DeviceEntry, metric: string, value: number, at: number, out: Transition[]): void {
    const cm = compiledMetric(entry, metric)
    if (!cm?.high) return this.evaluate(entry, metric, value, at, out)
    const { change, wasOver } = this.book.force(cm.keys.high, entry.place.device, metric, cm.high.thresholds.length - 1, value, at)
    if (change.from !== change.to || !wasOver) out.push(this.toTransition(entry, cm, 'high', change, true))
    if (cm.low) {
      const low = this.book.observe(cm.keys.low, entry.place.device, metric, value, at, cm.low)
      if (low) out.push(this.toTransition(entry, cm, 'low', low))
    }
  }

  /**
   * The metric's data cannot be trusted now: its conditions stay as they are, their clear timers
   * stopped. `at` is the flagged sample's own time: one older than a condition's newest sample
   * holds nothing (an older sample, stages.ts).
   */
  hold(entry: DeviceEntry, metric: string, at: number): void {
    const cm = compiledMetric(entry, metric)
    if (!cm) return
    if (cm.high) this.book.holdClear(cm.keys.high, at)
    if (cm.low) this.book.holdClear(cm.keys.low, at)
  }

  /** Run out on-delays and off-delays at `now`. */
  tick(now: number, lookup: (id: string) => DeviceEntry | undefined, out: Transition[]): void {
    const changes = this.book.tick(now, (c, key) => {
      const cm = compiledMetric(lookup(c.d), c.m)
      return cm && configOf(cm, dirOf(key))
    })
    for (const change of changes) {
      const entry = lookup(change.device)
      const cm = compiledMetric(entry, change.metric)
      if (entry && cm) out.push(this.toTransition(entry, cm, dirOf(change.key), change))
    }
  }

  /**
   * Clear the device's conditions (removal, or a metric that lost its set points): an active
   * one emits `clear`; timers are dropped. `keep(metric, dir)` spares a condition.
   */
  clearDevice(entry: DeviceEntry, at: number, out: Transition[], keep?: (metric: string, dir: Direction) => boolean): void {
    for (const cm of entry.metrics) {
      const metric = cm.metric
      for (const dir of DIRECTIONS) {
        if (!configOf(cm, dir) || keep?.(metric, dir)) continue
        const key = setpointKey(entry.place.device, metric, dir)
        const cond = this.book.drop(key)
        if (cond && cond.s >= 0) {
          const change: ConditionChange = { key, device: cond.d, metric, from: cond.s, to: -1, t: Math.max(at, cond.t), v: cond.v }
          out.push(this.toTransition(entry, cm, dir, change))
        }
      }
    }
  }

  state(): ConditionMap {
    return this.book.state()
  }

  restore(state: ConditionMap, lookup: (id: string) => DeviceEntry | undefined): void {
    this.book.restore(state, (c, key) => {
      const cm = compiledMetric(lookup(c.d), c.m)
      return cm !== undefined && configOf(cm, dirOf(key)) !== undefined
    })
  }

  /** `overRange`: the transition is an over-range reading (flag T). */
  private toTransition(entry: DeviceEntry, cm: CompiledMetric, dir: Direction, change: ConditionChange, overRange = false): Transition {
    const stages = stagesOf(cm, dir)
    const active = change.to >= 0
    const stage = stages[active ? change.to : Math.min(change.from, stages.length - 1)]
    const unit = UNITS[change.metric] ?? ''
    const sign = dir === 'high' ? '≥' : '≤'
    if (overRange && stage) {
      return transition(entry.place, {
        key: change.key,
        rule: SETPOINT_RULE,
        type: setpointType(entry.place.kind, change.metric, dir),
        kind: 'activate',
        level: toLevel(stage.level),
        metric: change.metric,
        value: change.v,
        threshold: stage.value,
        ts: change.t,
        message: `over range (超量程): ${change.metric} ${change.v} ${unit} past the detector's range (flag T); ${stage.stage ?? `stage ${change.to + 1}`} at once`,
        said: msg('alarmNote.overRange', { metric: change.metric, value: change.v, unit, stage: stageName(stage, change.to) }),
        overRange: true,
      })
    }
    return transition(entry.place, {
      key: change.key,
      rule: SETPOINT_RULE,
      type: setpointType(entry.place.kind, change.metric, dir),
      kind: active ? 'activate' : 'clear',
      level: toLevel(stage?.level ?? 4),
      metric: change.metric,
      value: change.v,
      threshold: stage?.value,
      ts: change.t,
      message: active && stage ? `${stage.stage ?? `stage ${change.to + 1}`}: ${change.metric} ${sign} ${stage.value} ${unit} (now ${change.v})` : undefined,
      said: active && stage ? msg('alarmNote.setpoint', { stage: stageName(stage, change.to), metric: change.metric, sign, value: stage.value, unit, now: change.v }) : undefined,
    })
  }
}
