/**
 * Latching alarms (ISA-18.2 / IEC 62682 "latching alarm"; GB 16808 gas alarm controllers,
 * GB 4717 fire alarm control panels): at and around every transition, under a fake clock.
 */
import { describe, expect, it } from 'vitest'
import { AlarmBook } from '../../../hub/src/alarms/alarm-book.js'
import type { AlarmBookDeps } from '../../../hub/src/alarms/types.js'
import type { Alarm, AlarmLevel } from '../../../hub/src/model/alarm.js'
import { bookWith, counterIds, fakeClock, MIN, SEC, T0, transition } from './fixtures.js'

type Op =
  | { on: 'activate'; level: AlarmLevel; value: number; overRange?: boolean }
  | { on: 'clear'; value: number }
  | { on: 'ack' | 'reset' | 'resolve' | 'close' }

interface Row {
  name: string
  op: Op
  /** What the alarm looks like after the op. */
  want?: Partial<Alarm>
  /** The op is refused with this code. */
  refused?: string
  /** The last step recorded. */
  step?: { action: string; level?: AlarmLevel; note?: RegExp }
}

function run(rows: Row[], deps: Partial<AlarmBookDeps> = { latching: undefined }): void {
  const clock = fakeClock()
  const { book } = bookWith(clock, deps)
  let id = ''
  for (const [i, row] of rows.entries()) {
    clock.set(T0 + i * MIN)
    const op = row.op
    const act = (): Alarm | undefined => {
      switch (op.on) {
        case 'activate': return book.apply(transition({ ts: clock.now(), level: op.level, value: op.value, overRange: op.overRange }))
        case 'clear': return book.apply(transition({ ts: clock.now(), kind: 'clear', value: op.value }))
        case 'ack': return book.ack(id, 'zhang')
        case 'reset': return book.reset(id, 'zhang', { note: '现场复查无泄漏' })
        case 'resolve': return book.resolve(id, 'zhang', { cause: '阀门密封失效', action: '更换密封' })
        case 'close': return book.close(id, 'zhang', { note: '复盘完成' })
      }
    }
    if (row.refused !== undefined) {
      const before = book.get(id)
      expect(act, row.name).toThrow(expect.objectContaining({ code: row.refused }))
      expect(book.get(id), `${row.name}: a refused action changes nothing`).toEqual(before)
      continue
    }
    act()
    id ||= book.byKey(transition({ ts: 0 }).key)!.id
    const a = book.get(id)!
    if (row.want) expect(a, row.name).toMatchObject(row.want)
    if (row.step) {
      const last = a.history.at(-1)!
      expect(last.action, row.name).toBe(row.step.action)
      if (row.step.level !== undefined) expect(last.level, row.name).toBe(row.step.level)
      if (row.step.note) expect(last.note, row.name).toMatch(row.step.note)
    }
  }
}

