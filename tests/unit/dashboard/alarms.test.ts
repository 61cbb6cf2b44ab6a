import { describe, expect, it } from 'vitest'
import {
  alarmStateByDevice,
  compareAlarms,
  countActiveByLevel,
  countByLevel,
  countUnacked,
  hasPendingShelf,
  indexAlarms,
  filterAlarms,
  shouldSound,
  sortAlarms,
  titleWithCount,
  DEFAULT_FILTER,
} from '../../../dashboard/src/lib/alarms.js'
import { alarm } from './fixtures.js'

const NOW = 10_000_000

describe('alarm order: highest level first, then newest first', () => {
  it('puts red before orange whatever the time, and newer before older within a level', () => {
    const list = [
      alarm({ id: 'a', level: 3, raisedAt: 900 }),
      alarm({ id: 'b', level: 1, raisedAt: 100 }),
      alarm({ id: 'c', level: 2, raisedAt: 500 }),
      alarm({ id: 'd', level: 1, raisedAt: 300 }),
      alarm({ id: 'e', level: 4, raisedAt: 999 }),
      alarm({ id: 'f', level: 2, raisedAt: 800 }),
    ]
    expect(sortAlarms(list).map((a) => a.id)).toEqual(['d', 'b', 'f', 'c', 'a', 'e'])
  })

  it('is stable for equal level and time (id decides)', () => {
    const x = alarm({ id: 'x', raisedAt: 5 })
    const y = alarm({ id: 'y', raisedAt: 5 })
    expect(compareAlarms(x, y)).toBeLessThan(0)
    expect(compareAlarms(y, x)).toBeGreaterThan(0)
    expect(compareAlarms(x, x)).toBe(0)
  })

  it('does not mutate its input', () => {
    const list = [alarm({ id: 'a', level: 4 }), alarm({ id: 'b', level: 1 })]
    sortAlarms(list)
    expect(list.map((a) => a.id)).toEqual(['a', 'b'])
  })
})

describe('filters', () => {
  const list = [
    alarm({ id: 'active-unacked', level: 1 }),
    alarm({ id: 'active-acked', level: 2, ack: 'acked' }),
    alarm({ id: 'cleared-unacked', level: 3, condition: 'cleared' }),
    alarm({ id: 'shelved', level: 2, shelvedUntil: NOW + 60_000 }),
    alarm({ id: 'shelf-expired', level: 4, shelvedUntil: NOW - 1 }),
    alarm({ id: 'closed', level: 1, workflow: 'closed', condition: 'cleared', ack: 'acked' }),
    alarm({ id: 'other-park', level: 1, park: 'p2' }),
    alarm({ id: 'oos', level: 3, outOfService: true }),
  ]
  const ids = (state: typeof DEFAULT_FILTER.state, extra: Partial<typeof DEFAULT_FILTER> = {}) =>
    filterAlarms(list, { ...DEFAULT_FILTER, state, ...extra }, NOW).map((a) => a.id)

  it('"open" hides closed, shelved and out-of-service alarms (ISA-18.2)', () => {
    expect(ids('open').sort()).toEqual(['active-acked', 'active-unacked', 'cleared-unacked', 'other-park', 'shelf-expired'].sort())
  })
  it('"active" keeps only standing conditions', () => {
    expect(ids('active')).not.toContain('cleared-unacked')
    expect(ids('active')).toContain('active-acked')
  })
  it('"unacked" keeps unacknowledged ones, including returned-to-normal', () => {
    expect(ids('unacked')).toContain('cleared-unacked')
    expect(ids('unacked')).not.toContain('active-acked')
  })
  it('"shelved" shows what the working list hides', () => {
    expect(ids('shelved').sort()).toEqual(['oos', 'shelved'])
  })
  it('"closed" and "all"', () => {
    expect(ids('closed')).toEqual(['closed'])
    expect(ids('all')).toHaveLength(list.length)
  })
  it('filters by park and by level, and the result is sorted', () => {
    expect(ids('open', { park: 'p2' })).toEqual(['other-park'])
    expect(ids('all', { levels: [1] })).toEqual(['active-unacked', 'closed', 'other-park'].sort())
    const res = filterAlarms(list, { ...DEFAULT_FILTER, state: 'all' }, NOW)
    expect(res).toEqual(sortAlarms(res))
  })
})

