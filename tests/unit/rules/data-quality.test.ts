import { describe, expect, it } from 'vitest'
import type { Transition } from '../../../hub/src/model/alarm.js'
import type { Device } from '../../../hub/src/model/device.js'
import type { DataFlag } from '../../../hub/src/model/vocabulary.js'
import { device, engineWith, reading, s } from './fixtures.js'

/** Key, kind, level, threshold, value and overRange: what an over-range or fault test asserts. */
function view(t: Transition): [string, string, number, number | undefined, number | undefined, boolean] {
  return [t.key, t.kind, t.level, t.threshold, t.value, t.overRange === true]
}

describe('over range (flag T, which ingest also gives a value above the measuring range): the highest alarm of the metric at once', () => {
  const lel = device('lel-1', 'gas', ['lel'])
  const slowLel = device('lel-slow', 'gas', ['lel'], { setpoints: { lel: { onDelaySec: 10 } } })
  const h2s = device('h2s-1', 'gas', ['h2s'])
  const o2 = device('o2-1', 'gas', ['o2'])
  const heat = device('heat-1', 'fire', ['temp'])
  const stack = device('stack-1', 'emission', ['so2'], { setpoints: { so2: { high: [{ value: 100, level: 3 }] } } })
  const all = [lel, slowLel, h2s, o2, heat, stack]

  const cases: [name: string, d: Device, metric: string, value: number, flag: DataFlag | undefined, expected: ReturnType<typeof view>[]][] = [
    ['lel 125 T: red at once, over range', lel, 'lel', 125, 'T', [['lel-1:lel:high', 'activate', 1, 50, 125, true]]],
    ['lel 100 unflagged: a reading, red by set point', lel, 'lel', 100, undefined, [['lel-1:lel:high', 'activate', 1, 50, 100, false]]],
    ['lel 100 N: the same', lel, 'lel', 100, 'N', [['lel-1:lel:high', 'activate', 1, 50, 100, false]]],
    ['lel 10 T: red at once, whatever the value', lel, 'lel', 10, 'T', [['lel-1:lel:high', 'activate', 1, 50, 10, true]]],
    ['lel 0 T: red at once', lel, 'lel', 0, 'T', [['lel-1:lel:high', 'activate', 1, 50, 0, true]]],
    ['lel 125 T with a 10 s on-delay: red at once, no on-delay', slowLel, 'lel', 125, 'T', [['lel-slow:lel:high', 'activate', 1, 50, 125, true]]],
    ['lel 60 with a 10 s on-delay: waits (not over range)', slowLel, 'lel', 60, undefined, []],
    ['h2s 151 T: red, over range', h2s, 'h2s', 151, 'T', [['h2s-1:h2s:high', 'activate', 1, 20, 151, true]]],
    ['o2 25.1 T: enrichment, the high alarm', o2, 'o2', 25.1, 'T', [['o2-1:o2:high', 'activate', 2, 23.5, 25.1, true]]],
    ['o2 20.9 T: the high alarm, never deficiency', o2, 'o2', 20.9, 'T', [['o2-1:o2:high', 'activate', 2, 23.5, 20.9, true]]],
    ['o2 18 T: the high alarm at once; the low one on the value as it is', o2, 'o2', 18, 'T', [['o2-1:o2:high', 'activate', 2, 23.5, 18, true], ['o2-1:o2:low', 'activate', 2, 19.5, 18, false]]],
    ['heat 121 °C T: the fire alarm', heat, 'temp', 121, 'T', [['heat-1:temp:high', 'activate', 2, 57, 121, true]]],
    ['a stack’s so2 T: not a safety alarm (emissions judge it)', stack, 'so2', 150, 'T', []],
    ['a stack’s so2 150 above its own 100 set point: as usual', stack, 'so2', 150, undefined, [['stack-1:so2:high', 'activate', 3, 100, 150, false]]],
  ]

  it.each(cases)('%s', (_name, d, metric, value, flag, expected) => {
    const engine = engineWith(all)
    const out = engine.onReading(reading(d, s(0), { [metric]: value }, flag ? { [metric]: flag } : undefined), s(0))
    expect(out.map(view)).toEqual(expected)
    if (expected[0]?.[5]) expect(out[0]!.message).toMatch(/over range \(超量程\)/)
  })

  it('says over range once per excursion, at the level it already had', () => {
    const engine = engineWith(all)
    const at = (sec: number, v: number) => engine.onReading(reading(lel, s(sec), { lel: v }, v > 100 ? { lel: 'T' } : undefined), s(sec)).map(view)
    expect(at(0, 60)).toEqual([['lel-1:lel:high', 'activate', 1, 50, 60, false]])
    expect(at(1, 125)).toEqual([['lel-1:lel:high', 'activate', 1, 50, 125, true]])
    expect(at(2, 130)).toEqual([])
    expect(at(3, 60)).toEqual([])
    expect(at(4, 125)).toEqual([['lel-1:lel:high', 'activate', 1, 50, 125, true]])
  })

  it('back in range and below the clear point, clears after the off-delay like any reading', () => {
    const engine = engineWith(all)
    engine.onReading(reading(lel, s(0), { lel: 125 }, { lel: 'T' }), s(0))
    expect(engine.onReading(reading(lel, s(1), { lel: 2 }), s(1))).toEqual([])
    expect(engine.tick(s(5.9))).toEqual([])
    expect(engine.tick(s(6)).map(view)).toEqual([['lel-1:lel:high', 'clear', 1, 50, 2, false]])
  })

  it('oxygen over range raises the high alarm and lets a low alarm clear on its own off-delay', () => {
    const engine = engineWith(all)
    expect(engine.onReading(reading(o2, s(0), { o2: 18 }), s(0)).map(view)).toEqual([['o2-1:o2:low', 'activate', 2, 19.5, 18, false]])
    expect(engine.onReading(reading(o2, s(1), { o2: 26 }, { o2: 'T' }), s(1)).map(view)).toEqual([['o2-1:o2:high', 'activate', 2, 23.5, 26, true]])
    expect(engine.tick(s(6)).map(view)).toEqual([['o2-1:o2:low', 'clear', 2, 19.5, 26, false]])
  })

  it('an over-range combustible reading counts toward gas confirmation', () => {
    const other = device('lel-2', 'gas', ['lel'])
    const engine = engineWith([lel, other])
    engine.onReading(reading(other, s(0), { lel: 30 }), s(0))
    const out = engine.onReading(reading(lel, s(1), { lel: 125 }, { lel: 'T' }), s(1))
    expect(out.map((t) => t.type)).toContain('gas_confirmed')
  })
})

