/**
 * A sample older than the newest one a condition has seen (a gateway's buffer flushed after
 * newer readings, a reading published again after a restart or a fail-over) raises only: it may
 * raise or escalate, never start a clear, reset an on-delay or clear a fault or a fire event
 * (rules/stages.ts, data-quality.ts, events.ts).
 */
import { describe, expect, it } from 'vitest'
import { brief, device, engineWith, event, feed, reading, s } from './fixtures.js'
import { RulesEngine } from '../../../hub/src/rules/engine.js'

const key = 'lel-1:lel:high'

describe('set points: an older sample raises only', () => {
  const lel = device('lel-1', 'gas', ['lel'])

  it('an older normal reading after one at 60 %LEL starts no clear: the alarm holds while the detector is silent', () => {
    const engine = engineWith([lel])
    expect(feed(engine, lel, [[10, 60]], 'lel').map(brief)).toEqual([{ key, kind: 'activate', level: 1, threshold: 50, value: 60 }])
    // Sent at 5 s, arriving after the 10 s one: hub time 11 s.
    expect(engine.onReading(reading(lel, s(5), { lel: 2 }), s(11))).toEqual([])
    // The off-delay (5 s) would have run out long ago had the older reading started it
    // (30 s: before the deadman's 3 × 10 s without data).
    expect(engine.tick(s(30))).toEqual([])
    // The newest readings decide: normal from 31 s, clear 5 s later.
    expect(feed(engine, lel, [[31, 2]], 'lel')).toEqual([])
    expect(engine.tick(s(36)).map(brief)).toEqual([{ key, kind: 'clear', level: 1, threshold: 50, value: 2 }])
  })

  it('the same readings in order clear the alarm (the check above can fail)', () => {
    const engine = engineWith([lel])
    feed(engine, lel, [[5, 60], [10, 2]], 'lel')
    expect(engine.tick(s(30)).map(brief)).toEqual([{ key, kind: 'clear', level: 1, threshold: 50, value: 2 }])
  })

  it('an older dangerous reading still escalates, with its own value; the condition keeps the newest', () => {
    const engine = engineWith([lel])
    expect(feed(engine, lel, [[10, 30]], 'lel').map(brief)).toEqual([{ key, kind: 'activate', level: 2, threshold: 25, value: 30 }])
    expect(engine.onReading(reading(lel, s(4), { lel: 70 }), s(11)).map(brief)).toEqual([{ key, kind: 'activate', level: 1, threshold: 50, value: 70 }])
    expect(engine.snapshot().setpoints[key]).toMatchObject({ s: 1, v: 30, n: s(10) })
    // The older reading started no clear timer; the next reading, below the second level's
    // clear point, does: back to the first level 5 s after it.
    expect(engine.tick(s(20))).toEqual([])
    expect(feed(engine, lel, [[21, 30]], 'lel')).toEqual([])
    expect(engine.tick(s(26)).map(brief)).toEqual([{ key, kind: 'activate', level: 2, threshold: 25, value: 30 }])
  })

  it('an older normal reading does not restart a running on-delay', () => {
    const slow = device('co-1', 'gas', ['co'], { setpoints: { co: { onDelaySec: 10, offDelaySec: 0 } } })
    const engine = engineWith([slow])
    expect(feed(engine, slow, [[0, 25]], 'co')).toEqual([])
    expect(engine.onReading(reading(slow, s(-3), { co: 5 }), s(2))).toEqual([])
    expect(engine.tick(s(10)).map(brief)).toEqual([{ key: 'co-1:co:high', kind: 'activate', level: 2, threshold: 20, value: 25 }])
  })

  it('hub time running ahead of the device clock makes no reading older: a detector 2 s behind still clears', () => {
    const engine = engineWith([lel])
    engine.onReading(reading(lel, s(8), { lel: 60 }), s(10))
    // Ticks every second run the condition's time on to hub time (11 s, 12 s).
    expect(engine.tick(s(11))).toEqual([])
    expect(engine.tick(s(12))).toEqual([])
    expect(engine.onReading(reading(lel, s(11), { lel: 2 }), s(13))).toEqual([])
    expect(engine.tick(s(18)).map(brief)).toEqual([{ key, kind: 'clear', level: 1, threshold: 50, value: 2 }])
  })

  it('an older over-range reading raises the top stage and keeps the newest value', () => {
    const engine = engineWith([lel])
    feed(engine, lel, [[10, 30]], 'lel')
    const out = engine.onReading(reading(lel, s(5), { lel: 125 }, { lel: 'T' }), s(11))
    expect(out.map((t) => [t.kind, t.level, t.value, t.overRange])).toEqual([['activate', 1, 125, true]])
    expect(engine.snapshot().setpoints[key]).toMatchObject({ s: 1, v: 30, n: s(10) })
  })

  it('a restored state keeps the newest sample time: an older reading after a restart clears nothing', () => {
    const engine = engineWith([lel])
    feed(engine, lel, [[10, 60]], 'lel')
    const restarted = engineWith([lel])
    restarted.restore(JSON.parse(JSON.stringify(engine.snapshot())) as ReturnType<RulesEngine['snapshot']>)
    expect(restarted.onReading(reading(lel, s(5), { lel: 2 }), s(20))).toEqual([])
    expect(restarted.tick(s(30))).toEqual([])
  })
})

