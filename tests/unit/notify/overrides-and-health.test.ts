import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Alarm, Transition } from '../../../hub/src/model/alarm.js'
import { notifyProblem, type NotifySettings, type Roster } from '../../../hub/src/model/notify.js'
import { NotifyEditError, NotifyOverrides } from '../../../hub/src/notify/overrides.js'
import { channelHealthWatcher } from '../../../hub/src/notify/channel-health.js'

const base: NotifySettings = {
  channels: [{ id: 'w', type: 'wecom', url: 'http://127.0.0.1/w', park: 'vtc' }, { id: 'z', type: 'feishu', url: 'http://127.0.0.1/f' }],
  rosters: [
    { scope: 'vtc', people: [{ id: 'wang', name: '王工', role: 'duty_officer' }], shifts: [{ id: 'd', name: 'd', start: '08:00', end: '20:00', people: ['wang'] }] },
    { scope: 'zone', people: [{ id: 'hq', name: 'HQ', role: 'zone_duty' }], shifts: [] , onCall: ['hq'] },
  ],
  policies: [{ park: '*', tiers: [{ afterMin: 0, roles: ['duty_officer'], channels: ['w'] }] }],
}
const parks = new Set(['vtc', 'glc'])

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smartpark-overrides-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('zone file references of the notify section', () => {
  const roster = base.rosters![0]!
  it.each([
    ['a duplicate channel', { ...base, channels: [...base.channels, base.channels[0]!] }, '/notify/channels/2/id'],
    ['a channel of an unknown park', { ...base, channels: [{ ...base.channels[0]!, park: 'nowhere' }] }, '/notify/channels/0/park'],
    ['a roster of an unknown park', { ...base, rosters: [{ ...roster, scope: 'nowhere' }] }, '/notify/rosters/0/scope'],
    ['two rosters of one park', { ...base, rosters: [roster, roster] }, '/notify/rosters/1/scope'],
    ['a shift naming nobody on the roster', { ...base, rosters: [{ ...roster, shifts: [{ ...roster.shifts[0]!, people: ['ghost'] }] }] }, '/notify/rosters/0/shifts/0/people/0'],
    ['a rotation naming an unknown crew', { ...base, rosters: [{ ...roster, rotation: { startDate: '2026-12-01', pattern: [['A']], crews: { B: ['wang'] } } }] }, '/notify/rosters/0/rotation/pattern/0/0'],
    ['a rotation with more crews than shifts', { ...base, rosters: [{ ...roster, rotation: { startDate: '2026-12-01', pattern: [['A', 'A']], crews: { A: ['wang'] } } }] }, '/notify/rosters/0/rotation/pattern/0'],
    ['a policy naming an unknown channel', { ...base, policies: [{ park: '*', tiers: [{ afterMin: 0, roles: ['x'], channels: ['nope'] }] }] }, '/notify/policies/0/tiers/0/channels/0'],
    ['tiers out of order', { ...base, policies: [{ park: '*', tiers: [{ afterMin: 5, roles: ['x'], channels: ['w'] }, { afterMin: 1, roles: ['y'], channels: ['w'] }] }] }, '/notify/policies/0/tiers/1/afterMin'],
    ['a policy of an unknown park', { ...base, policies: [{ park: 'nowhere', tiers: [{ afterMin: 0, roles: ['x'], channels: ['w'] }] }] }, '/notify/policies/0/park'],
  ])('refuses %s', (_what, settings, path) => {
    expect(notifyProblem(settings as NotifySettings, parks)?.path).toBe(path)
  })
  it('takes a sound section', () => {
    expect(notifyProblem(base, parks)).toBeUndefined()
  })
})