describe('fault, stop and communication flags: a device-fault alarm of its own', () => {
  const gas = device('h2s-1', 'gas', ['h2s'])
  const smoke = device('smoke-1', 'fire', ['smoke'])
  const stack = device('stack-1', 'emission', ['so2', 'nox'])
  const meter = device('meter-1', 'energy', ['kwh'])
  const all = [gas, smoke, stack, meter]

  const cases: [name: string, d: Device, metric: string, flag: DataFlag, expected: [key: string, type: string, level: number, rule: string]][] = [
    ['gas D (fault): device_fault yellow', gas, 'h2s', 'D', ['h2s-1:fault', 'device_fault', 3, 'data_quality']],
    ['gas F (stopped): device_fault yellow', gas, 'h2s', 'F', ['h2s-1:fault', 'device_fault', 3, 'data_quality']],
    ['gas B (communication): device_fault yellow', gas, 'h2s', 'B', ['h2s-1:fault', 'device_fault', 3, 'data_quality']],
    ['smoke D: device_fault yellow', smoke, 'smoke', 'D', ['smoke-1:fault', 'device_fault', 3, 'data_quality']],
    ['gas M (maintenance): out of service, blue', gas, 'h2s', 'M', ['h2s-1:out_of_service', 'out_of_service', 4, 'data_quality']],
    ['gas C (calibration): out of service, blue', gas, 'h2s', 'C', ['h2s-1:out_of_service', 'out_of_service', 4, 'data_quality']],
    ['stack D: data quality, blue, not a safety fault', stack, 'so2', 'D', ['stack-1:fault', 'data_quality', 4, 'data_quality']],
    ['meter B: data quality, blue', meter, 'kwh', 'B', ['meter-1:fault', 'data_quality', 4, 'data_quality']],
  ]

  it.each([
    ['stack C (daily zero and span, HJ 75)', stack, 'so2', 'C'],
    ['stack M', stack, 'nox', 'M'],
    ['meter M', meter, 'kwh', 'M'],
  ] as [string, Device, string, DataFlag][])('%s: routine, no alarm; the set points are still held', (_name, d, metric, flag) => {
    const engine = engineWith(all)
    expect(engine.onReading(reading(d, s(0), { [metric]: 1 }, { [metric]: flag }), s(0))).toEqual([])
    expect(engine.onReading(reading(d, s(1), { [metric]: 1 }, { [metric]: 'N' }), s(1))).toEqual([])
  })

  it.each(cases)('%s; N clears it', (_name, d, metric, flag, [key, type, level, rule]) => {
    const engine = engineWith(all)
    const raised = engine.onReading(reading(d, s(0), { [metric]: 1 }, { [metric]: flag }), s(0))
    expect(raised.map((t) => [t.key, t.kind, t.type, t.level, t.rule, t.metric])).toEqual([[key, 'activate', type, level, rule, metric]])
    expect(raised[0]!.message).toContain(`${metric} ${flag}`)
    // Repeated: one alarm per condition.
    expect(engine.onReading(reading(d, s(1), { [metric]: 1 }, { [metric]: flag }), s(1))).toEqual([])
    // S and T do not say the detector is well again.
    expect(engine.onReading(reading(d, s(2), { [metric]: 1 }, { [metric]: 'S' }), s(2))).toEqual([])
    const back = engine.onReading(reading(d, s(3), { [metric]: 1 }, { [metric]: 'N' }), s(3))
    expect(back.map((t) => [t.key, t.kind, t.level])).toEqual([[key, 'clear', level]])
  })

  it('an active gas alarm is kept through a fault: never cleared by it, nor by time while faulted', () => {
    const engine = engineWith(all)
    expect(engine.onReading(reading(gas, s(0), { h2s: 25 }), s(0)).map(view)).toEqual([['h2s-1:h2s:high', 'activate', 1, 20, 25, false]])
    // The detector drops to 0 and says fault: the fault is raised, the gas alarm stays.
    expect(engine.onReading(reading(gas, s(1), { h2s: 0 }, { h2s: 'D' }), s(1)).map((t) => [t.key, t.kind])).toEqual([['h2s-1:fault', 'activate']])
    expect(engine.tick(s(120)).filter((t) => t.key.startsWith('h2s-1:h2s'))).toEqual([])
    // Valid data again: the fault clears; the gas alarm clears on the valid value after its off-delay.
    expect(engine.onReading(reading(gas, s(121), { h2s: 0 }), s(121)).map((t) => [t.key, t.kind])).toEqual([['h2s-1:offline', 'clear'], ['h2s-1:fault', 'clear']])
    expect(engine.tick(s(125.9)).filter((t) => t.key.startsWith('h2s-1:h2s'))).toEqual([])
    expect(engine.tick(s(126)).filter((t) => t.key.startsWith('h2s-1:h2s')).map((t) => [t.key, t.kind])).toEqual([['h2s-1:h2s:high', 'clear']])
  })

  it('a clear already timing when the fault comes is stopped: the alarm stays until valid data says otherwise', () => {
    const engine = engineWith(all)
    engine.onReading(reading(gas, s(0), { h2s: 25 }), s(0))
    expect(engine.onReading(reading(gas, s(1), { h2s: 1 }), s(1))).toEqual([]) // off-delay 5 s starts
    engine.onReading(reading(gas, s(2), { h2s: 1 }, { h2s: 'B' }), s(2))
    expect(engine.tick(s(10))).toEqual([])
    expect(engine.tick(s(29))).toEqual([])
  })

  it('a rate-of-rise trip is held through a fault too, and clears on valid data after it', () => {
    const heat = device('heat-1', 'fire', ['temp'], { interval: 15 })
    const engine = engineWith([heat])
    const feedTemp = (sec: number, temp: number, flag?: DataFlag) => engine.onReading(reading(heat, s(sec), { temp }, flag ? { temp: flag } : undefined), s(sec))
    expect([...feedTemp(0, 20), ...feedTemp(15, 22), ...feedTemp(30, 24)].map((t) => [t.key, t.kind])).toEqual([['heat-1:temp:ror', 'activate']])
    // Flat valid samples each second bring the slope under 7 °C/min at 36 s: the clear starts timing (off-delay 5 s) …
    for (let sec = 31; sec <= 36; sec++) expect(feedTemp(sec, 24)).toEqual([])
    // … and a fault at 37 s stops it: nothing clears while the detector is faulted.
    expect(feedTemp(37, 0, 'D').map((t) => [t.key, t.kind])).toEqual([['heat-1:fault', 'activate']])
    expect(engine.tick(s(50)).filter((t) => t.key === 'heat-1:temp:ror')).toEqual([])
    // Valid again: the fault clears; the slope is still under 7, so the trip clears 5 s later.
    expect(feedTemp(51, 24).map((t) => [t.key, t.kind])).toEqual([['heat-1:fault', 'clear']])
    expect(engine.tick(s(55.9)).filter((t) => t.key === 'heat-1:temp:ror')).toEqual([])
    expect(engine.tick(s(56)).map((t) => [t.key, t.kind])).toEqual([['heat-1:temp:ror', 'clear']])
  })

  it('a fault with no gas alarm raises no gas alarm, whatever the faulty value', () => {
    const engine = engineWith(all)
    const out = engine.onReading(reading(gas, s(0), { h2s: 999 }, { h2s: 'D' }), s(0))
    expect(out.map((t) => t.key)).toEqual(['h2s-1:fault'])
  })

  it('a manual value (S) is never the basis of an alarm', () => {
    const engine = engineWith(all)
    expect(engine.onReading(reading(gas, s(0), { h2s: 999 }, { h2s: 'S' }), s(0))).toEqual([])
    expect(engine.tick(s(60)).filter((t) => t.key.startsWith('h2s-1:h2s'))).toEqual([])
  })

  it('maintenance after a fault: the fault clears, out of service is raised', () => {
    const engine = engineWith(all)
    engine.onReading(reading(gas, s(0), { h2s: 0 }, { h2s: 'D' }), s(0))
    const out = engine.onReading(reading(gas, s(1), { h2s: 0 }, { h2s: 'M' }), s(1))
    expect(out.map((t) => [t.key, t.kind])).toEqual([['h2s-1:fault', 'clear'], ['h2s-1:out_of_service', 'activate']])
  })

  it('over range on a faulted metric: the gas alarm at once, the fault stays', () => {
    const engine = engineWith(all)
    engine.onReading(reading(gas, s(0), { h2s: 0 }, { h2s: 'D' }), s(0))
    const out = engine.onReading(reading(gas, s(1), { h2s: 150 }, { h2s: 'T' }), s(1))
    expect(out.map(view)).toEqual([['h2s-1:h2s:high', 'activate', 1, 20, 150, true]])
    expect(engine.qualityOf('h2s-1')).toEqual({ h2s: 'D' })
  })

  it('one condition per device: a stack with two faulted metrics clears when both are valid again', () => {
    const engine = engineWith(all)
    expect(engine.onReading(reading(stack, s(0), { so2: 1, nox: 1 }, { so2: 'D', nox: 'D' }), s(0)).map((t) => t.key)).toEqual(['stack-1:fault'])
    expect(engine.onReading(reading(stack, s(1), { so2: 1, nox: 1 }, { nox: 'D' }), s(1))).toEqual([])
    expect(engine.onReading(reading(stack, s(2), { so2: 1, nox: 1 }), s(2)).map((t) => [t.key, t.kind])).toEqual([['stack-1:fault', 'clear']])
  })

  it('a faulted device that talks is not offline, and is still faulted: never shown healthy', () => {
    const engine = engineWith(all)
    expect(engine.tick(s(31)).map((t) => t.key)).toContain('h2s-1:offline')
    const out = engine.onReading(reading(gas, s(32), { h2s: 0 }, { h2s: 'D' }), s(32))
    expect(out.map((t) => [t.key, t.kind])).toEqual([['h2s-1:offline', 'clear'], ['h2s-1:fault', 'activate']])
    expect(engine.isOffline('h2s-1')).toBe(false)
    expect(engine.qualityOf('h2s-1')).toEqual({ h2s: 'D' })
  })

  it('retiring a faulted device clears its fault', () => {
    const engine = engineWith(all)
    engine.onReading(reading(gas, s(0), { h2s: 0 }, { h2s: 'F' }), s(0))
    expect(engine.removeDevice('h2s-1', s(1)).map((t) => [t.key, t.kind])).toEqual([['h2s-1:fault', 'clear']])
  })
})

