import { describe, expect, it } from 'vitest'
import { judgeTargets } from '../../../tests/bench/many-connections-targets.js'

/** The many-connections bench says of each target whether its run met it (tests/bench/many-connections-targets.ts). */
describe("the many-connections bench's targets", () => {
  const zone = { parks: 7, gateways: 2 }
  const verdicts = (rows: [string, string][]) => Object.fromEntries(rows.map(([k, v]) => [k, v.includes('NOT met') ? 'NOT met' : 'met']))

  it('judges each figure against its target, the storm only when there was one', () => {
    const rows = judgeTargets({ sent: 1000, stored: 990, sameTs: 10, rssPeakMb: 746, loopP999Ms: 49.1, loopMaxMs: 49.1, healthMaxMs: 40, alarmP99Ms: 10.2, alarmProbes: 100, stealLoad: 'steal 3.4 %' }, zone)
    expect(verdicts(rows)).toEqual({ '0 lost': 'met', 'RSS under load': 'met', 'event loop p99.9 under load': 'met', 'event loop max under load': 'met', 'health under load': 'met', 'alarm p99 under load': 'met' })
    expect(rows.find(([k]) => k === 'event loop p99.9 under load')![1]).toBe('49.1 ms (target ≤ 50 ms): met; steal 3.4 %')
  })

  it('says NOT met where a figure is over, and counts a loss beyond the readings sharing a timestamp', () => {
    const rows = judgeTargets({ sent: 1000, stored: 980, sameTs: 10, rssPeakMb: 1100, loopP999Ms: 99.9, loopMaxMs: 99.9, healthMaxMs: 60, alarmP99Ms: 101.2, stormBackSec: 36.2, stormAlarmP99Ms: 614.5, stormRssPeakMb: 799, stormRaised: { communications_loss: 10, device_offline: 3 } }, zone)
    expect(verdicts(rows)).toEqual({
      '0 lost': 'NOT met', 'RSS under load': 'NOT met', 'event loop p99.9 under load': 'NOT met', 'event loop max under load': 'met', 'health under load': 'met', 'alarm p99 under load': 'NOT met',
      'storm: all back': 'met', 'storm: alarm p99': 'NOT met', 'storm: RSS': 'met', 'storm: communications alarms': 'NOT met',
    })
    expect(rows.find(([k]) => k === '0 lost')![1]).toMatch(/^10 lost of 1000 sent/)
    expect(rows.find(([k]) => k === 'storm: communications alarms')![1]).toContain('10 raised, 3 device-offline alarms (target ≤ one per park or gateway: 9)')
  })
})
