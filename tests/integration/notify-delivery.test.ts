import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { FakePlatforms, type FlowLimit } from '../../simulators/src/channels/fake-platforms.js'
import { Outbox } from '../../hub/src/notify/outbox.js'
import { Delivery, type DeliveryOptions } from '../../hub/src/notify/delivery.js'
import { ChannelSecrets } from '../../hub/src/notify/channel-secrets.js'
import { CHANNELS } from '../../hub/src/notify/channels/registry.js'
import type { ChannelConfig, ChannelType, DeliveryResult, OutboundMessage } from '../../hub/src/notify/types.js'
import { eventually } from '../support/hub-harness.js'
import { ACCOUNTS, channelAt, PLATFORM_OF, SECRET_OF, secretValues } from '../unit/notify/channels/platform-accounts.js'

/**
 * Delivery against the real fake platforms server (simulators/src/channels/fake-platforms.ts),
 * over real HTTP on a random port: the fake checks every signature with its own code, so a
 * message it takes was signed as the platform wants it.
 */
const SECRET_VALUES = secretValues()

let fake: FakePlatforms
let dir: string
let outbox: Outbox
let delivery: Delivery | undefined
let secrets: ChannelSecrets
const results: DeliveryResult[] = []
const logLines: string[] = []
let seq = 0

async function setUp(limits?: Partial<Record<string, FlowLimit[]>>): Promise<void> {
  fake = await FakePlatforms.start({ accounts: ACCOUNTS, ...(limits ? { limits } : {}) })
  dir = await mkdtemp(join(tmpdir(), 'smartpark-notify-delivery-'))
  outbox = await Outbox.open({ dir: join(dir, 'notify', 'outbox'), clock: Date.now })
  secrets = await ChannelSecrets.load(dir)
  for (const type of Object.keys(SECRET_OF) as ChannelType[]) await secrets.set(type, SECRET_OF[type])
}

beforeEach(async () => {
  results.length = 0
  logLines.length = 0
  await setUp()
})

afterEach(async () => {
  await delivery?.stop()
  delivery = undefined
  outbox.close()
  await fake.close()
  await rm(dir, { recursive: true, force: true })
})

function channel(type: ChannelType, over: Partial<ChannelConfig> = {}): ChannelConfig {
  return channelAt(type, fake.url(PLATFORM_OF[type]), over)
}

function startDelivery(channels: ChannelConfig[], over: Partial<DeliveryOptions> = {}): Delivery {
  delivery = new Delivery({
    outbox, channels, secrets, allowHosts: ['127.0.0.1'], clock: Date.now,
    log: { info: (o, m) => logLines.push(`${m} ${JSON.stringify(o)}`), warn: (o, m) => logLines.push(`${m} ${JSON.stringify(o)}`) },
    onResult: (r) => results.push(r),
    timeoutMs: 2000, retryBaseMs: 50, retryMaxMs: 400, stopGraceMs: 200,
    ...over,
  })
  delivery.start()
  return delivery
}

function msg(channel: string, over: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: `n-${++seq}`, channel, kind: 'alarm', park: 'vtc', alarm: 'a-1', incident: undefined, tier: 0,
    to: [{ person: 'wang', name: '王工', phone: '13800000001', lang: 'zh-CN' }],
    title: '一级报警', text: `一级报警：罐区 可燃气体 25 %LEL（设定 20）#${seq}`, markdown: undefined,
    params: { park: 'VTC', level: '一级' }, link: 'http://hub.local/#/alarms/a-1', decidedAt: Date.now(), ...over,
  }
}

const statsOf = (id: string) => delivery!.stats().find((s) => s.id === id)!

