import { describe, expect, it } from 'vitest'
import { Ingest } from '../../../hub/src/ingest/pipeline.js'
import { physicalBounds } from '../../../hub/src/ingest/ranges.js'
import { RAW_RETENTION_MS } from '../../../hub/src/ingest/timestamps.js'
import type { Device } from '../../../hub/src/model/device.js'
import type { Reading, RejectReason } from '../../../hub/src/model/reading.js'
import { decodeTopic } from '../../../hub/src/broker/topic-codec.js'

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0)
const multi: Device = { id: 'm1', kind: 'gas', park: 'p', enterprise: 'e', name: '复合探测器', metrics: ['lel', 'h2s', 'o2'], position: { x: 0, y: 0 }, interval: 5 }
const heat: Device = { id: 'f1', kind: 'fire', park: 'p', enterprise: 'e', name: '感温', metrics: ['temp', 'smoke'], position: { x: 0, y: 0 }, interval: 5 }
const devices = new Map([[multi.id, { device: multi }], [heat.id, { device: heat }]])

function harness() {
  const readings: Reading[] = []
  const rejects: { reason: RejectReason; detail: string }[] = []
  const ingest = new Ingest({
    devices,
    clock: () => NOW,
    maxPayloadBytes: 64 * 1024,
    maxBatch: 1000,
    sink: { readings: (r) => void readings.push(...r), event: () => undefined, status: () => undefined, reject: (r) => void rejects.push({ reason: r.reason, detail: r.detail }) },
  })
  const send = (device: string, payload: unknown) => {
    const topic = `parks/p/e/${device}/telemetry`
    void ingest.handle(decodeTopic(topic)!, topic, Buffer.from(JSON.stringify(payload)))
  }
  return { ingest, readings, rejects, send }
}

