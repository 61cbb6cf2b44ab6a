import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AlarmBook } from '../../../hub/src/alarms/index.js'
import type { NotifySettings } from '../../../hub/src/model/notify.js'
import type { Incident } from '../../../hub/src/model/incident.js'
import { AckLinks } from '../../../hub/src/notify/ack-links.js'
import { Notifier } from '../../../hub/src/notify/notifier.js'
import { NotifyOverrides } from '../../../hub/src/notify/overrides.js'
import type { OutboundMessage } from '../../../hub/src/notify/types.js'
import { counterIds, transition } from '../alarms/fixtures.js'

const MIN = 60_000
const TZ = 'Asia/Shanghai'
const at = (local: string): number => Date.parse(`${local}+08:00`)

const settings: NotifySettings = {
  publicUrl: 'http://hub:8080',
  storm: { alarmsPerMinute: 2 },
  channels: [
    { id: 'wecom', type: 'wecom', url: 'http://127.0.0.1:1/wecom', park: 'pk1' },
    { id: 'sms', type: 'sms', url: 'http://127.0.0.1:1/sms', signName: 's', template: 't' },
    { id: 'voice', type: 'voice', url: 'http://127.0.0.1:1/voice', template: 'tts' },
  ],
  rosters: [{
    scope: 'pk1',
    people: [{ id: 'wang', name: '王工', role: 'duty_officer', phone: '13800000001' }, { id: 'sun', name: '孙班长', role: 'shift_leader', phone: '13800000005', lang: 'en' }],
    shifts: [{ id: 'all', name: '全天', start: '00:00', end: '00:00', people: ['wang', 'sun'] }],
  }],
  policies: [
    { park: '*', levels: [1, 2], tiers: [{ afterMin: 0, roles: ['duty_officer'], channels: ['wecom', 'sms'] }, { afterMin: 5, roles: ['shift_leader'], channels: ['sms'] }] },
    { park: '*', levels: [3, 4], tiers: [{ afterMin: 0, roles: ['duty_officer'], channels: ['wecom'] }], quietHours: { from: '22:00', to: '07:00' } },
  ],
}

/** One clock for the alarm book and the notifiers, and the notifier the book's steps go to. */
interface World {
  now: number
  notifier: Notifier | undefined
  book: AlarmBook
}

function world(start: number): World {
  const w: World = { now: start, notifier: undefined, book: undefined as unknown as AlarmBook }
  w.book = new AlarmBook({ clock: () => w.now, newId: counterIds(), sink: { onChange: (a, st) => w.notifier?.onAlarm(a, st) } })
  return w
}