describe('latching life-safety alarms (default)', () => {
  it('raises with its class and latching on; escalation follows, deescalation is recorded as the current level only', () => {
    run([
      { name: 'first level (orange)', op: { on: 'activate', level: 2, value: 30 }, want: { class: 'life-safety', latching: true, latched: false, level: 2, peakLevel: 2, currentLevel: 2, ack: 'unacked' } },
      { name: 'second level (red)', op: { on: 'activate', level: 1, value: 55 }, want: { level: 1, peakLevel: 1, currentLevel: 1, value: 55 }, step: { action: 'escalate', level: 1, note: /level 2 → 1/ } },
      { name: 'back to first level while unacked: held red', op: { on: 'activate', level: 2, value: 40 }, want: { level: 1, currentLevel: 2, value: 40, ack: 'unacked' }, step: { action: 'deescalate', level: 2, note: /held at level 1 \(latching\)/ } },
      { name: 'ack', op: { on: 'ack' }, want: { level: 1, currentLevel: 2, ack: 'acked' } },
      { name: 'back to red: the level is already red, still acked', op: { on: 'activate', level: 1, value: 60 }, want: { level: 1, currentLevel: 1, ack: 'acked' }, step: { action: 'escalate', note: /held at level 1/ } },
      { name: 'first level again, acked: still held red', op: { on: 'activate', level: 2, value: 30 }, want: { level: 1, currentLevel: 2, ack: 'acked' }, step: { action: 'deescalate', level: 2 } },
    ])
  })

  it('a cleared alarm stays latched at its peak until reset; reset is refused while active', () => {
    run([
      { name: 'red', op: { on: 'activate', level: 1, value: 55 } },
      { name: 'reset while active', op: { on: 'reset' }, refused: 'condition_active' },
      { name: 'deescalate', op: { on: 'activate', level: 2, value: 30 }, want: { level: 1, currentLevel: 2 } },
      { name: 'reset while active at a lower level', op: { on: 'reset' }, refused: 'condition_active' },
      { name: 'clear', op: { on: 'clear', value: 3 }, want: { condition: 'cleared', level: 1, peakLevel: 1, currentLevel: undefined, latched: true, value: 3 }, step: { action: 'clear', level: 1, note: /latched, awaiting reset/ } },
      { name: 'resolve while latched is allowed', op: { on: 'resolve' }, want: { workflow: 'resolved', latched: true } },
      { name: 'close while latched', op: { on: 'close' }, refused: 'latched' },
      { name: 'reset after clear: acknowledged first, latch released', op: { on: 'reset' }, want: { latched: false, ack: 'acked', level: 1, condition: 'cleared' }, step: { action: 'reset', level: 1, note: /现场复查/ } },
      { name: 'reset twice', op: { on: 'reset' }, refused: 'invalid_state' },
      { name: 'close after reset', op: { on: 'close' }, want: { workflow: 'closed' } },
    ])
  })

  it('reactivation while latched keeps the held level; after reset it annunciates at its own level', () => {
    run([
      { name: 'red', op: { on: 'activate', level: 1, value: 55 } },
      { name: 'clear', op: { on: 'clear', value: 2 }, want: { latched: true } },
      { name: 'orange before reset: held red, unlatched (active again)', op: { on: 'activate', level: 2, value: 30 }, want: { condition: 'active', latched: false, level: 1, currentLevel: 2, ack: 'unacked' }, step: { action: 'reactivate', note: /held at level 1 \(latched, not reset\)/ } },
      { name: 'clear again', op: { on: 'clear', value: 2 }, want: { latched: true, level: 1 } },
      { name: 'reset', op: { on: 'reset' }, want: { latched: false } },
      { name: 'orange after reset: a new annunciation at orange', op: { on: 'activate', level: 2, value: 30 }, want: { condition: 'active', latched: false, level: 2, peakLevel: 1, currentLevel: 2, ack: 'unacked' }, step: { action: 'reactivate', note: /level 1 → 2/ } },
    ])
  })

  it('over range follows the latest value', () => {
    run([
      { name: 'over range', op: { on: 'activate', level: 1, value: 125, overRange: true }, want: { overRange: true, value: 125 } },
      { name: 'in range again', op: { on: 'activate', level: 1, value: 80 }, want: { overRange: false, value: 80 } },
      { name: 'clear', op: { on: 'clear', value: 0 }, want: { overRange: false } },
    ])
  })
})

