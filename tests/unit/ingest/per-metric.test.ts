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