describe('rosters and policies edited through the API', () => {
  it('replaces a roster of its scope, keeps it 0600 in the data dir, and a new hub reads it back', async () => {
    const o = new NotifyOverrides(dir, base, parks)
    expect(o.load()).toBeUndefined()
    const glc: Roster = { scope: 'glc', people: [{ id: 'li', name: '李工', role: 'duty_officer', phone: '13800000002' }], shifts: [] }
    o.setRoster('glc', glc)
    o.setRoster('vtc', { ...base.rosters![0]!, people: [{ id: 'wang', name: '王工', role: 'shift_leader' }] })
    const file = join(dir, 'notify', 'overrides.json')
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    const again = new NotifyOverrides(dir, base, parks)
    expect(again.load()).toBeUndefined()
    expect(again.rosters().map((r) => [r.scope, r.people[0]!.role])).toEqual([['vtc', 'shift_leader'], ['zone', 'zone_duty'], ['glc', 'duty_officer']])
    expect(again.policies()).toEqual(base.policies)
    again.setPolicies([])
    expect(new NotifyOverrides(dir, base, parks).policies()).toEqual(base.policies) // not loaded yet
    const third = new NotifyOverrides(dir, base, parks)
    third.load()
    expect(third.policies()).toEqual([])
    expect(JSON.parse(await readFile(file, 'utf8')).version).toBe(1)
  })

  it.each([
    ['another scope in the body', 'glc', { ...base.rosters![0]! }, '/scope'],
    ['a phone that is not a number', 'vtc', { ...base.rosters![0]!, people: [{ id: 'wang', name: 'w', role: 'duty_officer', phone: 'call me' }] }, '/people/0/phone'],
    ['an unknown field', 'vtc', { ...base.rosters![0]!, extra: 1 }, ''],
    ['a shift naming nobody on it', 'vtc', { ...base.rosters![0]!, people: [] }, '/shifts/0/people/0'],
  ])('refuses a roster with %s, keeping the one before', (_what, scope, body, path) => {
    const o = new NotifyOverrides(dir, base, parks)
    let err: unknown
    try {
      o.setRoster(scope, body)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(NotifyEditError)
    expect((err as NotifyEditError).path).toBe(path)
    expect(o.rosters()).toEqual(base.rosters)
  })

  it('refuses policies naming a role nobody on the rosters holds (a misspelt role notifies nobody), keeping the ones before', () => {
    const o = new NotifyOverrides(dir, base, parks)
    let err: unknown
    try {
      o.setPolicies([{ park: 'vtc', tiers: [{ afterMin: 0, roles: ['duty_officer'], channels: ['w'] }, { afterMin: 5, roles: ['zone_duty', 'duty_oficer'], channels: ['z'] }] }])
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(NotifyEditError)
    expect((err as NotifyEditError).path).toBe('/0/tiers/1/roles/1')
    expect((err as NotifyEditError).message).toContain('duty_oficer')
    expect(o.policies()).toEqual(base.policies)
    // A role of the zone roster counts (a park's tier falls back to it).
    expect(o.setPolicies([{ park: 'vtc', tiers: [{ afterMin: 0, roles: ['zone_duty'], channels: ['z'] }] }])).toHaveLength(1)
  })

  it('leaves a saved file that no longer fits the zone unused, and says where', async () => {
    await mkdir(join(dir, 'notify'), { recursive: true })
    await writeFile(join(dir, 'notify', 'overrides.json'), JSON.stringify({ version: 1, rosters: [{ scope: 'gone', people: [], shifts: [] }] }))
    const o = new NotifyOverrides(dir, base, parks)
    expect(o.load()?.problem).toBe('unknown park gone (a park id or zone)')
    expect(o.rosters()).toEqual(base.rosters)
  })
})

describe('a failing channel is an alarm', () => {
  it('raises one when delivery reports the channel unhealthy, clears it when it delivers again, and clears one left from before a restart', () => {
    let failing: string[] = ['w']
    const raised: Transition[] = []
    const left = { rule: 'notify', type: 'notify_channel_failed', condition: 'active', device: 'notify-z' } as Alarm
    const check = channelHealthWatcher({ channels: base.channels, unhealthy: () => failing, lastError: () => 'errcode 93000 invalid webhook url', openAlarms: () => [left], raise: (t) => raised.push(...t) })
    check(1000)
    expect(raised.map((t) => [t.kind, t.key, t.class, t.level, t.park, t.rule])).toEqual([
      ['activate', 'notify:channel:w', 'device-health', 3, 'vtc', 'notify'],
      ['clear', 'notify:channel:z', 'device-health', 3, '_hub', 'notify'],
    ])
    expect(raised[0]!.message).toContain('errcode 93000')
    raised.length = 0
    check(2000)
    expect(raised).toEqual([])
    failing = []
    check(3000)
    expect(raised.map((t) => [t.kind, t.key])).toEqual([['clear', 'notify:channel:w']])
  })
})