describe('notification delivery against the fake platforms', () => {
  it('delivers to every platform: each signature accepted, the message id counted once', async () => {
    const types: ChannelType[] = ['wecom', 'dingtalk', 'feishu', 'sms', 'voice', 'webhook']
    startDelivery(types.map((t) => channel(t)))
    for (const t of types) await outbox.add(msg(t))
    await eventually(() => fake.delivered().length === 6, 10_000, 'a message at every platform')
    expect(fake.requests.filter((r) => !r.delivered)).toEqual([])
    expect(new Set(fake.delivered().map((r) => r.platform))).toEqual(new Set(types))
    expect([...fake.deliveries().values()]).toEqual([1, 1, 1, 1, 1, 1])
    await eventually(() => results.filter((r) => r.state === 'sent').length === 6, 5000, 'six results')
    for (const t of types) expect(statsOf(t)).toMatchObject({ sent: 1, failed: 0, retried: 0, backlog: 0, healthy: true, hasSecret: true })
    expect(statsOf('wecom').latencyP99).toBeGreaterThanOrEqual(0)
    expect(outbox.log().every((e) => e.state === 'sent')).toBe(true)
  })

  it('signs with the secret of the moment: refused with a wrong one (310000), delivered once an admin sets the right one', async () => {
    await secrets.set('dingtalk', { secret: 'SECwrong' })
    startDelivery([channel('dingtalk')])
    await outbox.add(msg('dingtalk'))
    await eventually(() => fake.requests.length >= 2, 5000, 'the refused attempts')
    expect(fake.requests[0]!.answer).toMatchObject({ errcode: 310000 })
    expect(statsOf('dingtalk').lastError).toMatch(/errcode 310000: sign not match/)
    expect(fake.delivered()).toEqual([])
    await secrets.set('dingtalk', { secret: ACCOUNTS.dingtalk.secret })
    await eventually(() => fake.delivered().length === 1, 5000, 'delivered with the new secret')
    // The fake counts a delivery when the request reaches it; the hub's result follows its answer.
    await eventually(() => results.at(-1)?.state === 'sent', 5000, 'the result sent')
    expect(results.filter((r) => r.state === 'retrying').length).toBeGreaterThanOrEqual(2)
  })

  it('ends a channel\'s back-off at once when an admin sets its secret', async () => {
    await secrets.set('dingtalk', { secret: 'SECwrong' })
    startDelivery([channel('dingtalk'), channel('feishu')], { retryBaseMs: 60_000, retryMaxMs: 60_000 })
    const m = msg('dingtalk')
    await outbox.add(m)
    await eventually(() => statsOf('dingtalk').retried === 1, 5000, 'the refusal')
    expect(statsOf('dingtalk').pausedUntil! - Date.now()).toBeGreaterThan(20_000)
    await secrets.set('dingtalk', { secret: ACCOUNTS.dingtalk.secret })
    await eventually(() => fake.deliveries().get(m.id) === 1, 5000, 'delivered without waiting out the back-off')
    expect(delivery!.resume('feishu')).toBe(0)
  })

  it('sends an operator\'s test message at once, back-off or not (and what waited with it)', async () => {
    fake.outage('wecom', { status: 502 })
    startDelivery([channel('wecom')], { retryBaseMs: 60_000, retryMaxMs: 60_000 })
    const waiting = msg('wecom')
    await outbox.add(waiting)
    await eventually(() => statsOf('wecom').retried === 1, 5000, 'the failure')
    fake.outage('wecom', false)
    const probe = msg('wecom', { kind: 'test' })
    await outbox.add(probe)
    await eventually(() => fake.deliveries().get(probe.id) === 1 && fake.deliveries().get(waiting.id) === 1, 5000, 'both delivered now')
  })

  it('signs at send time: a clock two hours off is refused by DingTalk and Feishu as the platforms do', async () => {
    startDelivery([channel('dingtalk'), channel('feishu')], { clock: () => Date.now() - 2 * 3_600_000 })
    await outbox.add(msg('dingtalk'))
    await outbox.add(msg('feishu'))
    await eventually(() => fake.requests.some((r) => r.platform === 'dingtalk') && fake.requests.some((r) => r.platform === 'feishu'), 5000, 'both refused')
    expect(fake.requests.find((r) => r.platform === 'dingtalk')!.answer).toEqual({ errcode: 310000, errmsg: 'invalid timestamp' })
    expect(fake.requests.find((r) => r.platform === 'feishu')!.answer).toMatchObject({ code: 19021 })
    expect(fake.delivered()).toEqual([])
  })

  it('keeps to 20 messages a minute on a WeCom robot: the rest wait, the platform never says 45009', async () => {
    startDelivery([channel('wecom')])
    for (let i = 0; i < 25; i++) await outbox.add(msg('wecom'))
    await eventually(() => fake.delivered().length === 20, 10_000, '20 delivered')
    await eventually(() => statsOf('wecom').sent === 20, 2000, 'the 20th answer read')
    expect(fake.requests.length).toBe(20)
    expect(fake.requests.filter((r) => r.rateLimited)).toEqual([])
    expect(outbox.unfinished('wecom').map((e) => e.attempts)).toEqual([0, 0, 0, 0, 0])
    expect(statsOf('wecom')).toMatchObject({ sent: 20, backlog: 5, rateLimited: 0 })
  })

  it('pauses a channel on the platform\'s rate-limit answer (a robot configured faster than WeCom takes)', async () => {
    startDelivery([channel('wecom', { ratePerMinute: 60 })])
    for (let i = 0; i < 24; i++) await outbox.add(msg('wecom'))
    await eventually(() => statsOf('wecom').rateLimited === 1, 10_000, 'the 45009 answer')
    expect(fake.requests.filter((r) => r.rateLimited).map((r) => r.answer)).toEqual([{ errcode: 45009, errmsg: 'api freq out of limit, hint: [fake]' }])
    expect(fake.delivered().length).toBe(20)
    const s = statsOf('wecom')
    expect(s.pausedUntil! - Date.now()).toBeGreaterThan(50_000)
    expect(s.backlog).toBe(4)
    expect(fake.requests.length).toBe(21)
  })

  it('rides out an outage: retries with back-off, then delivers once', async () => {
    fake.outage('sms', { status: 503 })
    startDelivery([channel('sms')])
    const m = msg('sms')
    await outbox.add(m)
    await eventually(() => statsOf('sms').retried >= 3, 10_000, 'three retries')
    expect(fake.delivered()).toEqual([])
    expect(outbox.get(m.id)).toMatchObject({ state: 'retrying', lastError: 'HTTP 503: Service Unavailable' })
    fake.outage('sms', false)
    await eventually(() => fake.delivered().length === 1, 10_000, 'delivered after the outage')
    expect(fake.deliveries().get(m.id)).toBe(1)
    const gaps = results.filter((r) => r.state === 'retrying').map((r) => r.retryAt! - r.at)
    expect(gaps.every((g) => g >= 25 && g <= 400)).toBe(true)
    await eventually(() => statsOf('sms').sent === 1, 2000, 'counted sent')
    expect(statsOf('sms')).toMatchObject({ healthy: true, backlog: 0 })
  })

  it('tries again after a dropped connection and a timeout (the timed-out request arrived: a duplicate, counted)', async () => {
    fake.failNext('webhook', 2, { status: 'reset' })
    fake.failNext('wecom', 1, { delayMs: 2000 })
    startDelivery([channel('webhook'), channel('wecom')], { timeoutMs: 700 })
    const w = msg('webhook')
    const c = msg('wecom')
    await outbox.add(w)
    await outbox.add(c)
    await eventually(() => fake.deliveries().get(w.id) === 1, 10_000, 'webhook delivered')
    expect(results.filter((r) => r.id === w.id && r.state === 'retrying').map((r) => r.error)).toEqual([expect.stringMatching(/^transport: /), expect.stringMatching(/^transport: /)])
    await eventually(() => fake.deliveries().get(c.id) === 2, 10_000, 'the wecom message twice')
    expect(results.find((r) => r.id === c.id && r.state === 'retrying')?.error).toBe('transport: request timed out')
    expect(fake.duplicates()).toEqual(new Map([[c.id, 2]]))
  })

  it('reports a channel failing for longer than unhealthyAfterMs, and healthy again once it delivers', async () => {
    fake.outage('dingtalk', { status: 502 })
    startDelivery([channel('dingtalk'), channel('wecom')], { unhealthyAfterMs: 300 })
    await outbox.add(msg('dingtalk'))
    await eventually(() => delivery!.channelsUnhealthy().includes('dingtalk'), 5000, 'unhealthy')
    expect(delivery!.channelsUnhealthy()).toEqual(['dingtalk'])
    expect(statsOf('dingtalk').healthy).toBe(false)
    fake.outage('dingtalk', false)
    await eventually(() => fake.delivered().length === 1, 5000, 'delivered')
    await eventually(() => delivery!.channelsUnhealthy().length === 0, 2000, 'healthy again')
  })

  it('refuses a host off the allowlist, for good, naming the host', async () => {
    const url = fake.url('wecom').replace('127.0.0.1', 'localhost')
    startDelivery([channel('wecom', { url })])
    const m = msg('wecom')
    await outbox.add(m)
    await eventually(() => results.some((r) => r.id === m.id), 5000, 'an outcome')
    expect(results).toEqual([expect.objectContaining({ state: 'failed', error: `host localhost:${fake.port} is not in the notification allowlist (notify.allowHosts)` })])
    expect(fake.requests).toEqual([])
    expect(outbox.get(m.id)?.state).toBe('failed')
  })

  it('records a message the platform refuses for good (an illegal number) as failed, once', async () => {
    startDelivery([channel('sms')])
    const m = msg('sms', { to: [{ person: 'x', name: 'X', phone: '12345', lang: 'zh-CN' }] })
    await outbox.add(m)
    await eventually(() => results.some((r) => r.state === 'failed'), 5000, 'failed')
    expect(fake.requests.length).toBe(1)
    expect(results[0]).toMatchObject({ state: 'failed', error: 'isv.MOBILE_NUMBER_ILLEGAL: 非法手机号' })
  })

  it('keeps every secret out of logs, results, errors, stats and the log (a gateway quoting what it signed included)', async () => {
    await secrets.set('sms', { secret: 'sms-wrong-secret-0123' })
    fake.failNext('webhook', 1, { status: 'reset' })
    startDelivery([channel('sms'), channel('webhook'), channel('wecom'), channel('dingtalk')])
    for (const t of ['sms', 'webhook', 'wecom', 'dingtalk']) await outbox.add(msg(t))
    await eventually(() => fake.delivered().length === 3 && statsOf('sms').retried >= 1, 10_000, 'deliveries and the refusal')
    expect(JSON.stringify(fake.requests.find((r) => r.platform === 'sms')!.answer)).toContain(ACCOUNTS.sms.accessKeyId)
    const seen = [...logLines, JSON.stringify(results), JSON.stringify(delivery!.stats()), JSON.stringify(outbox.log()), JSON.stringify(secrets)].join('\n')
    expect(seen).toContain('SignatureDoesNotMatch')
    for (const v of [...SECRET_VALUES, 'sms-wrong-secret-0123']) expect(seen).not.toContain(v)
  })

  it('gives a message up, recorded as failed, once it is older than maxAgeMs (never sent late)', async () => {
    fake.outage('webhook', { status: 500 })
    startDelivery([channel('webhook')], { maxAgeMs: 60_000 })
    const m = msg('webhook', { decidedAt: Date.now() - 59_950 })
    await outbox.add(m)
    await eventually(() => results.some((r) => r.state === 'failed'), 5000, 'given up')
    expect(results.at(-1)).toMatchObject({ state: 'failed', error: expect.stringMatching(/^given up after \d+ attempts: HTTP 500: Service Unavailable$|^not sent: decided more than 1 minutes ago$/) })
    expect(outbox.get(m.id)?.state).toBe('failed')
    const old = msg('webhook', { decidedAt: Date.now() - 61_000 })
    fake.outage('webhook', false)
    await outbox.add(old)
    await eventually(() => results.some((r) => r.id === old.id), 5000, 'the old one')
    expect(results.at(-1)).toMatchObject({ id: old.id, state: 'failed', attempt: 0, error: 'not sent: decided more than 1 minutes ago' })
    expect(fake.requests.filter((r) => r.messageId === old.id)).toEqual([])
  })

  it('takes a new channel configuration: kept channels keep their counters, a removed one\'s messages fail', async () => {
    startDelivery([channel('sms'), channel('wecom')])
    await outbox.add(msg('sms'))
    await eventually(() => statsOf('sms').sent === 1, 5000, 'sent')
    fake.outage('wecom', { delayMs: 300, status: 503 })
    await outbox.add(msg('wecom')) // in flight while its channel goes away
    await eventually(() => fake.handling === 1, 5000, 'the wecom request held')
    delivery!.setChannels([channel('sms', { ratePerMinute: 1 })])
    await outbox.add(msg('wecom'))
    await eventually(() => results.filter((r) => r.channel === 'wecom').length === 3, 5000, 'the wecom outcomes')
    expect(results.filter((r) => r.channel === 'wecom').map((r) => r.state).sort()).toEqual(['failed', 'failed', 'retrying'])
    expect(delivery!.stats().map((x) => [x.id, x.sent])).toEqual([['sms', 1]])
    await outbox.add(msg('sms'))
    await outbox.add(msg('sms'))
    await eventually(() => statsOf('sms').sent === 2, 5000, 'the next sms')
    expect(outbox.unfinished('sms').map((e) => e.attempts)).toEqual([0]) // one a minute now
    expect(outbox.unfinished('wecom')).toEqual([])
    expect(fake.requests.filter((r) => r.platform === 'wecom').length).toBe(1) // nothing more sent for the removed channel
  })

  it('fails, for good, a message whose channel is not configured', async () => {
    startDelivery([channel('wecom')])
    await outbox.add(msg('gone'))
    await eventually(() => results.length === 1, 5000, 'an outcome')
    expect(results[0]).toMatchObject({ state: 'failed', error: 'channel gone is not configured' })
  })
})

