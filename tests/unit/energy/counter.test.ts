import { describe, expect, it } from 'vitest'
import { counterIntervals, step, summaryUsage, type CounterReading, type CounterSummary, type StepKind } from '../../../hub/src/energy/counter.js'

const MIN = 60_000

describe('one counter step', () => {
  const cases: [string, number, number, number, StepKind, number][] = [
    ['forward', 1000, 1012.5, 12.5, 'normal', 1012.5],
    ['unchanged', 1000, 1000, 0, 'normal', 1000],
    ['a hair backwards (register rounding)', 1_000_000, 999_999.5, 0, 'jitter', 1_000_000],
    ['reset to zero', 1_000_000, 0, 0, 'reset', 0],
    ['new meter counting from zero', 4_321_000, 3.2, 3.2, 'reset', 3.2],
    ['drop to half counts as a restart', 1000, 500, 500, 'reset', 500],
    ['swapped for a used meter (smaller drop)', 1000, 800, 0, 'drop', 800],
  ]
  it.each(cases)('%s: %d → %d uses %d (%s)', (_name, prev, cur, usage, kind, baseline) => {
    expect(step(prev, cur)).toEqual({ usage, kind, baseline })
  })
})

describe('intervals from readings', () => {
  const r = (min: number, value: number): CounterReading => ({ ts: min * MIN, value })

  it('differences, never negative; resets count the new value; jitter keeps the baseline', () => {
    const out = counterIntervals([r(0, 100), r(1, 110), r(2, 109.9999), r(3, 120), r(4, 2), r(5, 7)], 60_000)
    expect(out.map((i) => [i.usage, i.kind])).toEqual([[10, 'normal'], [0, 'jitter'], [10, 'normal'], [2, 'reset'], [5, 'normal']])
    expect(out.reduce((a, i) => a + i.usage, 0)).toBeCloseTo(27, 9)
    expect(out.every((i) => i.usage >= 0)).toBe(true)
  })

  it('a replaced meter that does not start from zero: its first reading is the new baseline', () => {
    const out = counterIntervals([r(0, 5000), r(1, 5010), r(2, 3000), r(3, 3004)], 60_000)
    expect(out.map((i) => [i.usage, i.kind])).toEqual([[10, 'normal'], [0, 'drop'], [4, 'normal']])
  })

  it('marks a gap when no reading came for more than 3 intervals; its use still counts', () => {
    const out = counterIntervals([r(0, 0), r(1, 1), r(4, 4), r(8, 8)], 60_000)
    expect(out.map((i) => [i.usage, i.gap])).toEqual([[1, false], [3, false], [4, true]])
  })

  it('sorts readings and skips repeated timestamps', () => {
    const out = counterIntervals([r(2, 20), r(0, 0), r(1, 10), r(1, 10)], 60_000)
    expect(out.map((i) => i.usage)).toEqual([10, 10])
  })
})

describe('usage from bucket summaries equals usage from readings', () => {
  const H = 60 * MIN
  function summarise(readings: CounterReading[]): { start: number; end: number; s: CounterSummary }[] {
    const by = new Map<number, CounterReading[]>()
    for (const x of readings) {
      const b = Math.floor(x.ts / H) * H
      by.set(b, [...(by.get(b) ?? []), x])
    }
    return [...by].map(([start, xs]) => ({ start, end: start + H, s: { first: xs[0]!.value, last: xs[xs.length - 1]!.value, min: Math.min(...xs.map((x) => x.value)), max: Math.max(...xs.map((x) => x.value)), n: xs.length } }))
  }
  function perBucketFromReadings(readings: CounterReading[]): Map<number, number> {
    const out = new Map<number, number>()
    for (const i of counterIntervals(readings.slice(1), 60_000)) {
      const b = Math.floor(i.to / H) * H
      out.set(b, (out.get(b) ?? 0) + i.usage)
    }
    // the first interval, from the baseline reading
    const first = counterIntervals(readings.slice(0, 2), 60_000)[0]!
    const b = Math.floor(first.to / H) * H
    out.set(b, (out.get(b) ?? 0) + first.usage)
    return out
  }

  const scenarios: [string, (m: number) => number][] = [
    ['steady', (m) => 1000 + m * 2.5],
    ['reset inside an hour (minute 90)', (m) => (m < 90 ? 50_000 + m * 3 : (m - 90) * 3 + 1)],
    ['reset on an hour boundary (minute 120)', (m) => (m < 120 ? 50_000 + m * 3 : (m - 120) * 3)],
    ['used meter fitted at minute 150', (m) => (m < 150 ? 50_000 + m * 3 : 40_000 + (m - 150) * 3)],
  ]
  it.each(scenarios)('%s', (_name, value) => {
    const readings = Array.from({ length: 240 }, (_, m) => ({ ts: m * MIN + 30_000, value: value(m) }))
    const [baseline, ...rest] = readings
    const got = summaryUsage(summarise(rest), baseline, 3 * MIN)
    const want = perBucketFromReadings(readings)
    for (const b of got) expect(b.usage).toBeCloseTo(want.get(b.start) ?? 0, 6)
    expect(got.reduce((a, b) => a + b.usage, 0)).toBeCloseTo([...want.values()].reduce((a, b) => a + b, 0), 6)
  })

  it('flags resets, drops and buckets after an empty one', () => {
    const b = (start: number, s: Partial<CounterSummary>) => ({ start: start * H, end: (start + 1) * H, s: { first: 0, last: 0, min: 0, max: 0, n: 60, ...s } })
    const got = summaryUsage([
      b(0, { first: 100, last: 160, min: 100, max: 160 }),
      b(1, { first: 161, last: 5, min: 1, max: 170 }), // reset inside: 170 − 161 + 5 + boundary 1
      b(3, { first: 20, last: 30, min: 20, max: 30 }), // hour 2 empty: a gap
    ], undefined, 3 * MIN)
    expect(got.map((x) => [x.usage, x.reset, x.gap])).toEqual([[60, false, false], [15, true, false], [25, false, true]])
    expect(got[2]!.gapFrom).toBe(2 * H)
  })
})
