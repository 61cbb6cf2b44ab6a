import { describe, expect, it } from 'vitest'
import { StormControl } from '../../../hub/src/notify/storm.js'

const MIN = 60_000
const T0 = Date.parse('2026-12-02T03:00:00Z')
const alarm = (i: number, level: 1 | 2 | 3 | 4 = 3) => ({ id: `a${i}`, level, type: 'gas_high', device: `d${i}`, raisedAt: T0 + i })

describe('storm control: more than N alarms of a park in a minute → one summary per park per minute', () => {
  it.each([
    // raised within the minute, limit → in a storm after the last raise
    [10, 10, false],
    [11, 10, true],
    [3, 2, true],
    [1, 1, false],
  ])('%i raised with a limit of %i: storm %s', (n, limit, storm) => {
    const s = new StormControl(limit)
    for (let i = 0; i < n; i++) s.noteRaise('vtc', T0 + i * 1000)
    expect(s.inStorm('vtc', T0 + n * 1000)).toBe(storm)
    expect(s.inStorm('glc', T0 + n * 1000)).toBe(false) // per park
  })

  it('the window slides: a minute later the park is calm again', () => {
    const s = new StormControl(2)
    for (let i = 0; i < 5; i++) s.noteRaise('vtc', T0 + i)
    expect(s.inStorm('vtc', T0 + 30_000)).toBe(true)
    expect(s.inStorm('vtc', T0 + MIN + 10)).toBe(false)
  })

  it('gathers a minute\'s messages and sums them up once when the minute ends: counts by level, the most severe first', () => {
    const s = new StormControl(2)
    const levels = [3, 3, 2, 4, 1, 3, 3] as const
    levels.forEach((l, i) => s.gather('vtc', alarm(i, l), 'vtc-wecom', ['wang'], T0 + i * 1000))
    s.gather('vtc', alarm(0, 3), 'sms', ['wang', 'li'], T0 + 8000) // the same alarm again: counted once
    s.gather('glc', alarm(9, 2), 'glc-ding', ['zhao'], T0 + 9000)
    expect(s.due(T0 + 59_000)).toEqual([])
    const out = s.due(T0 + MIN)
    expect(out.map((x) => x.park)).toEqual(['vtc', 'glc'])
    const vtc = out[0]!
    expect(vtc.counts).toEqual({ 1: 1, 2: 1, 3: 4, 4: 1 })
    expect(vtc.total).toBe(7)
    expect(vtc.alarms).toHaveLength(7)
    expect(vtc.top.map((a) => a.level)).toEqual([1, 2, 3, 3, 3])
    expect([...vtc.channels.keys()]).toEqual(['vtc-wecom', 'sms'])
    expect([...vtc.channels.get('sms')!]).toEqual(['wang', 'li'])
    expect(s.due(T0 + 2 * MIN)).toEqual([]) // each once
  })

  it('keeps the minutes apart: one summary per minute', () => {
    const s = new StormControl(1)
    s.gather('vtc', alarm(1), 'w', [], T0 + 10)
    s.gather('vtc', alarm(2), 'w', [], T0 + MIN + 10)
    const out = s.due(T0 + 2 * MIN)
    expect(out.map((x) => [x.minute - T0, x.total])).toEqual([[0, 1], [MIN, 1]])
  })
})
