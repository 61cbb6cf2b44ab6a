import { describe, expect, it } from 'vitest'
import type { Roster } from '../../../hub/src/model/notify.js'
import { localMoment, onDuty, shiftDay, whoToReach } from '../../../hub/src/notify/roster.js'

const TZ = 'Asia/Shanghai'
/** An instant given as Shanghai local time (UTC+8, no DST). */
const at = (local: string): number => Date.parse(`${local}+08:00`)

const vtc: Roster = {
  scope: 'vtc',
  people: [
    { id: 'wang', name: '王工', role: 'duty_officer', phone: '13800000001' },
    { id: 'li', name: '李工', role: 'duty_officer', phone: '13800000002' },
    { id: 'zhao', name: '赵工', role: 'duty_officer', phone: '13800000003' },
    { id: 'qian', name: '钱工', role: 'duty_officer', phone: '13800000004' },
    { id: 'sun', name: '孙班长', role: 'shift_leader', phone: '13800000005' },
    { id: 'zhou', name: '周经理', role: 'safety_manager', phone: '13800000006', lang: 'en' },
  ],
  shifts: [
    { id: 'day', name: '白班', start: '08:00', end: '20:00' },
    { id: 'night', name: '夜班', start: '20:00', end: '08:00' },
  ],
  // Day 0 (2026-12-01): A days, B nights; day 1: C days, D nights; then again.
  rotation: { startDate: '2026-12-01', pattern: [['A', 'B'], ['C', 'D']], crews: { A: ['wang', 'sun'], B: ['li'], C: ['zhao'], D: ['qian'] } },
  onCall: ['zhou'],
}
const zone: Roster = {
  scope: 'zone',
  people: [{ id: 'hq', name: '总值班', role: 'duty_officer', phone: '13900000000' }, { id: 'zd', name: '区值班', role: 'zone_duty' }],
  shifts: [{ id: 'all', name: '全天', start: '00:00', end: '00:00', people: ['hq', 'zd'] }],
}

describe('roster: who is on duty, in the zone\'s time zone', () => {
  it.each([
    // local time                    shift     people on duty (ids, on call included)
    ['2026-12-01T08:00:00', 'day', ['wang', 'sun', 'zhou']], // handover at 08:00: the day crew from that minute
    ['2026-12-01T07:59:00', 'night', ['qian', 'zhou']], // still the night that started on 11-30: day -1 → row 1 → crew D
    ['2026-12-01T19:59:00', 'day', ['wang', 'sun', 'zhou']],
    ['2026-12-01T20:00:00', 'night', ['li', 'zhou']],
    ['2026-12-02T03:00:00', 'night', ['li', 'zhou']], // past midnight: still the night shift that started on 12-01 (crew B)
    ['2026-12-02T08:00:00', 'day', ['zhao', 'zhou']],
    ['2026-12-02T23:30:00', 'night', ['qian', 'zhou']],
    ['2026-12-03T09:00:00', 'day', ['wang', 'sun', 'zhou']], // the pattern repeats every two days
    ['2026-11-30T21:00:00', 'night', ['qian', 'zhou']], // before the start date the pattern runs backwards: day -1 → row 1
  ])('%s → %s shift', (local, shift, ids) => {
    const d = onDuty(vtc, at(local), TZ)
    expect(d.shift?.id).toBe(shift)
    expect(d.people.map((p) => p.id)).toEqual(ids)
  })

  it('a shift of start = end runs all day; one past midnight belongs to the day it starts on', () => {
    expect(shiftDay({ start: '00:00', end: '00:00' }, { day: 10, minute: 0 })).toBe(10)
    expect(shiftDay({ start: '20:00', end: '08:00' }, { day: 10, minute: 3 * 60 })).toBe(9)
    expect(shiftDay({ start: '20:00', end: '08:00' }, { day: 10, minute: 12 * 60 })).toBeUndefined()
    expect(shiftDay({ start: '08:00', end: '20:00' }, { day: 10, minute: 20 * 60 })).toBeUndefined()
  })

  it('local time follows the zone: 16:00 UTC is midnight in Shanghai', () => {
    const m = localMoment(Date.parse('2026-12-01T16:00:00Z'), TZ)
    expect(m.minute).toBe(0)
    expect(localMoment(Date.parse('2026-12-01T16:00:00Z'), 'UTC').minute).toBe(16 * 60)
  })

  it('a fixed crew without a rotation is on duty every day', () => {
    const fixed: Roster = { scope: 'p', people: vtc.people, shifts: [{ id: 'd', name: 'd', start: '09:00', end: '17:00', people: ['wang'] }] }
    expect(onDuty(fixed, at('2026-12-05T10:00:00'), TZ).people.map((p) => p.id)).toEqual(['wang'])
    expect(onDuty(fixed, at('2026-12-05T18:00:00'), TZ)).toMatchObject({ shift: null, people: [] })
  })

  it('reaches the roles on duty in the park, and the zone roster for a role nobody of the park holds, saying so', () => {
    const night = at('2026-12-02T03:00:00')
    const r = whoToReach([vtc, zone], 'vtc', ['duty_officer', 'shift_leader', 'zone_duty'], night, TZ)
    // Night crew B has a duty officer (li) but no shift leader: none in the zone either.
    expect(r.people.map((p) => p.id)).toEqual(['li', 'zd'])
    expect(r.fallback).toEqual(['zone_duty'])
    expect(r.unstaffed).toEqual(['shift_leader'])
  })

  it('a park with nobody on duty falls back to the zone roster', () => {
    const empty: Roster = { scope: 'glc', people: [], shifts: [] }
    const r = whoToReach([empty, zone], 'glc', ['duty_officer'], at('2026-12-02T03:00:00'), TZ)
    expect(r.people.map((p) => p.id)).toEqual(['hq'])
    expect(r.fallback).toEqual(['duty_officer'])
    // A park without a roster at all, too.
    expect(whoToReach([zone], 'nowhere', ['duty_officer'], 0, TZ).fallback).toEqual(['duty_officer'])
  })
})