describe('ingest: an invalid value refuses that metric only', () => {
  const cases: [name: string, payload: unknown, kept: Record<string, number>, rejected: RejectReason[]][] = [
    ['lel 125 over the detector range, h2s 50: both kept', { values: { lel: 125, h2s: 50 } }, { lel: 125, h2s: 50 }, []],
    ['lel at the physical bound 10,000 %LEL: kept', { values: { lel: 10_000, h2s: 1 } }, { lel: 10_000, h2s: 1 }, []],
    ['lel just past 10,000 %LEL: lel refused, h2s kept', { values: { lel: 10_000.5, h2s: 50 } }, { h2s: 50 }, ['value_out_of_range']],
    ['lel a string: lel refused, h2s kept', { values: { lel: '125', h2s: 50 } }, { h2s: 50 }, ['value_not_finite']],
    ['lel null, o2 20.9: lel refused', { values: { lel: null, o2: 20.9 } }, { o2: 20.9 }, ['value_not_finite']],
    ['a metric the device lacks: refused alone', { values: { kwh: 3, h2s: 5 } }, { h2s: 5 }, ['metric_unknown']],
    ['o2 at 100 %VOL: kept', { values: { o2: 100 } }, { o2: 100 }, []],
    ['o2 just past 100 %VOL: refused, lel kept', { values: { o2: 100.01, lel: 3 } }, { lel: 3 }, ['value_out_of_range']],
    ['o2 −1 %VOL zero drift: kept', { values: { o2: -1 } }, { o2: -1 }, []],
    ['o2 −1.01 %VOL: refused, h2s kept', { values: { o2: -1.01, h2s: 2 } }, { h2s: 2 }, ['value_out_of_range']],
    ['h2s −10 zero drift: kept', { values: { h2s: -10 } }, { h2s: -10 }, []],
    ['h2s −10.1: refused, lel kept', { values: { h2s: -10.1, lel: 0 } }, { lel: 0 }, ['value_out_of_range']],
    ['h2s above pure gas: refused, lel kept', { values: { h2s: physicalBounds('h2s')![1] + 1, lel: 0 } }, { lel: 0 }, ['value_out_of_range']],
    ['a bad flag refuses its metric, the other kept', { values: { lel: 30, h2s: 5 }, flags: { lel: 'X' } }, { h2s: 5 }, ['flag_invalid']],
    ['a flag with no value: counted, values kept', { values: { h2s: 5 }, flags: { lel: 'T' } }, { h2s: 5 }, ['flag_invalid']],
    ['two bad of three: both counted', { values: { lel: 1e999, h2s: 'x', o2: 20 } }, { o2: 20 }, ['value_not_finite', 'value_not_finite']],
  ]

  it.each(cases)('%s', (_name, payload, kept, rejected) => {
    const h = harness()
    h.send('m1', payload)
    expect(h.readings).toHaveLength(1)
    expect(h.readings[0]!.values).toEqual(kept)
    expect(h.rejects.map((r) => r.reason)).toEqual(rejected)
    expect(h.ingest.rejects.total).toBe(rejected.length)
    expect(h.ingest.accepted).toBe(1)
  })

  it('keeps the flags of the metrics kept, not of those refused', () => {
    const h = harness()
    h.send('m1', { values: { lel: 125, h2s: 'bad' }, flags: { lel: 'T', h2s: 'D' } })
    expect(h.readings[0]).toMatchObject({ values: { lel: 125 }, flags: { lel: 'T' } })
    expect(h.rejects.map((r) => r.reason)).toEqual(['value_not_finite'])
  })

  it('refuses a message left with no valid metric whole, with the first reason', () => {
    const h = harness()
    h.send('m1', { values: { lel: 'x', h2s: 1e999 } })
    expect(h.readings).toEqual([])
    expect(h.rejects.map((r) => r.reason)).toEqual(['value_not_finite'])
    expect(h.ingest.accepted).toBe(0)
  })

  it('in a batch, refuses metrics element by element', () => {
    const h = harness()
    h.send('m1', [{ values: { lel: 125, h2s: 50 } }, { values: { lel: -50, h2s: 12 } }, { values: { lel: 'x' } }])
    expect(h.readings.map((r) => r.values)).toEqual([{ lel: 125, h2s: 50 }, { h2s: 12 }])
    expect(h.rejects.map((r) => r.reason)).toEqual(['value_out_of_range', 'value_not_finite'])
  })

  it('smoke past 100 %obs/m and temp past 2000 °C are not physics', () => {
    const h = harness()
    h.send('f1', { values: { smoke: 100.1, temp: 80 } })
    h.send('f1', { values: { smoke: 100, temp: 2000.5 } })
    expect(h.readings.map((r) => r.values)).toEqual([{ temp: 80 }, { smoke: 100 }])
  })
})

describe('ingest: timestamps against the store retention', () => {
  const cases: [name: string, ageMs: number, accepted: boolean][] = [
    ['30 days old: accepted (history)', 30 * 86_400_000, true],
    ['exactly at the retention: accepted', RAW_RETENTION_MS, true],
    ['1 ms past the retention: refused', RAW_RETENTION_MS + 1, false],
  ]
  it.each(cases)('%s', (_name, ageMs, accepted) => {
    const h = harness()
    h.send('m1', { ts: NOW - ageMs, values: { lel: 1 } })
    expect(h.readings).toHaveLength(accepted ? 1 : 0)
    expect(h.rejects.map((r) => r.reason)).toEqual(accepted ? [] : ['ts_past_retention'])
  })
})

