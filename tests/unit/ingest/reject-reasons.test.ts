import { describe, expect, it } from 'vitest'
import { Ingest } from '../../../hub/src/ingest/pipeline.js'
import type { Device } from '../../../hub/src/model/device.js'
import type { Reading, RejectReason } from '../../../hub/src/model/reading.js'
import { decodeTopic } from '../../../hub/src/broker/topic-codec.js'

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0)
const gas: Device = { id: 'g1', kind: 'gas', park: 'p', enterprise: 'e', area: 'a', name: '探测器', metrics: ['lel'], position: { x: 0, y: 0 }, interval: 5 }
const stack: Device = { id: 's1', kind: 'emission', park: 'p', enterprise: 'e', name: '烟囱', metrics: ['so2', 'nox', 'o2'], position: { x: 0, y: 0 }, interval: 5 }
const devices = new Map([[gas.id, { device: gas }], [stack.id, { device: stack }]])

function harness() {
  const readings: Reading[] = []
  const rejects: RejectReason[] = []
  const events: unknown[] = []
  const ingest = new Ingest({
    devices,
    clock: () => NOW,
    maxPayloadBytes: 64 * 1024,
    maxBatch: 1000,
    sink: { readings: (r) => void readings.push(...r), event: (e) => void events.push(e), status: () => undefined, reject: (r) => void rejects.push(r.reason) },
  })
  const send = (device: string, channel: string, payload: string | Buffer) => {
    const topic = `parks/p/e/${device}/${channel}`
    void ingest.handle(decodeTopic(topic)!, topic, typeof payload === 'string' ? Buffer.from(payload) : payload)
  }
  return { ingest, readings, rejects, events, send }
}

