import { describe, expect, it } from 'vitest'
import type { DutyEntry, LogEntry } from '../../../dashboard/src/lib/notify.js'
import { byLadder, dutyFor, newestFirst } from '../../../dashboard/src/lib/notify-view.js'

const person = (id: string, role: string, name = id) => ({ id, name, role })
const entries: DutyEntry[] = [
  { scope: 'zone', shift: { id: 'all-day', name: '全天', start: '08:00', end: '08:00' }, people: [person('z1', 'zone_duty')] },
  { scope: 'vtc', shift: { id: 'day', name: '白班', start: '08:00', end: '20:00' }, people: [person('m', 'safety_manager'), person('o', 'duty_officer'), person('l', 'shift_leader')] },
  { scope: 'glc', shift: null, people: [] },
]

describe('duty panel helpers', () => {
  it('orders people as the escalation calls them: duty officer, shift leader, safety manager, then other roles', () => {
    expect(byLadder([person('x', 'electrician'), ...entries[1]!.people]).map((p) => p.id)).toEqual(['o', 'l', 'm', 'x'])
  })

  it("shows a park's roster, then the zone's; with no park chosen every park, the zone last", () => {
    expect(dutyFor(entries, 'vtc').map((e) => e.scope)).toEqual(['vtc', 'zone'])
    expect(dutyFor(entries, 'vtc')[0]!.people.map((p) => p.id)).toEqual(['o', 'l', 'm'])
    expect(dutyFor(entries, null).map((e) => e.scope)).toEqual(['vtc', 'glc', 'zone'])
    expect(dutyFor(entries, 'nsc').map((e) => e.scope)).toEqual(['zone'])
  })
})

describe('notification log helpers', () => {
  const entry = (id: string, ts: number, state: LogEntry['state']): LogEntry => ({ id, ts, kind: 'alarm', channel: 'c', park: null, alarm: null, incident: null, tier: 0, title: '', to: [], state, attempts: 1, resent: false, latencyMs: null, error: null })

  it('lists the newest first, at most the limit', () => {
    expect(newestFirst([entry('a', 1, 'sent'), entry('b', 3, 'failed'), entry('c', 2, 'pending')], 2).map((e) => e.id)).toEqual(['b', 'c'])
  })

})
