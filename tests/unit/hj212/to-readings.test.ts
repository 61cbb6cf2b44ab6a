import { describe, expect, it } from 'vitest'
import type { Device } from '../../../hub/src/model/device.js'
import { LoggerDirectory } from '../../../hub/src/hj212/logger-directory.js'
import { parseDataSegment, type Hj212Packet } from '../../../hub/src/hj212/packet.js'
import { aggregates, readNumber, realtimeItems } from '../../../hub/src/hj212/to-readings.js'
import { loggerAggregateLine } from '../../../hub/src/store/logger-points.js'

const base = { park: 'p', enterprise: 'e', position: { x: 0, y: 0 }, interval: 30 }
const stack: Device = { ...base, id: 'stack-1', kind: 'emission', name: 'stack', metrics: ['so2', 'nox', 'o2', 'flow'], hj212: { mn: 'MN1' } }
const outlet: Device = { ...base, id: 'outlet-1', kind: 'wastewater', name: 'outlet', metrics: ['cod', 'nh3n', 'flow_w'], hj212: { mn: 'MN1' } }
const solo: Device = { ...base, id: 'solo', kind: 'emission', name: 'solo', metrics: ['so2'], hj212: { mn: 'MN2', sources: ['10.0.0.0/8'] } }

function directory(devices: Device[], pw: Record<string, string>): LoggerDirectory {
  return new LoggerDirectory({ all: () => devices.map((device) => ({ device })), version: 1 }, (id) => pw[id])
}
function parse(s: string): Hj212Packet {
  const r = parseDataSegment(s)
  if (!r.ok) throw new Error(r.reason)
  return r.packet
}

describe('LoggerDirectory', () => {
  const dir = directory([stack, outlet, solo], { 'stack-1': 'pw1', 'outlet-1': 'pw1', solo: 'pw2' })
  it('admits a known MN with its PW from an allowed address', () => {
    expect(dir.admit('MN1', 'pw1', '192.0.2.1')).toMatchObject({ ok: true })
    expect(dir.admit('MN2', 'pw2', '10.1.2.3')).toMatchObject({ ok: true })
    expect(dir.admit('MN2', 'pw2', '::ffff:10.1.2.3')).toMatchObject({ ok: true })
  })
  it.each([
    ['MN9', 'pw1', '192.0.2.1', 'unknown_mn'],
    [undefined, 'pw1', '192.0.2.1', 'unknown_mn'],
    ['MN1', 'pw2', '192.0.2.1', 'wrong_pw'],
    ['MN1', undefined, '192.0.2.1', 'wrong_pw'],
    ['MN1', 'pw1x', '192.0.2.1', 'wrong_pw'],
    ['MN2', 'pw2', '192.0.2.1', 'source_refused'],
    ['MN2', 'wrong', '192.0.2.1', 'source_refused'],
  ])('refuses MN %s PW %s from %s: %s', (mn, pw, addr, reason) => {
    expect(dir.admit(mn, pw, addr)).toEqual({ ok: false, reason })
  })
  it('holds a PW changed in the secrets at once', () => {
    const pw: Record<string, string> = { solo: 'old' }
    const d = directory([solo], pw)
    expect(d.admit('MN2', 'old', '10.0.0.1')).toMatchObject({ ok: true })
    pw.solo = 'new'
    expect(d.admit('MN2', 'old', '10.0.0.1')).toEqual({ ok: false, reason: 'wrong_pw' })
    expect(d.admit('MN2', 'new', '10.0.0.1')).toMatchObject({ ok: true })
  })
  it('refuses a device without a PW kept', () => {
    expect(directory([solo], {}).admit('MN2', '', '10.0.0.1')).toEqual({ ok: false, reason: 'wrong_pw' })
  })
  it('shares one MN\'s codes by the devices\' metrics, unknown codes to the first device', () => {
    const point = dir.point('MN1')!
    expect(point.deviceFor('a21026').id).toBe('stack-1')
    expect(point.deviceFor('w01018').id).toBe('outlet-1')
    expect(point.deviceFor('011').id).toBe('outlet-1')
    expect(point.deviceFor('a99999').id).toBe('outlet-1') // first by id
  })
  it('takes hj212.codes before metrics', () => {
    const a: Device = { ...stack, id: 'a', hj212: { mn: 'M', codes: ['a99999'] } }
    const b: Device = { ...stack, id: 'b', hj212: { mn: 'M' } }
    const point = directory([a, b], { a: 'x' }).point('M')!
    expect(point.deviceFor('a99999').id).toBe('a')
    expect(point.deviceFor('a21026').id).toBe('b')
  })
})

