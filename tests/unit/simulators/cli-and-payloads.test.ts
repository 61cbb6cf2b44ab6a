import { describe, expect, it } from 'vitest'
import { parseCli } from '../../../simulators/src/cli-args.js'
import { ManualClock, SimClock, parseDuration } from '../../../simulators/src/clock.js'
import { MAX_PAYLOAD_BYTES, ackPayload, eventPayload, packBatches, telemetryPayload, type TelemetryOut } from '../../../simulators/src/payloads.js'
import { TokenBucket } from '../../../simulators/src/rate-limiter.js'
import { parseZone } from '../../../simulators/src/zone-source.js'
import { deviceOfCmdTopic, topicOf } from '../../../simulators/src/topics.js'
import { stringify } from 'yaml'
import { smallZone } from './small-zone.js'

describe('payloads and topics', () => {
  it('writes the contract\'s telemetry, event and command_ack payloads', () => {
    expect(JSON.parse(telemetryPayload({ type: 'telemetry', device: 'd', ts: 5, values: { lel: 1 } }))).toEqual({ ts: 5, values: { lel: 1 } })
    expect(JSON.parse(telemetryPayload({ type: 'telemetry', device: 'd', ts: 5, values: { so2: 1 }, flags: { so2: 'C' } }))).toEqual({ ts: 5, values: { so2: 1 }, flags: { so2: 'C' } })
    expect(JSON.parse(eventPayload({ type: 'event', device: 'd', ts: 5, event: 'smoke_alarm', state: 'on' }))).toEqual({ ts: 5, type: 'smoke_alarm', state: 'on' })
    expect(JSON.parse(ackPayload({ type: 'ack', device: 'd', ts: 5, command: 'close_valve', id: 'c1' }))).toEqual({ ts: 5, type: 'command_ack', state: 'on', command: 'close_valve', id: 'c1' })
    expect(topicOf({ park: 'p', enterprise: 'e', id: 'd' }, 'status')).toBe('parks/p/e/d/status')
    expect(deviceOfCmdTopic('parks/p/e/d/cmd')).toBe('d')
    expect(deviceOfCmdTopic('parks/p/e/d/event')).toBeUndefined()
  })

  it('packs history into arrays of at most 1000 readings and 64 KiB', () => {
    const items: TelemetryOut[] = Array.from({ length: 5000 }, (_, i) => ({
      type: 'telemetry', device: 'd', ts: 1_700_000_000_000 + i * 60_000, values: { so2: 12.34, nox: 23.45, pm: 3.21, o2: 8.76, flow: 234567, temp: 51.2 },
    }))
    const batches = packBatches(items)
    let total = 0
    for (const b of batches) {
      const arr = JSON.parse(b) as unknown[]
      expect(arr.length).toBeLessThanOrEqual(1000)
      expect(Buffer.byteLength(b)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES)
      total += arr.length
    }
    expect(total).toBe(5000)
    const small = packBatches(items.map((o) => ({ ...o, values: { kw: 1 } })))
    expect(small.map((b) => (JSON.parse(b) as unknown[]).length)).toEqual([1000, 1000, 1000, 1000, 1000])
  })
})

describe('time', () => {
  it('parses durations', () => {
    expect(parseDuration('30d')).toBe(30 * 86_400_000)
    expect(parseDuration('15m')).toBe(900_000)
    expect(parseDuration('90')).toBe(90_000)
    expect(() => parseDuration('soon')).toThrow(/duration/)
  })

  it('runs N× faster from the past and never ahead of the wall clock', () => {
    const wall = new ManualClock(1_000_000)
    const start = SimClock.startFor(wall.now(), 10, 60_000)
    const clock = new SimClock(start, 10, () => wall.now())
    expect(clock.now()).toBe(start)
    wall.advance(30_000)
    expect(clock.now()).toBe(start + 300_000)
    wall.advance(30_000)
    expect(clock.now()).toBe(wall.now())
    wall.advance(30_000)
    expect(clock.now()).toBe(wall.now())
  })

  it('caps the message rate with a token bucket', () => {
    const t = new ManualClock(0)
    const b = new TokenBucket(10, () => t.now())
    let n = 0
    while (b.take()) n++
    expect(n).toBe(10)
    t.advance(500)
    n = 0
    while (b.take()) n++
    expect(n).toBe(5)
    expect(b.waitMs()).toBeGreaterThan(0)
  })
})

describe('command line', () => {
  it('has the documented defaults', () => {
    const c = parseCli([], {})
    expect(c).toMatchObject({
      url: 'mqtt://localhost:1883',
      zone: 'hub/zones/demo-zone.yaml',
      credentials: 'simulators/credentials/demo-zone.json',
      scenario: 'demo',
      scenarioGiven: false,
      api: 'http://localhost:8080',
      qos: 0,
      seed: 1,
      rate: Infinity,
      gatewayMode: false,
      backfillMs: 0,
      backfillKinds: ['energy', 'emission'],
    })
    expect(parseCli([], { HUB_MQTT_URL: 'mqtt://hub:1884' }).url).toBe('mqtt://hub:1884')
  })

  it('reads every option and refuses bad ones', () => {
    const c = parseCli(['--scenario', 'fire', '--parks', 'vtc,glc', '--rate', '500', '--duration', '10m', '--speed', '20', '--backfill', '30d', '--gateway-mode', '--qos', '1', '--seed', '9', '--user', 'safety', '--quiet-progress'], {})
    expect(c).toMatchObject({ scenario: 'fire', scenarioGiven: true, parks: ['vtc', 'glc'], rate: 500, durationMs: 600_000, speed: 20, backfillMs: 30 * 86_400_000, gatewayMode: true, qos: 1, seed: 9, user: 'safety', password: 'safety-demo', quietProgress: true })
    expect(() => parseCli(['--qos', '2'], {})).toThrow(/qos/)
    expect(() => parseCli(['--scenario', 'earthquake'], {})).toThrow(/unknown/)
    expect(() => parseCli(['--speed', '0.5'], {})).toThrow(/speed/)
    expect(() => parseCli(['--bogus'], {})).toThrow()
  })
})

describe('zone file', () => {
  it('reads a zone written as YAML and names the problem in a bad one', () => {
    const zone = smallZone()
    expect(parseZone(stringify(zone)).devices.length).toBe(zone.devices.length)
    expect(() => parseZone('id: x\nparks: 3\n', 'bad.yaml')).toThrow(/bad.yaml/)
  })
})