describe('live window: only readings within it (default 10 minutes) raise live alarms', () => {
  const gas = device('lel-1', 'gas', ['lel'])
  const NOW = s(3600)

  const cases: [name: string, ageSec: number, alarms: boolean][] = [
    ['now', 0, true],
    ['a gateway replaying 5 minutes of outage', 300, true],
    ['599 s old', 599, true],
    ['600 s old, the edge: live', 600, true],
    ['600.001 s old: history', 600.001, false],
    ['20 minutes old: history', 1200, false],
    ['30 days old (a backfill): history', 30 * 86400, false],
  ]

  it.each(cases)('%s', (_name, ageSec, alarms) => {
    const engine = engineWith([gas])
    const ts = NOW - ageSec * 1000
    const out = engine.onReading(reading(gas, ts, { lel: 60 }), NOW)
    expect(out.map((t) => [t.key, t.kind, t.ts])).toEqual(alarms ? [['lel-1:lel:high', 'activate', ts]] : [])
    expect(engine.lateOf('lel-1')).toEqual(alarms ? undefined : { count: 1, lastTs: ts, receivedAt: NOW })
  })

  it('a late reading is no sign of life: an offline device stays offline', () => {
    const engine = engineWith([gas])
    expect(engine.tick(s(31)).map((t) => t.key)).toEqual(['lel-1:offline'])
    expect(engine.onReading(reading(gas, s(0), { lel: 1 }), s(700))).toEqual([])
    expect(engine.isOffline('lel-1')).toBe(true)
    expect(engine.onReading(reading(gas, s(700), { lel: 1 }), s(700)).map((t) => [t.key, t.kind])).toEqual([['lel-1:offline', 'clear']])
  })

  it('a 30-day backfill raises none and counts every reading as late', () => {
    const engine = engineWith([gas])
    const now = s(30 * 86400)
    let n = 0
    for (let t = 0; t < 30 * 86400; t += 3600, n++) expect(engine.onReading(reading(gas, s(t), { lel: 80 }, t % 7200 ? { lel: 'D' } : undefined), now)).toEqual([])
    expect(engine.lateOf('lel-1')).toMatchObject({ count: n, lastTs: s(30 * 86400 - 3600) })
    expect(engine.qualityOf('lel-1')).toBeUndefined()
  })

  it('takes its width from the options', () => {
    const engine = engineWith([gas], { liveWindowSec: 60 })
    expect(engine.onReading(reading(gas, s(0), { lel: 60 }), s(61))).toEqual([])
    expect(engine.onReading(reading(gas, s(1), { lel: 60 }), s(61)).map((t) => t.kind)).toEqual(['activate'])
    expect(() => engineWith([gas], { liveWindowSec: 0 })).toThrow(/liveWindowSec/)
  })
})