describe('ingest: every reject reason, and good readings unaffected', () => {
  const cases: [string, string, string | Buffer, RejectReason][] = [
    ['unknown device', 'nobody', '{"values":{"lel":1}}', 'unknown_device'],
    ['payload over 64 KiB', 'g1', `{"values":{"lel":1},"pad":"${'x'.repeat(64 * 1024)}"}`, 'payload_too_large'],
    ['not JSON', 'g1', '{"values":', 'json_invalid'],
    ['not UTF-8', 'g1', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'json_invalid'],
    ['a number, not an object', 'g1', '42', 'payload_shape'],
    ['null', 'g1', 'null', 'payload_shape'],
    ['empty batch', 'g1', '[]', 'batch_empty'],
    ['batch over 1000', 'g1', JSON.stringify(Array.from({ length: 1001 }, () => ({ values: { lel: 1 } }))), 'batch_too_large'],
    ['ts a word', 'g1', '{"ts":"yesterday","values":{"lel":1}}', 'ts_invalid'],
    ['ts before 2000', 'g1', '{"ts":1000,"values":{"lel":1}}', 'ts_invalid'],
    ['ts 6 minutes ahead', 'g1', JSON.stringify({ ts: NOW + 6 * 60_000, values: { lel: 1 } }), 'ts_future'],
    ['no values', 'g1', '{"ts":1764000000000}', 'values_missing'],
    ['values an array', 'g1', '{"values":[1]}', 'values_missing'],
    ['empty values', 'g1', '{"values":{}}', 'values_missing'],
    ['metric of another kind', 'g1', '{"values":{"kwh":1}}', 'metric_unknown'],
    ['__proto__ as a metric', 'g1', '{"values":{"__proto__":1}}', 'metric_unknown'],
    ['string value', 'g1', '{"values":{"lel":"1"}}', 'value_not_finite'],
    ['NaN literal is not JSON', 'g1', '{"values":{"lel":NaN}}', 'json_invalid'],
    ['null value', 'g1', '{"values":{"lel":null}}', 'value_not_finite'],
    ['overflow to Infinity', 'g1', '{"values":{"lel":1e999}}', 'value_not_finite'],
    // Over the detector's range (100 %LEL) is an over-range reading, accepted; beyond 100 %VOL of any gas is not physics.
    ['%LEL over 10,000', 'g1', '{"values":{"lel":10001}}', 'value_out_of_range'],
    ['ts past the 400-day retention', 'g1', JSON.stringify({ ts: NOW - 401 * 86_400_000, values: { lel: 1 } }), 'ts_past_retention'],
    ['flag not HJ 212', 's1', '{"values":{"so2":10},"flags":{"so2":"X"}}', 'flag_invalid'],
    ['flags not an object', 's1', '{"values":{"so2":10},"flags":"N"}', 'flag_invalid'],
    ['event of unknown type', 'g1', '{"type":"party","state":"on"}', 'event_invalid'],
    ['status word', 'g1', 'maybe', 'status_invalid'],
  ]

  it.each(cases)('%s → %s', (_name, device, payload, reason) => {
    const h = harness()
    const channel = reason === 'event_invalid' ? 'event' : reason === 'status_invalid' ? 'status' : 'telemetry'
    h.send(device, channel, payload)
    expect(h.rejects).toEqual([reason])
    expect(h.ingest.rejects.get(reason)).toBe(1)
    expect(h.readings).toEqual([])
    // The next good message from the same device still lands.
    h.send('g1', 'telemetry', '{"values":{"lel":2}}')
    expect(h.readings.map((r) => r.values.lel)).toEqual([2])
  })

  it('accepts ISO-8601 and epoch-ms timestamps, and uses receive time when ts is absent', () => {
    const h = harness()
    h.send('g1', 'telemetry', JSON.stringify({ ts: '2026-11-21T11:59:00Z', values: { lel: 1 } }))
    h.send('g1', 'telemetry', JSON.stringify({ ts: NOW - 1000, values: { lel: 2 } }))
    h.send('g1', 'telemetry', JSON.stringify({ values: { lel: 3 } }))
    h.send('g1', 'telemetry', JSON.stringify({ ts: NOW + 4 * 60_000, values: { lel: 4 } }))
    expect(h.readings.map((r) => r.ts)).toEqual([Date.UTC(2026, 10, 21, 11, 59), NOW - 1000, NOW, NOW + 4 * 60_000])
    expect(h.readings[0]).toMatchObject({ park: 'p', enterprise: 'e', area: 'a', device: 'g1', kind: 'gas' })
  })

  it('takes a batch element by element: bad ones rejected, good ones kept', () => {
    const h = harness()
    h.send('g1', 'telemetry', JSON.stringify([{ values: { lel: 1 } }, { values: { lel: 'x' } }, { values: { co: 1 } }, { values: { lel: 4 } }]))
    expect(h.readings.map((r) => r.values.lel)).toEqual([1, 4])
    expect(h.rejects).toEqual(['value_not_finite', 'metric_unknown'])
  })

  it('keeps HJ 212 flags with their values', () => {
    const h = harness()
    h.send('s1', 'telemetry', '{"values":{"so2":10,"o2":9},"flags":{"so2":"M"}}')
    expect(h.readings[0]!.flags).toEqual({ so2: 'M' })
  })

  it('survives ten thousand random inputs without throwing, counting every one it refuses', () => {
    const h = harness()
    let seed = 42
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff)
    const pieces = ['{', '}', '[', ']', '"values"', ':', ',', '"lel"', '1e308', '-0', 'null', 'true', '"\\u0000"', '"ts"', '99999999999999999999', '"🔥"', '\u2028']
    for (let i = 0; i < 10_000; i++) {
      const n = Math.floor(rnd() * 20)
      let s = ''
      for (let k = 0; k < n; k++) s += pieces[Math.floor(rnd() * pieces.length)]
      const payload = i % 3 === 0 ? Buffer.from(Array.from({ length: n * 3 }, () => Math.floor(rnd() * 256))) : s
      expect(() => h.send('g1', i % 7 === 0 ? 'event' : 'telemetry', payload)).not.toThrow()
    }
    expect(h.ingest.messages).toBe(10_000)
    expect(h.ingest.rejects.total + h.ingest.accepted).toBeGreaterThanOrEqual(10_000 - h.events.length)
  })
})