describe('non-latching alarms', () => {
  const off = { latching: { 'life-safety': false } } as const
  it('follow the condition once acknowledged, hold while unacknowledged, and have nothing to reset', () => {
    run([
      { name: 'red', op: { on: 'activate', level: 1, value: 55 }, want: { latching: false, level: 1 } },
      { name: 'orange while unacked: held red (never silently steps down)', op: { on: 'activate', level: 2, value: 30 }, want: { level: 1, currentLevel: 2 }, step: { action: 'deescalate', note: /held at level 1 \(unacknowledged\)/ } },
      { name: 'ack releases the hold', op: { on: 'ack' }, want: { level: 2, currentLevel: 2, ack: 'acked' }, step: { action: 'ack', note: /level 1 → 2 \(held while unacknowledged\)/ } },
      { name: 'red again', op: { on: 'activate', level: 1, value: 55 }, want: { level: 1, ack: 'unacked' } },
      { name: 'ack', op: { on: 'ack' } },
      { name: 'orange, acked: steps down', op: { on: 'activate', level: 2, value: 30 }, want: { level: 2 }, step: { action: 'deescalate', note: /level 1 → 2/ } },
      { name: 'clear: not latched', op: { on: 'clear', value: 1 }, want: { condition: 'cleared', latched: false, level: 2 } },
      { name: 'reset', op: { on: 'reset' }, refused: 'invalid_state' },
    ], off)
  })

  it('device-health, environmental and energy classes do not latch by default', () => {
    const clock = fakeClock()
    const { book } = bookWith(clock, { latching: undefined })
    const cases = [
      { rule: 'deadman', type: 'device_offline', cls: 'device-health' },
      { rule: 'event', type: 'panel_fault', cls: 'device-health' },
      { rule: 'journal', type: 'journal_filling', cls: 'device-health' },
      { rule: 'event', type: 'smoke_alarm', cls: 'life-safety' },
      { rule: 'emission', type: 'emission_exceedance', cls: 'environmental' },
      { rule: 'max_demand', type: 'max_demand_exceeded', cls: 'energy' },
      { rule: 'setpoint', type: 'gas_high', cls: 'life-safety' },
    ] as const
    for (const c of cases) {
      const a = book.apply(transition({ key: c.type, rule: c.rule, type: c.type, ts: T0, level: 3 }))!
      expect(a, c.type).toMatchObject({ class: c.cls, latching: c.cls === 'life-safety' })
      expect(book.apply(transition({ key: c.type, rule: c.rule, type: c.type, ts: T0 + SEC, kind: 'clear' }))!.latched).toBe(c.cls === 'life-safety')
    }
  })

  it('a transition\'s own class wins; otherwise the device kind decides', () => {
    const clock = fakeClock()
    const { book } = bookWith(clock, { latching: { 'device-health': true }, deviceKind: (d) => (d === 'stack-1' ? 'emission' : undefined) })
    expect(book.apply(transition({ key: 'x', ts: T0, type: 'so2_high', device: 'stack-1' }))!.class).toBe('environmental')
    const fault = book.apply(transition({ key: 'y', ts: T0, type: 'gas_high', class: 'device-health' }))!
    expect(fault).toMatchObject({ class: 'device-health', latching: true })
    expect(book.list({ class: 'device-health' }).map((a) => a.id)).toEqual([fault.id])
  })
})

describe('restore of older snapshots', () => {
  it('derives class, peak level, current level and latch for alarms saved without them', () => {
    const clock = fakeClock(T0 + 10 * MIN)
    const { book } = bookWith(clock, { latching: undefined })
    book.apply(transition({ key: 'gas', ts: T0, level: 1 }))
    book.apply(transition({ key: 'gas', ts: T0 + MIN, level: 2 }))
    book.apply(transition({ key: 'off', rule: 'deadman', type: 'device_offline', ts: T0, level: 3 }))
    book.apply(transition({ key: 'old', ts: T0, level: 1 }))
    book.apply(transition({ key: 'old', ts: T0 + MIN, kind: 'clear' }))
    const old = JSON.parse(JSON.stringify(book.snapshot()))
    for (const { alarm } of old.alarms) {
      for (const f of ['class', 'peakLevel', 'currentLevel', 'latching', 'latched', 'overRange']) delete alarm[f]
      if (alarm.level === 1 && alarm.condition === 'active') alarm.level = 2 // an old, non-latching alarm that stepped down
    }
    const restored = AlarmBook.restore(old, { clock: clock.now, newId: counterIds('r') })
    expect(restored.byKey('gas')).toMatchObject({ class: 'life-safety', level: 2, peakLevel: 1, currentLevel: 2, latching: true, latched: false, overRange: false })
    expect(restored.byKey('off')).toMatchObject({ class: 'device-health', latching: false, currentLevel: 3 })
    // Cleared under the old rules: never latched after the fact, so nothing to reset.
    expect(restored.byKey('old')).toMatchObject({ condition: 'cleared', currentLevel: undefined, latched: false })
    // A restore of the restored book is identical.
    const again = AlarmBook.restore(JSON.parse(JSON.stringify(restored.snapshot())), { clock: clock.now })
    expect(JSON.stringify(again.snapshot())).toBe(JSON.stringify(restored.snapshot()))
  })
})