describe('realtimeItems', () => {
  const point = directory([stack, outlet], { 'stack-1': 'pw1' }).point('MN1')!
  it('makes one item per device: Rtd as the metric, ZsRtd as _zs, flags, units converted, unknown codes by code', () => {
    const p = parse('ST=31;CN=2011;PW=pw1;MN=MN1;CP=&&DataTime=20240301101500;a21026-Rtd=35.2,a21026-ZsRtd=40.1,a21026-Flag=D;a00000-Rtd=10,a00000-Flag=N;w00000-Rtd=2;w01018-Rtd=45;a99999-Rtd=7,a99999-Flag=T;a21002-Flag=N&&')
    const out = realtimeItems(p, point, 1000)
    expect(out.byDevice.get(stack)).toEqual({ ts: 1000, values: { so2: 35.2, so2_zs: 40.1, flow: 36_000 }, flags: { so2: 'D', flow: 'N' } })
    expect(out.byDevice.get(outlet)).toEqual({ ts: 1000, values: { flow_w: 7.2, cod: 45, a99999: 7 }, flags: { a99999: 'T' } })
    expect(out.unknownCodes).toEqual(['a99999'])
  })
  it('leaves a value that is not a number as text for ingest to refuse', () => {
    const out = realtimeItems(parse('CN=2011;MN=MN1;CP=&&a21026-Rtd=abc;a19001-Rtd=&&'), point, 1)
    expect(out.byDevice.get(stack)!.values).toEqual({ so2: 'abc', o2: '' })
  })
})

describe('aggregates and their emission_logger lines', () => {
  const point = directory([stack, outlet], {}).point('MN1')!
  it('keeps Avg/Min/Max/Cou/ZsAvg/Flag with units, Cou unconverted', () => {
    const p = parse('CN=2061;MN=MN1;CP=&&DataTime=20240301090000;a21026-Avg=4,a21026-Min=3,a21026-Max=5,a21026-ZsAvg=4.5,a21026-Cou=0.4,a21026-Flag=N;a00000-Avg=25,a00000-Cou=90000;w01018-Avg=45.1,w01018-Cou=12.5;a99999-Avg=1,a99999-Flag=Q&&')
    const out = aggregates(p, point, 5000, 'hour')
    const s = out.byDevice.get(stack)!
    expect(s).toMatchObject({ device: 'stack-1', interval: 'hour', ts: 5000, flags: { so2: 'N' } })
    expect(s.values).toEqual({ so2: { avg: 4, min: 3, max: 5, zsAvg: 4.5, cou: 0.4 }, flow: { avg: 90_000, cou: 90000 } })
    expect(s.units).toMatchObject({ so2: 'mg/m³', so2_cou: 'kg', flow: 'm³/h', flow_cou: 'm³' })
    const o = out.byDevice.get(outlet)!
    expect(o.values).toEqual({ cod: { avg: 45.1, cou: 12.5 }, a99999: { avg: 1 } })
    expect(out.invalid).toBe(1) // flag Q
    expect(loggerAggregateLine(s)).toBe('emission_logger,device=stack-1,enterprise=e,interval=hour,park=p so2_avg=4,so2_min=3,so2_max=5,so2_cou=0.4,so2_zs=4.5,flow_avg=90000,flow_cou=90000,so2_flag="N" 5000')
  })
  it('counts numbers that are not numbers', () => {
    expect(readNumber('1e3')).toBe(1000)
    expect(readNumber(' -2.5 ')).toBe(-2.5)
    for (const bad of ['', 'x', '1,5', 'NaN', 'Infinity', '0x10', '1e999']) expect(readNumber(bad)).toBeUndefined()
  })
})
