import { describe, expect, it } from 'vitest'
import { narrowQuery, parkView, riskView, sees, seesPark, visible } from '../../../hub/src/api/scope.js'
import type { ParkRisk } from '../../../hub/src/model/risk.js'

const zoneWide = { scope: undefined }
const parkUser = { scope: { parks: ['p1'], enterprises: [], partialParks: [] } }
const entUser = { scope: { parks: [], enterprises: ['e2a'], partialParks: ['p2'] } }
const enterprisePark = (e: string) => ({ e1a: 'p1', e2a: 'p2', e2b: 'p2' })[e]

describe('scope', () => {
  it('sees whole parks, single enterprises, or everything', () => {
    expect([sees(zoneWide, 'p9', 'x'), sees(parkUser, 'p1', 'e1a'), sees(parkUser, 'p2', 'e2a'), sees(entUser, 'p2', 'e2a'), sees(entUser, 'p2', 'e2b'), sees(entUser, 'p2')]).toEqual([true, true, false, true, false, false])
    expect([seesPark(entUser, 'p2'), seesPark(entUser, 'p1')]).toEqual([true, false])
    expect(visible(entUser, [{ park: 'p2', enterprise: 'e2a' }, { park: 'p2', enterprise: 'e2b' }, { park: 'p1', enterprise: 'e1a' }])).toEqual([{ park: 'p2', enterprise: 'e2a' }])
    expect(parkView(entUser, { id: 'p2', enterprises: [{ id: 'e2a' }, { id: 'e2b' }] })?.enterprises).toEqual([{ id: 'e2a' }])
    expect(parkView(parkUser, { id: 'p2', enterprises: [] })).toBeUndefined()
  })

  it('narrows a park risk to the enterprises seen, with their level', () => {
    const reason = (level: 1 | 2 | 3 | 4) => ({ level, code: 'alarm', text: '', textEn: '' })
    const risk = { park: 'p2', level: 1, reasons: [reason(1)], enterprises: [{ enterprise: 'e2a', park: 'p2', level: 3, reasons: [reason(3)] }, { enterprise: 'e2b', park: 'p2', level: 1, reasons: [reason(1)] }] } as unknown as ParkRisk
    const view = riskView(entUser, risk)!
    expect([view.level, view.enterprises.map((e) => e.enterprise), view.reasons.map((r) => r.level)]).toEqual([3, ['e2a'], [3]])
    expect(riskView(parkUser, risk)).toBeUndefined()
    expect(riskView(zoneWide, risk)).toBe(risk)
  })

  it('fills in the only place of a scope, refuses others with 404 and zone-wide totals with 400', () => {
    const q1: { park?: string } = {}
    narrowQuery(parkUser, q1, { acceptsEnterprise: true, enterprisePark })
    expect(q1.park).toBe('p1')
    const q2: { enterprise?: string } = {}
    narrowQuery(entUser, q2, { acceptsEnterprise: true, enterprisePark })
    expect(q2.enterprise).toBe('e2a')
    expect(() => narrowQuery(entUser, {}, { acceptsEnterprise: false, enterprisePark })).toThrow(/name a park/)
    expect(() => narrowQuery(entUser, { park: 'p2' }, { acceptsEnterprise: false, enterprisePark })).toThrow(/park p2 not found/)
    expect(() => narrowQuery(parkUser, { enterprise: 'e2a' }, { acceptsEnterprise: true, enterprisePark })).toThrow(/enterprise e2a not found/)
    expect(() => narrowQuery(parkUser, { meter: 'm' }, { acceptsEnterprise: true, enterprisePark, meter: () => ({ park: 'p2', enterprise: 'e2a' }) })).toThrow(/meter m not found/)
    const free = {}
    narrowQuery(zoneWide, free, { acceptsEnterprise: true, enterprisePark })
    expect(free).toEqual({})
  })
})
