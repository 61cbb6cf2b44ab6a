import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseCli } from '../../simulators/src/cli-args.js'
import { run } from '../../simulators/src/run.js'
import { api, startTestHub, type TestHub } from '../support/hub-harness.js'

/**
 * `npm run sim -- --hj212` against a real hub (docs/hj212.md, "Simulated loggers"): the demo
 * zone's stacks and outlet in park vtc become HJ 212-2017 data loggers over TCP, each under its
 * zone identity; their real-time data lands as readings in InfluxDB, their minute data as the
 * logger's own values, every packet is answered 9014 and none is refused.
 */
const STACKS = ['vtc-ti01-cems-001', 'vtc-v02-cems-001', 'vtc-ti01-cems-002']
const OUTLET = 'vtc-ti01-outlet-001'

type Health = { hj212?: { accepted: number; rejected: number; rejects: Record<string, number>; loggers: Record<string, { packets: number }> }; ingest: { rejectsByReason: Record<string, number> } }

describe('the simulator with --hj212 against a real hub', () => {
  let t: TestHub
  const lines: string[] = []
  let code: number

  beforeAll(async () => {
    t = await startTestHub({ env: { HUB_HJ212_PORT: '0' } })
    const cfg = parseCli([
      '--hj212', '--hj212-port', String(t.hub.addresses.hj212Port), '--url', t.mqttUrl, '--api', t.http,
      '--parks', 'vtc', '--scenario', 'normal-day', '--duration', '15s', '--speed', '8', '--quiet', '--quiet-progress',
      '--user', 'admin', '--password', 'test-admin-password',
    ])
    code = await run(cfg, { out: (l) => lines.push(l), err: (l) => lines.push(l), stopped: () => false })
  })

  afterAll(async () => {
    await t?.stop()
  })

  it('connects one logger per stack and outlet, and every packet is answered', () => {
    expect(code).toBe(0)
    const connected = lines.find((l) => l.startsWith('hj212: ') && l.includes('data loggers'))
    expect(connected).toMatch(/hj212: 4 data loggers → tcp:\/\/127\.0\.0\.1:\d+: 4 connected/)
    const summary = lines.find((l) => l.startsWith('hj212: ') && l.includes('packets sent'))!
    const [, sent, , , answered] = /hj212: (\d+) packets sent \((\d+) again after no answer, (\d+) with a bad CRC on purpose\), (\d+) answered 9014/.exec(summary)!.map(Number)
    expect(sent).toBeGreaterThan(8)
    expect(answered).toBe(sent)
    expect(summary).toContain('backlog 0')
  })

  it('real-time data lands as readings, minute data as the loggers\' own values; nothing refused', async () => {
    const count = async (q: string): Promise<number> => {
      const rows = await t.hub.influx.query<{ count: number }>(q)
      return rows[0]?.count ?? 0
    }
    for (const id of STACKS) expect(await count(`SELECT count("so2") FROM "emission" WHERE "device" = '${id}'`), id).toBeGreaterThan(0)
    expect(await count(`SELECT count("cod") FROM "wastewater" WHERE "device" = '${OUTLET}'`)).toBeGreaterThan(0)
    expect(await count(`SELECT count("so2_avg") FROM "emission_logger" WHERE "interval" = 'minute' AND "device" = '${STACKS[0]}'`)).toBeGreaterThan(0)
    const h = (await api<Health>(t, 'GET', '/api/v1/health')).body
    expect(h.hj212!.accepted).toBeGreaterThan(8)
    expect(h.hj212!.rejected).toBe(0)
    expect(Object.keys(h.hj212!.loggers).sort()).toEqual(['51040000000001', '51040000000002', '51040000000006', '51040000000007'])
  })
})

/**
 * `--scenario hj212-faults` at ×60 (35 simulated minutes in about 40 s): the faulted stack's
 * logger sends packets with a bad CRC (refused bad_crc, then sent again good), flags C, D and M,
 * and loses its link twice; its backlog goes out after with the original DataTime, so the
 * stack's real-time series has no hole where the link was down.
 */
describe('the hj212-faults scenario against a real hub', () => {
  let t: TestHub
  const lines: string[] = []
  let stack: string

  beforeAll(async () => {
    t = await startTestHub({ env: { HUB_HJ212_PORT: '0' } })
    const cfg = parseCli([
      '--hj212', '--hj212-port', String(t.hub.addresses.hj212Port), '--url', t.mqttUrl, '--api', t.http,
      '--parks', 'nsc', '--scenario', 'hj212-faults', '--speed', '60', '--quiet-progress',
      '--user', 'admin', '--password', 'test-admin-password',
    ])
    await run(cfg, { out: (l) => lines.push(l), err: (l) => lines.push(l), stopped: () => false })
    stack = /\] (\S+): the logger sends 3 packets with a bad CRC/.exec(lines.join('\n'))?.[1] ?? ''
  }, 180_000)

  afterAll(async () => {
    await t?.stop()
  })

  it('bad CRCs are refused and counted, then the packets arrive; every packet is answered in the end', async () => {
    expect(stack).toMatch(/cems/)
    const h = (await api<Health>(t, 'GET', '/api/v1/health')).body
    expect(h.hj212!.rejects.bad_crc).toBe(3)
    const summary = lines.find((l) => l.startsWith('hj212: ') && l.includes('packets sent'))!
    expect(summary).toMatch(/3 with a bad CRC on purpose/)
    expect(summary).toContain('backlog 0')
  })

  it('flags C, D and M reach the readings, and the outages leave no hole in the real-time series', async () => {
    const flags = await t.hub.influx.query<{ so2_flag: string }>(`SELECT "so2_flag" FROM "emission" WHERE "device" = '${stack}' AND "so2_flag" != ''`)
    const seen = new Set(flags.map((r) => r.so2_flag))
    for (const f of ['C', 'D', 'M']) expect(seen.has(f), f).toBe(true)
    const rows = await t.hub.influx.query<{ time: { getTime(): number } }>(`SELECT "so2" FROM "emission" WHERE "device" = '${stack}'`)
    const times = rows.map((r) => r.time.getTime()).sort((a, b) => a - b)
    // 35 simulated minutes of 2011 every 30 s.
    expect(times.length).toBeGreaterThan(60)
    let widest = 0
    for (let i = 1; i < times.length; i++) widest = Math.max(widest, times[i]! - times[i - 1]!)
    expect(widest).toBeLessThanOrEqual(40_000)
  })
})