/** A notifier (a new one on the same data dir after a crash) over the world's book, with an outbox that keeps what is added once per id, as the real one. */
function rig(dir: string, w: World, incidents: Incident[] = [], s: NotifySettings = settings) {
  const sent = new Map<string, OutboundMessage>()
  const outbox = { add: async (m: OutboundMessage) => void (sent.has(m.id) || sent.set(m.id, m)), get: (id: string) => (sent.has(id) ? { msg: sent.get(id)! } : undefined) }
  const notifier = new Notifier({
    channels: s.channels, overrides: new NotifyOverrides(dir, s, new Set(['pk1'])), timezone: TZ, stormPerMinute: s.storm?.alarmsPerMinute,
    publicUrl: s.publicUrl, dataDir: dir, clock: () => w.now,
    places: { park: () => undefined, enterprise: () => undefined, area: () => undefined, device: () => undefined },
    ackLinks: new AckLinks('a-hub-secret-of-more-than-32-characters'), alarms: w.book, incidents: { list: () => incidents.filter((i) => i.state === 'open'), get: (id) => incidents.find((i) => i.id === id) }, outbox,
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
  })
  w.notifier = notifier
  notifier.open()
  return {
    notifier, sent,
    /** Ticks once a second up to `t`, letting the outbox's promises settle. */
    async run(t: number) {
      while (w.now < t) {
        w.now = Math.min(t, w.now + 1000)
        notifier.tick(w.now)
        await new Promise((r) => setImmediate(r))
      }
    },
  }
}

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smartpark-notifier-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('the notifier under a fake clock', () => {
  it('tells tier 0 at once, tier 1 after 5 minutes unacknowledged, nothing after the acknowledgement', async () => {
    const T0 = at('2026-12-02T03:00:00')
    const w = world(T0)
    const book = w.book
    const r = rig(dir, w)
    const a = book.apply(transition({ ts: T0, level: 2 }))!
    await r.run(T0 + 1000)
    expect([...r.sent.keys()]).toEqual([`alarm:${a.id}:0:wecom`, `alarm:${a.id}:0:sms:wang`])
    const sms = r.sent.get(`alarm:${a.id}:0:sms:wang`)!
    expect(sms.to).toEqual([{ person: 'wang', name: '王工', phone: '13800000001', lang: 'zh-CN' }])
    expect(sms.link).toMatch(/^http:\/\/hub:8080\/#\/ack\/a1\./)
    await r.run(T0 + 5 * MIN - 2000)
    expect(r.sent.size).toBe(2)
    await r.run(T0 + 5 * MIN + 1000)
    const tier1 = r.sent.get(`alarm:${a.id}:1:sms:sun`)!
    expect(tier1.kind).toBe('escalation')
    expect(tier1.text).toContain('unacknowledged for 5 min, escalated to tier 2') // sun reads English
    w.now = T0 + 6 * MIN
    book.ack(a.id, 'sun', { channel: 'dashboard' })
    expect(r.notifier.escalationOf(a.id)).toMatchObject({ phase: 'stopped', stoppedBy: { by: 'sun', channel: 'dashboard' } })
    await r.run(T0 + 60 * MIN)
    expect(r.sent.size).toBe(3)
    expect(book.get(a.id)!.history.filter((s) => s.action === 'notify').map((s) => s.note)).toEqual(['notified tier 1 (alarm): wecom, sms → 王工', 'notified tier 2 (escalation): sms → 孙班长'])
  })

  it('holds a yellow alarm through the quiet hours and sends it when they end; drops it if acknowledged meanwhile', async () => {
    const night = at('2026-12-02T23:00:00')
    const w = world(night)
    const book = w.book
    const r = rig(dir, w)
    const held = book.apply(transition({ ts: night, level: 3, key: 'k1' }))!
    const dropped = book.apply(transition({ ts: night, level: 3, key: 'k2', device: 'd2' }))!
    expect(r.notifier.escalationOf(held.id)).toMatchObject({ phase: 'held', nextAt: at('2026-12-03T07:00:00') })
    await r.run(night + 10 * MIN)
    expect(r.sent.size).toBe(0)
    book.ack(dropped.id, 'li', { channel: 'api' })
    w.now = at('2026-12-03T06:59:30')
    await r.run(at('2026-12-03T07:00:01'))
    expect([...r.sent.keys()]).toEqual([`alarm:${held.id}:0:wecom`])
    // A red one is never held.
    const red = book.apply(transition({ ts: at('2026-12-03T07:00:01'), level: 1, key: 'k3', device: 'd3' }))!
    expect(r.notifier.escalationOf(red.id)?.phase).toBe('escalating')
  })

  it('past the flood limit gathers the park\'s messages into one summary of the minute, kept across a crash', async () => {
    const T0 = at('2026-12-02T10:00:00')
    const w = world(T0)
    const book = w.book
    const first = rig(dir, w)
    const ids = [1, 2, 3, 4, 5].map((i) => book.apply(transition({ ts: T0, level: 2, key: `k${i}`, device: `d${i}` }))!.id)
    await first.run(T0 + 1000)
    const alone = [...first.sent.keys()].filter((k) => k.startsWith('alarm:'))
    expect(new Set(alone.map((k) => k.split(':')[1]))).toEqual(new Set(ids.slice(0, 2)))
    await first.notifier.durable()
    // kill -9 before the minute ends: a new notifier on the same data dir sums up what the first gathered.
    w.now = T0 + 30_000
    const again = rig(dir, w)
    await again.run(T0 + MIN + 1000)
    const summaries = [...again.sent.values()].filter((m) => m.kind === 'summary')
    expect(summaries.map((m) => m.id).sort()).toEqual([`summary:pk1:${T0}:sms:wang`, `summary:pk1:${T0}:wecom`])
    expect(summaries.find((m) => m.channel === 'wecom')!.text).toContain('1 分钟内另有 3 条报警未逐条发送：红 0 · 橙 3')
  })

  it('alarms no policy routes (nobody is told of them) do not make a flood of the ones people are told of', async () => {
    const T0 = at('2026-12-02T10:00:00')
    const w = world(T0)
    const onlyHigh: NotifySettings = { ...settings, policies: [settings.policies![0]!] }
    const r = rig(dir, w, [], onlyHigh)
    for (let i = 1; i <= 5; i++) w.book.apply(transition({ ts: T0, level: 3, key: `f${i}`, device: `f${i}` }))
    const orange = w.book.apply(transition({ ts: T0, level: 2, key: 'gas', device: 'g1' }))!.id
    await r.run(T0 + 1000)
    expect([...r.sent.keys()].filter((k) => k.startsWith(`alarm:${orange}:`))).not.toHaveLength(0)
    expect(r.notifier.counters.stormed).toBe(0)
  })

  it('a red life-safety alarm reminds every 5 minutes and, from its second step, calls the duty officer\'s phone', async () => {
    const T0 = at('2026-12-02T03:00:00')
    const w = world(T0)
    const r = rig(dir, w)
    const a = w.book.apply(transition({ ts: T0, level: 1 }))!
    await r.run(T0 + 1000)
    expect([...r.sent.keys()]).toEqual([`alarm:${a.id}:0:wecom`, `alarm:${a.id}:0:sms:wang`])
    await r.run(T0 + 5 * MIN + 1000)
    expect([...r.sent.keys()].filter((k) => k.startsWith(`alarm:${a.id}:1:`)).sort()).toEqual([`alarm:${a.id}:1:sms:sun`, `alarm:${a.id}:1:voice:wang`])
    expect(r.sent.get(`alarm:${a.id}:1:voice:wang`)!.to[0]!.phone).toBe('13800000001')
  })

  it('a shelved alarm is not escalated; unshelved while unacknowledged, it starts again from the first tier', async () => {
    const T0 = at('2026-12-02T03:00:00')
    const w = world(T0)
    const r = rig(dir, w)
    const a = w.book.apply(transition({ ts: T0, level: 2 }))!
    await r.run(T0 + 1000)
    w.book.shelve(a.id, 'op', { minutes: 30 })
    expect(r.notifier.escalationOf(a.id)?.phase).toBe('done')
    await r.run(T0 + 20 * MIN)
    expect(r.sent.size).toBe(2)
    w.book.unshelve(a.id, 'op')
    await r.run(T0 + 20 * MIN + 2000)
    expect([...r.sent.keys()].filter((k) => k.startsWith(`alarm:${a.id}:1:`))).toEqual([`alarm:${a.id}:1:wecom`, `alarm:${a.id}:1:sms:wang`])
  })

  it('an alarm turning red in an incident is escalated through the incident; its own escalation points there', async () => {
    const T0 = at('2026-12-02T03:00:00')
    const w = world(T0)
    const incidents: Incident[] = []
    const r = rig(dir, w, incidents)
    const a = w.book.apply(transition({ ts: T0, level: 2 }))!
    await r.run(T0 + 1000)
    incidents.push({ id: 'i1', park: 'pk1', level: 1, title: '泄漏', titleEn: 'Leak', alarms: [a.id], state: 'open' } as unknown as Incident)
    w.book.apply(transition({ ts: T0 + 1000, level: 1, value: 60, threshold: 50 }))
    expect(r.notifier.escalationOf(a.id)).toMatchObject({ key: 'incident:i1', phase: 'escalating', plan: { red: true, needsDispatch: true } })
    await r.run(T0 + 2000)
    expect(r.sent.get('incident:i1:0:wecom')?.text).toContain('红色（一级）应急事件 · pk1 · 泄漏：1 条报警，尚未派人处置')
  })
})
