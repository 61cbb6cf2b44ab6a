import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import YAML from 'yaml'
import { inject } from 'vitest'
import type { MqttClient } from 'mqtt'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }
import { api, connectMqtt, eventually, login, startTestHub, type TestHub } from '../support/hub-harness.js'

/**
 * No request can make the hub hold unbounded data (docs/security.md): a long 1-second series
 * as a viewer is refused with the cap and the points named, while the hub's memory and event
 * loop stay bounded; a list route clamps a huge `limit`; alarms page with a cursor; the CSV
 * report neutralises a text cell a spreadsheet would run as a formula.
 */
const DAY = 86_400_000
const DEVICE = 'vtc-ti01-gas-009' // a combustible-gas detector (lel)
const STACK = 'vtc-ti01-cems-001' // a CEMS stack
const FORMULA = '=HYPERLINK("http://127.0.0.1/x","click")'
const secret = (id: string): string => (credentials.devices as Record<string, string>)[id]!

describe('bounded replies through a real hub', () => {
  let t: TestHub
  let dir: string
  let viewer: string
  const db = `t_bounded_${Date.now().toString(36)}`
  const clients: MqttClient[] = []

  beforeAll(async () => {
    // The demo zone with an enterprise named as a spreadsheet formula.
    dir = await mkdtemp(join(tmpdir(), 'bounded-queries-'))
    const zone = YAML.parse(await readFile(new URL('../../hub/zones/demo-zone.yaml', import.meta.url), 'utf8')) as { parks: { id: string; enterprises: { id: string; name: string }[] }[] }
    zone.parks.find((p) => p.id === 'vtc')!.enterprises.find((e) => e.id === 'vtc-ti01')!.name = FORMULA
    const file = join(dir, 'zone.yaml')
    await writeFile(file, YAML.stringify(zone))
    t = await startTestHub({ db, env: { HUB_CONFIG: file } })
    viewer = await login(t.http, 'viewer', 'viewer-demo')
  })
  afterAll(async () => {
    for (const c of clients) c.end(true)
    await t?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('a 7-day series at every=1s as a viewer is refused (400 TOO_MANY_POINTS) and the hub holds no more memory for it', async () => {
    // Two stored readings a week apart: InfluxDB would fill every 1-second bucket between them.
    const now = Date.now()
    const from = now - 7 * DAY
    const lines = [`gas,device=${DEVICE} lel=1 ${(from + 1000) * 1e6}`, `gas,device=${DEVICE} lel=2 ${(now - 1000) * 1e6}`].join('\n')
    const w = await fetch(`${inject('influxUrl')}/write?db=${db}`, { method: 'POST', body: lines })
    expect(w.status).toBe(204)

    const loop = monitorEventLoopDelay({ resolution: 10 })
    loop.enable()
    const rssBefore = process.memoryUsage().rss
    const q = `metric=lel&from=${new Date(from).toISOString()}&to=${new Date(now).toISOString()}`
    const fine = await api<{ code?: string; message: string; points?: unknown[] }>(t, 'GET', `/api/v1/devices/${DEVICE}/series?${q}&every=1s`, undefined, viewer)
    const rssGrowthMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20
    loop.disable()
    console.log(`every=1s over 7 days: HTTP ${fine.status}, ${fine.body.points?.length ?? 0} points, ${fine.body.message ?? ''}; RSS +${rssGrowthMb.toFixed(1)} MB, event loop max ${(loop.max / 1e6).toFixed(0)} ms`)
    expect(fine.status).toBe(400)
    expect(fine.body.code).toBe('TOO_MANY_POINTS')
    expect(fine.body.message).toContain('604801 points')
    expect(fine.body.message).toContain('20000')
    expect(rssGrowthMb).toBeLessThan(64)
    expect(loop.max / 1e6).toBeLessThan(1000)

    // Without `every` the hub chooses one that fits the cap, and says which.
    const chosen = await api<{ every: string | null; points: [number, number | null][] }>(t, 'GET', `/api/v1/devices/${DEVICE}/series?${q}`, undefined, viewer)
    expect(chosen.status).toBe(200)
    expect(chosen.body.every).toBe('1m')
    expect(chosen.body.points.length).toBeLessThanOrEqual(20_000)
    expect(chosen.body.points.filter(([, v]) => v !== null).map(([, v]) => v)).toEqual([1, 2])
  })

  it('without every, a device faster than 1 Hz over an hour gets 1 s buckets over the whole hour, not the first 20,000 raw points', async () => {
    // 25,000 readings in one hour (about 7 a second), written straight to InfluxDB.
    const end = Date.now() - 2 * DAY
    const start = end - 3_600_000
    const lines: string[] = []
    for (let i = 0; i < 25_000; i++) lines.push(`gas,device=${DEVICE} lel=${i % 50} ${Math.round(start + (i * 3_600_000) / 25_000) * 1e6}`)
    const w = await fetch(`${inject('influxUrl')}/write?db=${db}`, { method: 'POST', body: lines.join('\n') })
    expect(w.status).toBe(204)
    const res = await api<{ every: string | null; points: [number, number | null][] }>(t, 'GET', `/api/v1/devices/${DEVICE}/series?metric=lel&from=${new Date(start).toISOString()}&to=${new Date(end).toISOString()}`, undefined, viewer)
    const last = res.body.points.filter(([, v]) => v !== null).at(-1)?.[0] ?? 0
    console.log(`no every, 25,000 readings in an hour: HTTP ${res.status}, every ${res.body.every}, ${res.body.points.length} points, the last ${((end - last) / 1000).toFixed(0)} s before the end`)
    expect(res.status).toBe(200)
    expect(res.body.every).toBe('1s')
    expect(res.body.points.length).toBeLessThanOrEqual(20_000)
    expect(end - last).toBeLessThan(5_000)
  })

  it('a year of hourly values of a stack (hours × 9 metrics) is refused past the cap; a week is answered', async () => {
    const now = Date.now()
    const year = await api<{ code?: string; message: string }>(t, 'GET', `/api/v1/emissions/hourly?device=${STACK}&from=${now - 366 * DAY}&to=${now}`, undefined, viewer)
    console.log(`emissions/hourly over 366 days: HTTP ${year.status} ${year.body.code ?? ''} ${year.body.message ?? ''}`)
    expect(year.status).toBe(400)
    expect(year.body.code).toBe('TOO_MANY_POINTS')
    expect(year.body.message).toMatch(/past the hub's cap of 20000 points/)
    const week = await api<{ hours: unknown[] }>(t, 'GET', `/api/v1/emissions/hourly?device=${STACK}&from=${now - 7 * DAY}&to=${now}`, undefined, viewer)
    expect(week.status).toBe(200)
    expect(week.body.hours.length).toBeGreaterThanOrEqual(168)
  })

  it('a list route with a huge limit is clamped to its maximum', async () => {
    const res = await api<{ devices: unknown[]; total: number; next: string | null; limit: number }>(t, 'GET', '/api/v1/devices?limit=1000000000', undefined, viewer)
    expect(res.status).toBe(200)
    expect(res.body.limit).toBe(5000)
    expect(res.body.devices.length).toBe(res.body.total)
    const small = await api<{ devices: unknown[]; total: number; next: string | null }>(t, 'GET', '/api/v1/devices?limit=10', undefined, viewer)
    expect(small.body.devices.length).toBe(10)
    expect(small.body.next).toBe('10')
    const audit = await api<{ entries: unknown[]; limit: number }>(t, 'GET', '/api/v1/audit?limit=1000000000')
    expect(audit.status).toBe(200)
    expect(audit.body.limit).toBe(5000)
    console.log(`devices?limit=1000000000: HTTP ${res.status}, limit ${res.body.limit}, ${res.body.devices?.length} of ${res.body.total}; audit?limit=1000000000: HTTP ${audit.status}, limit ${audit.body.limit}`)
  })

  it('the alarms list pages with a cursor through more alarms than a page, each alarm once', async () => {
    // Five combustible-gas detectors at 60 %LEL: five alarms, paged two at a time.
    const devices = [['vtc-ti01', 'vtc-ti01-gas-010'], ['vtc-ti01', 'vtc-ti01-gas-011'], ['vtc-gc03', 'vtc-gc03-gas-001'], ['vtc-gc03', 'vtc-gc03-gas-002'], ['vtc-gc03', 'vtc-gc03-gas-003']] as const
    for (const [e, d] of devices) {
      const c = await connectMqtt(t.mqttUrl, { username: d, password: secret(d) })
      clients.push(c)
      await c.publishAsync(`parks/vtc/${e}/${d}/telemetry`, JSON.stringify({ values: { lel: 60 } }), { qos: 1 })
    }
    await eventually(async () => (await api<{ total: number }>(t, 'GET', '/api/v1/alarms?state=all&limit=1', undefined, viewer)).body.total >= devices.length, 10_000, 'alarms raised')
    const ids: string[] = []
    let cursor: string | null = null
    let pages = 0
    let total = 0
    do {
      const res: { status: number; body: { alarms: { id: string }[]; total: number; next: string | null } } = await api(t, 'GET', `/api/v1/alarms?state=all&limit=2${cursor ? `&cursor=${cursor}` : ''}`, undefined, viewer)
      expect(res.status).toBe(200)
      expect(res.body.alarms.length).toBeLessThanOrEqual(2)
      ids.push(...res.body.alarms.map((a) => a.id))
      total = res.body.total
      cursor = res.body.next
      pages++
    } while (cursor && pages < 50)
    expect(pages).toBeGreaterThanOrEqual(3)
    expect(ids.length).toBe(total)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('the CSV report neutralises a formula in a name and leaves numbers as numbers', async () => {
    // The enterprise's main meter counts 25 kWh, so the report has its rows.
    const meter = 'vtc-ti01-meter-001'
    const now = Date.now()
    const c = await connectMqtt(t.mqttUrl, { username: meter, password: secret(meter) })
    clients.push(c)
    await c.publishAsync(`parks/vtc/vtc-ti01/${meter}/telemetry`, JSON.stringify([{ ts: now - 4 * 60_000, values: { kwh: 1000 } }, { ts: now - 60_000, values: { kwh: 1025 } }]), { qos: 1 })
    const url = `${t.http}/api/v1/energy/report.csv?park=vtc&every=1h&from=${now - 3_600_000}&to=${now + 3_600_000}`
    const ours = await eventually(async () => {
      const res = await fetch(url, { headers: { authorization: `Bearer ${viewer}` } })
      const rows = (await res.text()).replace(/^\uFEFF/, '').split('\r\n').filter(Boolean)
      const mine = rows.filter((r) => r.includes(',vtc-ti01,'))
      return res.status === 200 && mine.some((r) => r.includes(',25,')) ? mine : undefined
    }, 10_000, 'the report with the meter’s use')
    for (const r of ours) {
      expect(r).toContain(`"'=HYPERLINK(""http://127.0.0.1/x"",""click"")"`)
      // The figures after the enterprise id: numbers, never quoted or prefixed.
      const figures = r.split(',vtc-ti01,')[1]!.split(',').slice(0, 8)
      for (const f of figures) expect(f).toMatch(/^-?\d+(\.\d+)?(e[+-]?\d+)?$/)
    }
    console.log(`CSV row: ${ours[0]}`)
  })
})

describe('the managed influxd refuses a SELECT past its max-select-buckets', () => {
  let t: TestHub
  beforeAll(async () => {
    t = await startTestHub({ managedInflux: true })
  })
  afterAll(async () => t?.stop())

  it('13 days at 1 s (1,123,201 buckets) is an error from InfluxDB, not a million rows', async () => {
    const url = t.hub.addresses.influxUrl
    const db = t.hub.settings.influx.db
    const now = Date.now()
    const from = now - 13 * DAY
    const w = await fetch(`${url}/write?db=${db}`, { method: 'POST', body: `gas,device=x lel=1 ${(from + 1000) * 1e6}\ngas,device=x lel=2 ${(now - 1000) * 1e6}` })
    expect(w.status).toBe(204)
    const q = `SELECT mean("lel") FROM "gas" WHERE time >= ${from}ms AND time <= ${now}ms GROUP BY time(1s) fill(null)`
    const res = await fetch(`${url}/query?${new URLSearchParams({ db, q, epoch: 'ms' })}`)
    const text = await res.text()
    console.log(`influxd, 13 days at 1 s: HTTP ${res.status}, ${text.length} bytes: ${text.slice(0, 160)}`)
    expect(text).toMatch(/max-select-buckets limit exceeded/)
    expect(text.length).toBeLessThan(10_000)
  })
})
