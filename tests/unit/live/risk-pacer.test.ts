import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RiskPacer, RISK_EVERY_MS } from '../../../hub/src/live/risk-pacer.js'
import type { ParkRisk } from '../../../hub/src/model/risk.js'

const risk = (park: string, level: ParkRisk['level'], devicesOnline: number): ParkRisk => ({
  park, level, grade: undefined, reasons: [], enterprises: [], activeAlarms: { 1: 0, 2: 0, 3: 0, 4: 0 }, devicesOnline, devicesTotal: 100, updatedAt: 0,
})

describe('park risk paced to the sockets', () => {
  let sent: ParkRisk[]
  let pacer: RiskPacer
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 })
    sent = []
    pacer = new RiskPacer((r) => sent.push(r))
  })
  afterEach(() => {
    pacer.stop()
    vi.useRealTimers()
  })

  it('sends a park first risk and any level change at once', () => {
    pacer.offer(risk('p1', null, 10))
    pacer.offer(risk('p1', 3, 10))
    pacer.offer(risk('p2', null, 5))
    pacer.offer(risk('p1', 1, 10))
    expect(sent.map((r) => [r.park, r.level])).toEqual([['p1', null], ['p1', 3], ['p2', null], ['p1', 1]])
  })

  it('holds same-level risks within the period and sends only the latest, a period after the last sent', () => {
    pacer.offer(risk('p1', 3, 10))
    vi.advanceTimersByTime(200)
    pacer.offer(risk('p1', 3, 11))
    pacer.offer(risk('p1', 3, 12))
    expect(sent).toHaveLength(1)
    expect(pacer.holding).toBe(1)
    vi.advanceTimersByTime(RISK_EVERY_MS - 201)
    expect(sent).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(sent.map((r) => r.devicesOnline)).toEqual([10, 12])
    expect(pacer.holding).toBe(0)
  })

  it('a level change sent at once replaces what was held; every park held is sent in time', () => {
    pacer.offer(risk('p1', 3, 10))
    pacer.offer(risk('p2', 3, 20))
    vi.advanceTimersByTime(300)
    pacer.offer(risk('p1', 3, 11))
    vi.advanceTimersByTime(300)
    pacer.offer(risk('p2', 3, 21))
    pacer.offer(risk('p1', 2, 12)) // level changed: at once, the held p1 is dropped
    expect(sent.map((r) => [r.park, r.devicesOnline])).toEqual([['p1', 10], ['p2', 20], ['p1', 12]])
    vi.advanceTimersByTime(RISK_EVERY_MS)
    expect(sent.map((r) => [r.park, r.devicesOnline])).toEqual([['p1', 10], ['p2', 20], ['p1', 12], ['p2', 21]])
    expect(pacer.holding).toBe(0)
  })

  it('a same-level risk after the period goes at once', () => {
    pacer.offer(risk('p1', 3, 10))
    vi.advanceTimersByTime(RISK_EVERY_MS)
    pacer.offer(risk('p1', 3, 11))
    expect(sent.map((r) => r.devicesOnline)).toEqual([10, 11])
  })
})