describe('counts and title', () => {
  const list = [
    alarm({ id: '1', level: 1 }),
    alarm({ id: '2', level: 1, ack: 'acked' }),
    alarm({ id: '3', level: 3, condition: 'cleared' }),
    alarm({ id: '4', level: 2, shelvedUntil: NOW + 1 }),
    alarm({ id: '5', level: 4, workflow: 'closed' }),
  ]
  it('counts unacknowledged alarms that still wait for someone', () => {
    expect(countUnacked(list, NOW)).toBe(2)
  })
  it('counts active alarms per level, optionally per park', () => {
    expect(countActiveByLevel(list, NOW)).toEqual({ 1: 2, 2: 0, 3: 0, 4: 0 })
    expect(countActiveByLevel(list, NOW, 'nowhere')).toEqual({ 1: 0, 2: 0, 3: 0, 4: 0 })
    expect(countByLevel(list)).toEqual({ 1: 2, 2: 1, 3: 1, 4: 1 })
  })
  it('puts the unacknowledged count in the tab title', () => {
    expect(titleWithCount('园区应急指挥', 3)).toBe('(3) 园区应急指挥')
    expect(titleWithCount('园区应急指挥', 0)).toBe('园区应急指挥')
  })
  it('gives each device its most severe standing alarm', () => {
    const m = alarmStateByDevice(
      [alarm({ id: 'a', device: 'x', level: 3, ack: 'acked', raisedAt: 2_000 }), alarm({ id: 'b', device: 'x', level: 2 }), alarm({ id: 'c', device: 'y', condition: 'cleared' })],
      NOW,
    )
    // The most severe level, waiting if any alarm waits, and when the newest was raised.
    expect(m.get('x')).toEqual({ level: 2, unacked: true, raisedAt: 2_000 })
    expect(m.has('y')).toBe(false)
  })
})

describe('the alarm index', () => {
  it('counts what the separate counts count, in one pass', () => {
    const list = [
      alarm({ id: 'a', park: 'p1', device: 'x', level: 1 }),
      alarm({ id: 'b', park: 'p1', device: 'x', level: 3, ack: 'acked' }),
      alarm({ id: 'c', park: 'p2', device: 'y', level: 2 }),
      alarm({ id: 'd', park: 'p2', device: 'z', level: 2, condition: 'cleared' }),
      alarm({ id: 'e', park: 'p2', device: 'w', level: 1, shelvedUntil: NOW + 60_000 }),
    ]
    const idx = indexAlarms(list, NOW)
    expect(idx.counts).toEqual(countActiveByLevel(list, NOW))
    expect(idx.byPark.get('p1')).toEqual(countActiveByLevel(list, NOW, 'p1'))
    expect(idx.byPark.get('p2')).toEqual(countActiveByLevel(list, NOW, 'p2'))
    expect(idx.byPark.has('p3')).toBe(false)
    expect(idx.unacked).toBe(countUnacked(list, NOW))
    expect([...idx.byDevice.keys()].sort()).toEqual(['x', 'y'])
    // The shelved alarm comes back once its shelf runs out.
    expect(indexAlarms(list, NOW + 120_000).byDevice.get('w')?.level).toBe(1)
  })
  it('knows whether the clock can still change what is hidden', () => {
    expect(hasPendingShelf([alarm({ id: 'a' })], NOW)).toBe(false)
    expect(hasPendingShelf([alarm({ id: 'a', shelvedUntil: NOW + 1 })], NOW)).toBe(true)
    expect(hasPendingShelf([alarm({ id: 'a', shelvedUntil: NOW - 1 })], NOW)).toBe(false)
  })
})

describe('sound for a new red or orange alarm', () => {
  it('sounds for a new unacknowledged red or orange alarm only', () => {
    expect(shouldSound(undefined, alarm({ id: 'a', level: 1 }), NOW)).toBe(true)
    expect(shouldSound(undefined, alarm({ id: 'a', level: 2 }), NOW)).toBe(true)
    expect(shouldSound(undefined, alarm({ id: 'a', level: 3 }), NOW)).toBe(false)
    expect(shouldSound(undefined, alarm({ id: 'a', level: 1, ack: 'acked' }), NOW)).toBe(false)
  })
  it('sounds on escalation into red/orange, not on every update', () => {
    const before = alarm({ id: 'a', level: 3 })
    expect(shouldSound(before, alarm({ id: 'a', level: 2 }), NOW)).toBe(true)
    const red = alarm({ id: 'a', level: 1 })
    expect(shouldSound(red, alarm({ id: 'a', level: 1, value: 60, updatedAt: 2_000 }), NOW)).toBe(false)
  })
  it('sounds again when a cleared alarm comes back', () => {
    const cleared = alarm({ id: 'a', level: 1, condition: 'cleared' })
    expect(shouldSound(cleared, alarm({ id: 'a', level: 1 }), NOW)).toBe(true)
  })
  it('stays silent for shelved alarms', () => {
    expect(shouldSound(undefined, alarm({ id: 'a', level: 1, shelvedUntil: NOW + 1000 }), NOW)).toBe(false)
  })
})
