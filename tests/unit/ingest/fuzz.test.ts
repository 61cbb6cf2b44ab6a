import { describe, expect, it } from 'vitest'
import { Ingest } from '../../../hub/src/ingest/pipeline.js'
import { decodeTopic } from '../../../hub/src/broker/topic-codec.js'
import type { Device } from '../../../hub/src/model/device.js'
import type { Reading } from '../../../hub/src/model/reading.js'

/**
 * Ingest fuzzing: random bytes, deep JSON, huge arrays, NaN and Infinity, odd unicode and
 * wildcard topics — 12,000 inputs with a known-good reading every tenth. No input throws, every
 * input ends accepted or rejected with a reason, and every good reading lands.
 */
const NOW = Date.UTC(2026, 10, 21, 12)
const gas: Device = { id: 'g1', kind: 'gas', park: 'p', enterprise: 'e', name: '探测器', metrics: ['lel'], position: { x: 0, y: 0 }, interval: 5 }
const devices = new Map([[gas.id, { device: gas }]])

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('ingest fuzzing', () => {
  it('takes 12,000 hostile inputs without a crash, counts every reject by reason, and loses no good reading', () => {
    const accepted: Reading[] = []
    const rejects = new Map<string, number>()
    let statuses = 0
    let events = 0
    const ingest = new Ingest({
      devices, clock: () => NOW, maxPayloadBytes: 64 * 1024, maxBatch: 1000,
      sink: { readings: (r) => void accepted.push(...r), event: () => void events++, status: () => void statuses++, reject: (r) => void rejects.set(r.reason, (rejects.get(r.reason) ?? 0) + 1) },
    })
    const r = rng(2026)
    const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!
    const unicode = ['\u0000', '\uFFFF', '\uD800', '🔥', '\u202E', '氯气', '\u2028', '\\u0000']
    const generators: (() => [string, Buffer])[] = [
      () => ['parks/p/e/g1/telemetry', Buffer.from(Array.from({ length: Math.floor(r() * 200) }, () => Math.floor(r() * 256)))],
      () => ['parks/p/e/g1/telemetry', Buffer.from(`${'['.repeat(5000)}${']'.repeat(5000)}`)],
      () => ['parks/p/e/g1/telemetry', Buffer.from(`{"values":${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}}`)],
      () => ['parks/p/e/g1/telemetry', Buffer.from(JSON.stringify(Array.from({ length: 1001 + Math.floor(r() * 500) }, () => ({ values: { lel: 1 } }))))],
      () => ['parks/p/e/g1/telemetry', Buffer.from(pick(['{"values":{"lel":NaN}}', '{"values":{"lel":Infinity}}', '{"values":{"lel":-Infinity}}', '{"values":{"lel":1e400}}', '{"values":{"lel":-1e400}}']))],
      () => ['parks/p/e/g1/telemetry', Buffer.from(JSON.stringify({ ts: pick([-1, 0, 1e20, 'x', null, [], {}]), values: { [pick(unicode)]: r() } }))],
      () => ['parks/p/e/g1/telemetry', Buffer.from(JSON.stringify({ values: { lel: pick(unicode) } }))],
      () => ['parks/p/e/g1/event', Buffer.from(JSON.stringify({ type: pick([...unicode, 'smoke_alarm']), state: pick(['on', 'off', 'maybe', 1]) }))],
      () => ['parks/p/e/g1/status', Buffer.from(pick(['online', 'offline', '', 'ONLINE', '🔥', 'x'.repeat(100)]))],
      () => [pick(['parks/+/e/g1/telemetry', 'parks/#', 'parks/p/e/g1/+', `parks/p/e/${pick(unicode)}/telemetry`, 'parks/p/e/g1/telemetry/x', '']), Buffer.from('{"values":{"lel":1}}')],
      () => ['parks/p/e/g1/telemetry', Buffer.alloc(64 * 1024 + 1 + Math.floor(r() * 1000), 0x20)],
    ]
    const good = new Set<number>()
    let inputs = 0
    let refusedTopics = 0
    for (let i = 0; i < 12_000; i++) {
      let topic: string
      let payload: Buffer
      if (i % 10 === 0) {
        const ts = NOW - 100_000 + i
        good.add(ts)
        ;[topic, payload] = ['parks/p/e/g1/telemetry', Buffer.from(JSON.stringify({ ts, values: { lel: 3 } }))]
      } else [topic, payload] = pick(generators)()
      inputs++
      const t = decodeTopic(topic)
      if (!t) {
        // The broker refuses these before ingest (counted as not_authorised).
        expect(() => ingest.countReject('not_authorised', 'bad topic', topic, undefined)).not.toThrow()
        refusedTopics++
        continue
      }
      expect(() => ingest.handle(t, topic, payload, 1)).not.toThrow()
    }
    expect(inputs).toBe(12_000)
    expect(accepted.filter((a) => good.has(a.ts)).map((a) => a.ts).sort()).toEqual([...good].sort())
    // Every input that reached ingest ended as at least one outcome.
    const rejected = [...rejects.values()].reduce((a, b) => a + b, 0)
    expect(rejected + accepted.length + events + statuses).toBeGreaterThanOrEqual(inputs)
    expect(ingest.rejects.total).toBe(rejected)
    expect(rejects.get('not_authorised')).toBe(refusedTopics)
    for (const reason of ['json_invalid', 'batch_too_large', 'payload_too_large', 'value_not_finite', 'metric_unknown', 'ts_invalid', 'event_invalid', 'status_invalid']) {
      expect(rejects.get(reason), reason).toBeGreaterThan(0)
    }
    console.log(`fuzz: ${inputs} inputs, ${accepted.length} readings accepted (${good.size} known-good, all landed), ${events} events, ${statuses} statuses, ${rejected} rejects: ${JSON.stringify(Object.fromEntries(rejects))}`)
  })
})
