import { describe, expect, it } from 'vitest'
import { commandsFor, commandStatus, hazardOf } from '../../../dashboard/src/lib/actions-logic.js'
import { niceTicks, rangeQuery, setpointLines } from '../../../dashboard/src/lib/chart.js'
import { connectivity, deviceLook } from '../../../dashboard/src/lib/device-state.js'
import { bucketCounts, loadBand, normaliseKpi, windowSpec } from '../../../dashboard/src/lib/kpi.js'
import { allowedActions, canSeeKpi, isOperator } from '../../../dashboard/src/lib/roles.js'
import { alarm } from './fixtures.js'

describe('roles', () => {
  it('let safety, responder and admin act; viewer and energy only read', () => {
    expect(isOperator(['responder'])).toBe(true)
    expect(isOperator(['viewer', 'energy'])).toBe(false)
    expect(allowedActions(alarm({ id: 'a' }), ['viewer'], 0)).toEqual([])
  })
  it('offer the closed-loop steps that fit the alarm', () => {
    expect(allowedActions(alarm({ id: 'a' }), ['safety'], 0)).toEqual(['ack', 'shelve', 'dispatch', 'resolve'])
    expect(allowedActions(alarm({ id: 'a', ack: 'acked', workflow: 'dispatched' }), ['responder'], 0)).toEqual(['shelve', 'resolve'])
    expect(allowedActions(alarm({ id: 'a', ack: 'acked', workflow: 'resolved', shelvedUntil: 10 }), ['admin'], 0)).toEqual(['close'])
    expect(allowedActions(alarm({ id: 'a', workflow: 'closed' }), ['admin'], 0)).toEqual([])
  })
  it('show alarm performance to safety managers', () => {
    expect(canSeeKpi(['safety'])).toBe(true)
    expect(canSeeKpi(['responder'])).toBe(false)
  })
})

describe('device look on the plan', () => {
  const base = { online: true, lastSeen: 1_000, intervalSec: 5, alarm: undefined }
  it('tells offline, stale, fresh and never-seen apart', () => {
    expect(connectivity(base, 2_000)).toBe('fresh')
    expect(connectivity(base, 100_000)).toBe('stale')
    expect(connectivity({ ...base, online: false }, 2_000)).toBe('offline')
    expect(connectivity({ ...base, online: undefined, lastSeen: null }, 2_000)).toBe('nodata')
  })
  it('keeps a device that sends no readings (events only) fresh while online, however long since it was heard', () => {
    const callPoint = { ...base, readings: false }
    expect(connectivity(callPoint, 100_000)).toBe('fresh')
    expect(connectivity({ ...callPoint, online: false }, 100_000)).toBe('offline')
    expect(connectivity({ ...callPoint, lastSeen: null }, 100_000)).toBe('nodata')
  })
  it('pulses only for an unacknowledged alarm', () => {
    expect(deviceLook({ ...base, alarm: { level: 1, unacked: true } }, 2_000)).toEqual({ connectivity: 'fresh', level: 1, pulse: true })
    expect(deviceLook({ ...base, alarm: { level: 2, unacked: false } }, 2_000).pulse).toBe(false)
  })
})

describe('chart helpers', () => {
  it('make nice ticks', () => {
    expect(niceTicks(0, 47, 4)).toEqual([0, 10, 20, 30, 40, 50])
    expect(niceTicks(19.5, 23.5, 4)).toEqual([19, 20, 21, 22, 23, 24])
    expect(niceTicks(5, 5, 4).length).toBeGreaterThan(1)
  })
  it('turn the effective set points into lines', () => {
    expect(setpointLines({ high: [{ value: 25, level: 2 }, { value: 50, level: 1 }], low: [{ value: 19.5, level: 2 }] })).toEqual([
      { value: 25, level: 2, dir: 'high' },
      { value: 50, level: 1, dir: 'high' },
      { value: 19.5, level: 2, dir: 'low' },
    ])
  })
  it('map ranges to series queries', () => {
    expect(rangeQuery('1h', 3_600_000)).toEqual({ from: 0, to: 3_600_000, every: '15s' })
    expect(rangeQuery('7d', 0).every).toBe('30m')
  })
})

describe('alarm performance (ISA-18.2)', () => {
  it('bands the alarm rate per 10 minutes', () => {
    expect([0.5, 1, 1.5, 2, 5, 10, 11].map(loadBand)).toEqual(['acceptable', 'acceptable', 'manageable', 'manageable', 'demanding', 'demanding', 'overloaded'])
  })
  it('buckets timestamps', () => {
    expect(bucketCounts([0, 5, 10, 19, 20, 35, -1], 0, 30, 10)).toEqual([2, 2, 1])
    expect(windowSpec('24h')).toEqual({ ms: 86_400_000, bucketMs: 3_600_000 })
  })
})