describe('kill -9 in the middle of a send', () => {
  it('resends after the restart, marked, and the fake counts the duplicate', async () => {
    fake.failNext('wecom', 1, { delayMs: 3000 }) // held long enough to kill the sender while it waits
    const script = join(dir, 'sender.mts')
    const root = resolve(import.meta.dirname, '../..')
    await writeFile(script, `
      import { Outbox } from '${root}/hub/src/notify/outbox.ts'
      import { Delivery } from '${root}/hub/src/notify/delivery.ts'
      const o = JSON.parse(process.env.SENDER!)
      const outbox = await Outbox.open({ dir: o.dir, clock: Date.now })
      const delivery = new Delivery({ outbox, channels: [o.channel], secrets: { get: () => o.secret, values: () => [] }, allowHosts: ['127.0.0.1'],
        clock: Date.now, log: { info() {}, warn() {} }, onResult() {} })
      delivery.start()
      await outbox.add(o.message)
      console.log('added')
      setInterval(() => {}, 1000)
    `)
    const m = msg('wecom', { text: '一级报警：罐区' })
    const env = { ...process.env, SENDER: JSON.stringify({ dir: join(dir, 'killed'), channel: channel('wecom'), secret: SECRET_OF.wecom, message: m }) }
    const child = spawn(process.execPath, ['--import', 'tsx', script], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    try {
      await eventually(() => fake.handling === 1, 15_000, 'the request held at the fake').catch((err: Error) => {
        throw new Error(`${err.message}; the sender said: ${stderr}`)
      })
    } finally {
      child.kill('SIGKILL')
    }
    await new Promise((r) => child.once('exit', r))
    await eventually(() => fake.deliveries().get(m.id) === 1, 5000, 'the held request delivered after all')

    const reopened = await Outbox.open({ dir: join(dir, 'killed'), clock: Date.now })
    expect(reopened.get(m.id)).toMatchObject({ state: 'pending', resent: true, attempts: 1 })
    expect(reopened.resentAtOpen.get('wecom')).toBe(1)
    outbox.close()
    outbox = reopened
    startDelivery([channel('wecom')])
    await eventually(() => fake.deliveries().get(m.id) === 2, 10_000, 'the resend')
    const [first, second] = fake.delivered().filter((r) => r.messageId === m.id)
    expect(first!.text).toMatch(/^一级报警：罐区/)
    expect(second!.text).toMatch(/^【重发】一级报警：罐区/)
    expect(second!.duplicateOf).toBe(1)
    await eventually(() => results.some((r) => r.id === m.id && r.state === 'sent'), 5000, 'the result')
    expect(results.find((r) => r.state === 'sent')).toMatchObject({ resent: true, attempt: 2 })
    expect(statsOf('wecom').resent).toBe(1)
  })
})

describe('npm run sink (the CLI, standalone)', () => {
  it('listens on NOTIFY_SINK_PORT with the secrets of the environment and prints a line for each message', async () => {
    const root = resolve(import.meta.dirname, '../..')
    const env = { ...process.env, NOTIFY_SINK_PORT: '0', NOTIFY_SINK_WECOM_KEY: 'sink-key-0123' }
    const sink = spawn(process.execPath, ['--import', 'tsx', join(root, 'simulators/src/channels/sink-cli.ts')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    sink.stdout.on('data', (c: Buffer) => (out += c.toString()))
    try {
      const origin = await eventually(() => /notification sink on (http:\/\/[\d.]+:\d+):/.exec(out)?.[1], 15_000, 'the sink listening')
      const cfg = { id: 'w', type: 'wecom' as const, url: `${origin}/wecom/cgi-bin/webhook/send`, park: undefined, ratePerMinute: undefined, signName: undefined, template: undefined, signatureHeader: undefined }
      const m = msg('w', { text: '一级报警\n罐区 可燃气体' })
      const req = CHANNELS.wecom.build(m, cfg, { key: 'sink-key-0123' }, Date.now())
      expect((await fetch(req.url, req.init)).status).toBe(200)
      const bad = CHANNELS.wecom.build(m, cfg, { key: 'not-the-key' }, Date.now())
      await fetch(bad.url, bad.init)
      const lines = await eventually(() => {
        const l = out.split('\n').filter((x) => x.includes(m.id))
        return l.length === 2 ? l : undefined
      }, 5000, 'two lines')
      expect(lines[0]).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} wecom +ok +${m.id}  一级报警 ⏎ 罐区 可燃气体`))
      expect(lines[1]).toMatch(/wecom +refused 200 93000/)
      await fetch(`${origin}/wrong/path`, { method: 'POST', body: '{}' })
      await eventually(() => out.includes('404        POST /wrong/path (no platform here)'), 5000, 'the stray request said')
      expect(out).not.toContain('sink-key-0123')
    } finally {
      sink.kill('SIGTERM')
      await new Promise((r) => sink.once('exit', r))
    }
  })
})
