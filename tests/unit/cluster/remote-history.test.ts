import { describe, expect, it } from 'vitest'
import type { Alarm } from '../../../hub/src/model/alarm.js'
import type { AlarmBook } from '../../../hub/src/alarms/index.js'
import type { IncidentManager } from '../../../hub/src/response/index.js'
import { byNewest, matches } from '../../../hub/src/alarms/query.js'
import { alarmPageAcrossParks, parkReads, type RemoteReads } from '../../../hub/src/cluster/remote-history.js'

/** Alarms of three parks, one raised every minute, every third one closed; park p3's owner does not answer. */
const NOW = Date.UTC(2026, 11, 7)
const alarms: Alarm[] = Array.from({ length: 90 }, (_, i) => ({
  id: `a-${String(i).padStart(3, '0')}`, park: `p${(i % 3) + 1}`, enterprise: i % 2 === 0 ? 'e-even' : 'e-odd', device: `d-${i}`,
  raisedAt: NOW - (90 - i) * 60_000, updatedAt: NOW - (90 - i) * 60_000 + 1000, workflow: i % 3 === 0 ? 'closed' : 'open',
  condition: 'cleared', ack: 'acked', latched: false, suppressed: false, outOfService: false, class: 'life-safety', history: [],
}) as unknown as Alarm)

function bookOf(park: string): AlarmBook {
  const mine = alarms.filter((a) => a.park === park)
  return { list: (q: object) => mine.filter((a) => matches(a, q, NOW)).sort(byNewest), get: (id: string) => mine.find((a) => a.id === id) } as unknown as AlarmBook
}

function reads(asked: string[]): RemoteReads {
  return {
    ask: async <T>(park: string, op: string, body: unknown): Promise<T> => {
      asked.push(`${park} ${op}`)
      if (park === 'p3') throw new Error('no owner')
      return parkReads(park, { alarms: bookOf(park), incidents: {} as IncidentManager }, op, body) as T
    },
    remoteParks: (park) => ['p2', 'p3'].filter((p) => park === undefined || p === park),
    // The mirror: open alarms only.
    mirroredAlarms: (park) => alarms.filter((a) => a.park === park && a.workflow !== 'closed'),
    mirroredIncidents: () => [],
    clock: () => NOW,
  }
}

const everyone = { park: () => true, item: () => true }
const own = (q: object): Alarm[] => bookOf('p1').list(q as never)

describe('an alarm list across parks owned by other nodes', () => {
  it('pages this node\'s and the owners\' alarms in one order, asking only for the page\'s; a park without an owner listed from the mirror and named', async () => {
    const asked: string[] = []
    const q = { state: 'all' as const }
    const all = alarms.filter((a) => a.park !== 'p3' || a.workflow !== 'closed').sort(byNewest)
    const pages: Alarm[] = []
    for (let start = 0; start < all.length; start += 25) {
      const r = await alarmPageAcrossParks(reads(asked), own(q), q, everyone, { start, limit: 25 })
      expect(r.total).toBe(all.length)
      expect(r.missing).toEqual(['p3'])
      pages.push(...r.alarms)
    }
    expect(pages.map((a) => a.id)).toEqual(all.map((a) => a.id))
    // Each of the 4 pages asks p2 for its keys and once for the page's alarms of p2, never for all of them.
    expect(asked.filter((a) => a === 'p2 read.alarm-keys')).toHaveLength(4)
    expect(asked.filter((a) => a === 'p2 read.alarms')).toHaveLength(4)
  })

  it('closed alarms: none from a park whose owner did not answer (the mirror holds open ones), the others\' in order', async () => {
    const q = { state: 'closed' as const }
    const r = await alarmPageAcrossParks(reads([]), own(q), q, everyone, { start: 0, limit: 500 })
    expect(r.alarms.map((a) => a.id)).toEqual(alarms.filter((a) => a.workflow === 'closed' && a.park !== 'p3').sort(byNewest).map((a) => a.id))
    expect(r.alarms.every((a) => a.workflow === 'closed')).toBe(true)
  })

  it('keeps to the user\'s scope: an enterprise-scoped user gets that enterprise\'s alarms of the other parks, counted the same', async () => {
    const q = { state: 'all' as const }
    const scope = { park: (p: string) => p === 'p2', item: (p: string, e: string | undefined) => p === 'p2' && e === 'e-odd' }
    const r = await alarmPageAcrossParks(reads([]), [], q, scope, { start: 0, limit: 500 })
    const expected = alarms.filter((a) => a.park === 'p2' && a.enterprise === 'e-odd').sort(byNewest)
    expect(r.alarms.map((a) => a.id)).toEqual(expected.map((a) => a.id))
    expect(r.total).toBe(expected.length)
    expect(r.missing).toEqual([])
  })
})
