import { describe, expect, it } from 'vitest'
import type { Roster } from '../../../hub/src/model/notify.js'
import { DEFAULT_SHIFTS, localInstant, previousShift, shiftAt, shiftOn, shiftsOf } from '../../../hub/src/reports/shift-window.js'

const TZ = 'Asia/Shanghai'
/** An instant given as Shanghai local time (UTC+8, no DST). */
const at = (local: string): number => Date.parse(`${local}+08:00`)
const HOUR = 3_600_000

const vtc: Roster = {
  scope: 'vtc',
  people: [],
  shifts: [
    { id: 'day', name: '白班', start: '08:00', end: '20:00' },
    { id: 'night', name: '夜班', start: '20:00', end: '08:00' },
  ],
}
const zone: Roster = { scope: 'zone', people: [], shifts: [{ id: 'all', name: '全天', start: '07:30', end: '07:30' }] }

describe('the shift a handover report covers', () => {
  it('takes the park roster\'s shift; a night shift seen after midnight is the previous day\'s', () => {
    const w = shiftAt([vtc, zone], 'vtc', at('2026-12-07T03:00'), TZ)
    expect(w).toMatchObject({ id: 'night', day: '2026-12-06', source: 'park', timezone: TZ, start: '20:00', end: '08:00' })
    expect(w.from).toBe(at('2026-12-06T20:00'))
    expect(w.to).toBe(at('2026-12-07T08:00'))
  })

  it('starts a shift at its handover minute and ends it just before the next', () => {
    expect(shiftAt([vtc], 'vtc', at('2026-12-07T08:00'), TZ)).toMatchObject({ id: 'day', day: '2026-12-07', from: at('2026-12-07T08:00'), to: at('2026-12-07T20:00') })
    expect(shiftAt([vtc], 'vtc', at('2026-12-07T19:59'), TZ).id).toBe('day')
    expect(shiftAt([vtc], 'vtc', at('2026-12-07T20:00'), TZ)).toMatchObject({ id: 'night', day: '2026-12-07' })
    expect(shiftAt([vtc], 'vtc', at('2026-12-07T07:59'), TZ)).toMatchObject({ id: 'night', day: '2026-12-06' })
  })

  it('falls back to the zone roster, then to the fixed 08:00–20:00 / 20:00–08:00, and says which', () => {
    const z = shiftAt([vtc, zone], 'glc', at('2026-12-07T07:00'), TZ)
    expect(z).toMatchObject({ id: 'all', source: 'zone', day: '2026-12-06', from: at('2026-12-06T07:30'), to: at('2026-12-07T07:30') })
    const d = shiftAt([], 'glc', at('2026-12-07T12:00'), TZ)
    expect(d).toMatchObject({ id: 'default-day', source: 'default', from: at('2026-12-07T08:00'), to: at('2026-12-07T20:00') })
    expect(shiftsOf([{ ...vtc, shifts: [] }], 'vtc').shifts).toBe(DEFAULT_SHIFTS)
  })

  it('outside every shift of a roster with gaps, takes the one that ended last', () => {
    const office: Roster = { scope: 'vtc', people: [], shifts: [{ id: 'office', name: '日间', start: '08:30', end: '17:30' }] }
    const w = shiftAt([office], 'vtc', at('2026-12-07T06:00'), TZ)
    expect(w).toMatchObject({ id: 'office', day: '2026-12-06', from: at('2026-12-06T08:30'), to: at('2026-12-06T17:30') })
  })

  it('finds the shift before: the night before a day shift, the day before a night shift', () => {
    const day = shiftAt([vtc], 'vtc', at('2026-12-07T10:00'), TZ)
    const night = previousShift([vtc], 'vtc', day)
    expect(night).toMatchObject({ id: 'night', day: '2026-12-06', to: day.from })
    expect(previousShift([vtc], 'vtc', night)).toMatchObject({ id: 'day', day: '2026-12-06', to: night.from })
  })

  it('finds a shift by its start date and id, and nothing for an unknown shift or a date that does not exist', () => {
    expect(shiftOn([vtc], 'vtc', '2026-12-05', 'night', TZ)).toMatchObject({ id: 'night', day: '2026-12-05', from: at('2026-12-05T20:00'), to: at('2026-12-06T08:00'), source: 'park' })
    expect(shiftOn([], 'vtc', '2026-12-05', 'default-day', TZ)).toMatchObject({ from: at('2026-12-05T08:00'), source: 'default' })
    expect(shiftOn([vtc], 'vtc', '2026-12-05', 'evening', TZ)).toBeUndefined()
    expect(shiftOn([vtc], 'vtc', '2026-02-30', 'day', TZ)).toBeUndefined()
  })

  it('counts wall-clock hours in a zone with daylight saving time (a night shift over the spring change is 11 h)', () => {
    const berlin = 'Europe/Berlin'
    // 2026-03-29 02:00 CET → 03:00 CEST.
    const w = shiftAt([vtc], 'vtc', Date.parse('2026-03-29T01:30:00Z'), berlin)
    expect(w).toMatchObject({ id: 'night', day: '2026-03-28' })
    expect(w.from).toBe(Date.parse('2026-03-28T20:00:00+01:00'))
    expect(w.to).toBe(Date.parse('2026-03-29T08:00:00+02:00'))
    expect((w.to - w.from) / HOUR).toBe(11)
    expect(localInstant(Math.floor(Date.UTC(2026, 9, 25) / 86_400_000), 12 * 60, berlin)).toBe(Date.parse('2026-10-25T12:00:00+01:00'))
  })
})
