import { Value } from 'typebox/value'
import { describe, expect, it } from 'vitest'
import { NotifySettings } from '../../../hub/src/model/notify.js'
import { whoToReach } from '../../../hub/src/notify/roster.js'
import { demoNotify, SINK_ENV } from '../../../simulators/src/zone/zone-notify.js'

const parks = ['vtc', 'glc', 'nsc']
const n = demoNotify({ parks, sink: 'http://127.0.0.1:8091', publicUrl: 'http://localhost:8080' })
const TZ = 'Asia/Shanghai'
/** 2026-12-07 (day 6 of the rotation: row 6 mod 4 = 2, crews B by day and A by night) at a local hour. */
const at = (hour: number): number => Date.UTC(2026, 11, 7, hour - 8, 30)

describe("the demo zone's notifications (zone-notify.ts)", () => {
  it('validates against the zone schema', () => {
    expect([...Value.Errors(NotifySettings, n)]).toEqual([])
  })

  it('names only channels it defines, and every channel is reachable through the allowlist', () => {
    const ids = new Set(n.channels.map((c) => c.id))
    const named = n.policies!.flatMap((p) => p.tiers.flatMap((t) => t.channels))
    expect(named.filter((c) => !ids.has(c))).toEqual([])
    for (const c of n.channels) expect(n.allowHosts).toContain(new URL(c.url).hostname)
  })

  it('keeps secrets out of the zone file: each signed channel names its environment variables', () => {
    const text = JSON.stringify(n)
    expect(text).not.toMatch(/"(key|secret)"\s*:/)
    const ding = n.channels.find((c) => c.type === 'dingtalk')!
    expect(ding).toMatchObject({ keyEnv: 'NOTIFY_SINK_DINGTALK_TOKEN', secretEnv: 'NOTIFY_SINK_DINGTALK_SECRET' })
    // The variables the sink reads its accounts from: one account per platform.
    for (const c of n.channels) expect({ keyEnv: c.keyEnv, secretEnv: c.secretEnv }, c.id).toEqual({ keyEnv: undefined, secretEnv: undefined, ...SINK_ENV[c.type] })
  })

  it('has a person on duty for every role a tier calls, day and night, in every park', () => {
    for (const park of parks) {
      for (const hour of [3, 9, 14, 21]) {
        for (const policy of n.policies!.filter((p) => p.park === park)) {
          for (const tier of policy.tiers) {
            const reached = whoToReach(n.rosters!, tier.scope === 'zone' ? 'zone' : park, tier.roles, at(hour), TZ)
            expect(reached.unstaffed, `${park} ${hour}:30 ${tier.roles.join()}`).toEqual([])
          }
        }
      }
    }
  })

  it('puts crew B on the day shift and crew A on the night shift of 7 December, the safety manager always', () => {
    const day = whoToReach(n.rosters!, 'vtc', ['duty_officer', 'shift_leader', 'safety_manager'], at(9), TZ).people.map((p) => p.id)
    expect(day.sort()).toEqual(['vtc-duty-b', 'vtc-leader-b', 'vtc-safety-mgr'])
    const night = whoToReach(n.rosters!, 'vtc', ['duty_officer'], at(21), TZ).people.map((p) => p.id)
    expect(night).toEqual(['vtc-duty-a'])
  })

  it('never holds a level I or II alarm for quiet hours, and escalates life-safety to the zone', () => {
    for (const p of n.policies!) if (p.quietHours) expect(p.levels).toEqual([3, 4])
    const lifeSafety = n.policies!.filter((p) => p.classes?.includes('life-safety'))
    expect(lifeSafety).toHaveLength(parks.length)
    for (const p of lifeSafety) expect(p.tiers.at(-1)).toMatchObject({ scope: 'zone', roles: ['zone_duty'] })
  })

  it('gives everyone a different invented name and number', () => {
    const people = n.rosters!.flatMap((r) => r.people)
    expect(new Set(people.map((p) => p.name)).size).toBe(people.length)
    expect(new Set(people.map((p) => p.phone)).size).toBe(people.length)
    expect(new Set(people.map((p) => p.id)).size).toBe(people.length)
  })
})