describe('ingest: a valid value above the device’s measuring range is flagged T (over range), never refused', () => {
  const dev = (id: string, kind: Device['kind'], metrics: string[], extra: Partial<Device> = {}): Device => ({ id, kind, park: 'p', enterprise: 'e', name: id, metrics, position: { x: 0, y: 0 }, interval: 5, ...extra })
  const lel = dev('lel', 'gas', ['lel'])
  const narrow = dev('narrow', 'gas', ['lel'], { ranges: { lel: [0, 20] } })
  const broken = dev('broken', 'gas', ['lel'], { ranges: { lel: [50, 10] } })
  const h2s = dev('h2s', 'gas', ['h2s'])
  // A 0–100 ppm H2S detector reporting ppm: 100 ppm = 100 × 34.08 / 24.04 = 141.76 mg/m³ (GBZ 2.1 practice).
  const h2sPpm = dev('h2s-ppm', 'gas', ['h2s'], { units: { h2s: 'ppm' }, ranges: { h2s: [0, 100] } })
  const o2 = dev('o2', 'gas', ['o2'])
  const heat = dev('heat', 'fire', ['temp'], { ranges: { temp: [0, 120] } })
  const smoke = dev('smoke', 'fire', ['temp'])
  const stack = dev('stack', 'emission', ['so2'])
  const rangedStack = dev('ranged-stack', 'emission', ['so2'], { ranges: { so2: [0, 1000] } })
  const meter = dev('meter', 'energy', ['kwh'])
  const all = new Map([lel, narrow, broken, h2s, h2sPpm, o2, heat, smoke, stack, rangedStack, meter].map((d) => [d.id, { device: d }]))

  const cases: [name: string, d: Device, metric: string, value: number, sent: string | undefined, flag: string | undefined][] = [
    ['lel 100, the top of 0–100 %LEL: a reading', lel, 'lel', 100, undefined, undefined],
    ['lel 100.1: over range', lel, 'lel', 100.1, undefined, 'T'],
    ['lel 125: over range', lel, 'lel', 125, undefined, 'T'],
    ['lel 125 sent N: over range', lel, 'lel', 125, 'N', 'T'],
    ['lel 125 sent D: the device’s fault stands', lel, 'lel', 125, 'D', 'D'],
    ['lel 125 sent M: maintenance stands', lel, 'lel', 125, 'M', 'M'],
    ['lel 50 sent T: the device’s own T stands', lel, 'lel', 50, 'T', 'T'],
    ['lel 20 on its own 0–20 range: a reading', narrow, 'lel', 20, undefined, undefined],
    ['lel 21 on its own 0–20 range: over range', narrow, 'lel', 21, undefined, 'T'],
    ['a range with max ≤ min is ignored: the 0–100 default', broken, 'lel', 60, undefined, undefined],
    ['h2s 150, the top of the catalogue’s 0–150 mg/m³: a reading', h2s, 'h2s', 150, undefined, undefined],
    ['h2s 151 mg/m³: over range', h2s, 'h2s', 151, undefined, 'T'],
    ['h2s 100 ppm on 0–100 ppm: a reading', h2sPpm, 'h2s', 100, undefined, undefined],
    ['h2s 100.1 ppm on 0–100 ppm: over range', h2sPpm, 'h2s', 100.1, undefined, 'T'],
    ['o2 25, the top of 0–25 %VOL: a reading', o2, 'o2', 25, undefined, undefined],
    ['o2 25.1 %VOL: over range (enrichment)', o2, 'o2', 25.1, undefined, 'T'],
    ['heat 121 °C on its 0–120 °C range: over range', heat, 'temp', 121, undefined, 'T'],
    ['a fire detector without a range: no over range', smoke, 'temp', 500, undefined, undefined],
    ['a stack without a range: no over range', stack, 'so2', 5000, undefined, undefined],
    ['a stack past its own 0–1000 range: over range', rangedStack, 'so2', 1001, undefined, 'T'],
    ['a meter: no range, no flag', meter, 'kwh', 1e9, undefined, undefined],
  ]

  it.each(cases)('%s', (_name, d, metric, value, sent, flag) => {
    const readings: Reading[] = []
    const rejects: RejectReason[] = []
    const ingest = new Ingest({ devices: all, clock: () => NOW, maxPayloadBytes: 65_536, maxBatch: 10, sink: { readings: (r) => void readings.push(...r), event: () => undefined, status: () => undefined, reject: (r) => void rejects.push(r.reason) } })
    const topic = `parks/p/e/${d.id}/telemetry`
    void ingest.handle(decodeTopic(topic)!, topic, Buffer.from(JSON.stringify({ values: { [metric]: value }, ...(sent ? { flags: { [metric]: sent } } : {}) })))
    expect(rejects).toEqual([])
    expect(readings).toHaveLength(1)
    expect(readings[0]!.flags?.[metric]).toBe(flag)
    if (d === h2sPpm) expect(readings[0]!.values.h2s).toBeCloseTo((value * 34.08) / 24.04, 6)
    else expect(readings[0]!.values[metric]).toBe(value)
  })
})