describe('data quality: an older valid reading clears no fault', () => {
  const h2s = device('h2s-1', 'gas', ['h2s'])

  it('N sent before the D it arrives after leaves the fault active; a newer N clears it', () => {
    const engine = engineWith([h2s])
    expect(engine.onReading(reading(h2s, s(10), { h2s: 0 }, { h2s: 'D' }), s(10)).map((t) => [t.key, t.kind])).toEqual([['h2s-1:fault', 'activate']])
    expect(engine.onReading(reading(h2s, s(5), { h2s: 1 }, { h2s: 'N' }), s(11))).toEqual([])
    expect(engine.qualityOf('h2s-1')).toEqual({ h2s: 'D' })
    // A repeated D moves the flag's time on: an N between the two is older than it.
    engine.onReading(reading(h2s, s(20), { h2s: 0 }, { h2s: 'D' }), s(20))
    expect(engine.onReading(reading(h2s, s(15), { h2s: 1 }, { h2s: 'N' }), s(21))).toEqual([])
    expect(engine.onReading(reading(h2s, s(21), { h2s: 1 }, { h2s: 'N' }), s(22)).map((t) => [t.key, t.kind])).toEqual([['h2s-1:fault', 'clear']])
  })

  it('the flag times survive a restore', () => {
    const engine = engineWith([h2s])
    engine.onReading(reading(h2s, s(10), { h2s: 0 }, { h2s: 'D' }), s(10))
    const restarted = engineWith([h2s])
    restarted.restore(JSON.parse(JSON.stringify(engine.snapshot())) as ReturnType<RulesEngine['snapshot']>)
    expect(restarted.onReading(reading(h2s, s(5), { h2s: 1 }, { h2s: 'N' }), s(12))).toEqual([])
    expect(restarted.qualityOf('h2s-1')).toEqual({ h2s: 'D' })
  })
})

describe('an older fault-flagged reading stops no clear', () => {
  const lel = device('lel-1', 'gas', ['lel'])
  /** An alarm at 10 s, then a valid normal reading at 12 s: its clear runs out at 17 s. */
  function clearing(): RulesEngine {
    const engine = engineWith([lel])
    feed(engine, lel, [[10, 60], [12, 2]], 'lel')
    return engine
  }
  const fault = (engine: RulesEngine, sec: number, now: number) => engine.onReading(reading(lel, s(sec), { lel: 0 }, { lel: 'D' }), s(now))

  it('a D older than the newest valid reading leaves the clear running; a newer D holds it', () => {
    const older = clearing()
    // Sent at 11 s, arriving at 13 s: its own fault alarm is raised, the clear started at 12 s goes on.
    expect(fault(older, 11, 13).map((t) => [t.key, t.kind])).toEqual([['lel-1:fault', 'activate']])
    expect(older.tick(s(17)).filter((t) => t.key === key).map((t) => t.kind)).toEqual(['clear'])

    const newer = clearing()
    fault(newer, 13, 13)
    expect(newer.tick(s(30)).filter((t) => t.key === key)).toEqual([])
  })
})

describe('fire-panel events: an older off clears nothing', () => {
  const panel = device('panel-1', 'fire', [], { area: undefined })
  const ev = 'panel-1:event:smoke_alarm'

  it('off sent before the on it arrives after; off after a repeated on', () => {
    const engine = engineWith([panel])
    expect(engine.onEvent(event(panel, s(10), 'smoke_alarm', 'on'), s(10)).map((t) => [t.key, t.kind])).toEqual([[ev, 'activate']])
    expect(engine.onEvent(event(panel, s(5), 'smoke_alarm', 'off'), s(11))).toEqual([])
    expect(engine.onEvent(event(panel, s(20), 'smoke_alarm', 'on'), s(20))).toEqual([])
    expect(engine.onEvent(event(panel, s(15), 'smoke_alarm', 'off'), s(21))).toEqual([])
    expect(engine.onEvent(event(panel, s(20), 'smoke_alarm', 'off'), s(22)).map((t) => [t.key, t.kind])).toEqual([[ev, 'clear']])
  })
})