describe('incident helpers', () => {
  it('guess the hazard from the alarm as the hub does', () => {
    expect(hazardOf({ type: 'gas_high', metric: 'lel' })).toBe('gas')
    expect(hazardOf({ type: 'gas_high', metric: 'cl2' })).toBe('toxic')
    expect(hazardOf({ type: 'smoke_alarm', metric: undefined })).toBe('fire')
    expect(hazardOf({ type: 'temp_rate_of_rise', metric: 'temp' })).toBe('fire')
    expect(hazardOf({ type: 'gas_fire', metric: undefined })).toBe('gas_fire')
    expect(hazardOf({ type: 'emission_exceedance', metric: 'so2' })).toBe('emission')
    expect(hazardOf({ type: 'gas_high', metric: 'so2' }, 'emission')).toBe('emission')
    expect(hazardOf({ type: 'o2_low', metric: 'o2' })).toBe('other')
    expect(hazardOf({ type: 'device_offline', metric: undefined })).toBe('other')
  })
  it("offer the hub's commands for actuators", () => {
    expect(commandsFor(['valve', 'siren'])).toEqual(['close_valve', 'open_valve', 'sound_siren', 'silence_siren'])
    expect(commandsFor(['door'])).toEqual([])
    expect(commandsFor(undefined)).toEqual([])
  })
  it('tell acknowledged, failed and waiting commands apart', () => {
    expect(commandStatus({ ackedAt: 5, result: 'ok' })).toBe('acked')
    expect(commandStatus({ ackedAt: undefined, result: 'failed: not connected' })).toBe('failed')
    expect(commandStatus({ ackedAt: undefined, result: undefined })).toBe('waiting')
    // The hub's command states (proposed first; a person confirms).
    expect(['proposed', 'confirmed', 'sent', 'acknowledged', 'failed', 'expired', 'dismissed'].map((state) => commandStatus({ state }))).toEqual(
      ['proposed', 'waiting', 'waiting', 'acked', 'failed', 'expired', 'dismissed'],
    )
  })
})

describe('KPI answers', () => {
  it("read the hub's shape", () => {
    const v = normaliseKpi({
      windowName: '24h',
      window: { from: 0, to: 1, ms: 1 },
      annunciations: 42,
      byLevel: { 1: 1, 2: 2, 3: 3, 4: 4 },
      ratePer10Min: { average: 0.4, peak: 12, peakFrom: 5, rating: 'acceptable' },
      flood: { buckets: 3, share: 0.02 },
      standing: { count: 2, alarms: ['a', 'b'] },
      chattering: { count: 0, alarms: [] },
      top: [{ device: 'd1', type: 'gas_high', metric: 'lel', park: 'p', count: 9, share: 0.2, alarms: [] }],
    })
    expect(v).toMatchObject({ average: 0.4, peak: 12, rating: 'acceptable', floodShare: 0.02, annunciations: 42, byLevel: { 1: 1, 2: 2, 3: 3, 4: 4 } })
    expect(v.standing).toEqual({ count: 2, ids: ['a', 'b'], items: [] })
    expect(v.top[0]).toMatchObject({ device: 'd1', type: 'gas_high', count: 9 })
  })
  it('read the simple shape, and survive nonsense', () => {
    const v = normaliseKpi({ alarmsPer10Min: { average: 3, peak: 20 }, floodShare: 0.1, standing: [{ id: 'x', level: 1 }], chattering: [], top10: [{ key: 'k', device: 'd', type: 't', count: 2 }] })
    expect(v).toMatchObject({ average: 3, rating: 'demanding', floodShare: 0.1, byLevel: undefined })
    expect(v.standing.count).toBe(1)
    expect(v.top).toEqual([{ key: 'k', device: 'd', type: 't', count: 2 }])
    expect(normaliseKpi(null)).toMatchObject({ average: 0, peak: 0, floodShare: 0, top: [] })
  })
})

describe('KPI windows', () => {
  it('end with the bucket holding now and start on round local hours', async () => {
    const { alignedWindow } = await import('../../../dashboard/src/lib/kpi.js')
    const now = Date.UTC(2025, 0, 1, 6, 29) // 14:29 in Shanghai
    const w = alignedWindow(now, 24 * 3_600_000, 3_600_000)
    expect(w.to).toBe(Date.UTC(2025, 0, 1, 7, 0)) // 15:00 local
    expect(w.to - w.from).toBe(24 * 3_600_000)
    const d = alignedWindow(now, 30 * 86_400_000, 86_400_000)
    expect(d.to).toBe(Date.UTC(2025, 0, 1, 16, 0)) // next local midnight
  })
})
