import { describe, expect, it } from 'vitest'
import { FootprintService } from '../../../hub/src/hazard/footprint-service.js'
import type { Alarm } from '../../../hub/src/model/alarm.js'
import type { Device } from '../../../hub/src/model/device.js'
import type { ParkFootprint } from '../../../hub/src/model/footprint.js'
import type { Zone } from '../../../hub/src/model/zone.js'

const park = {
  id: 'p', name: '园', nameEn: 'Park', kind: 'chemical' as const,
  site: { width: 400, height: 300, buildings: [] }, areas: [], enterprises: [{ id: 'e', name: '企', nameEn: 'Co', landMu: 1, outputValue: 1 }],
}
const zone = { id: 'z', name: '区', nameEn: 'Zone', timezone: 'Asia/Shanghai', parks: [park], gateways: [], devices: [], users: [] } as Zone
const gas = (id: string, x: number, y: number): Device => ({ id, kind: 'gas', park: 'p', enterprise: 'e', name: id, metrics: ['cl2'], position: { x, y }, interval: 5 })
const devices: Device[] = [gas('g1', 100, 100), gas('g2', 115, 102), gas('g3', 90, 140),
  { id: 'wx', kind: 'weather', park: 'p', enterprise: 'e', name: 'wx', metrics: ['wind_speed', 'wind_dir', 'air_temp', 'stability'], position: { x: 200, y: 10 }, interval: 10 }]
const alarm = (device: string, condition: 'active' | 'cleared' = 'active'): Alarm => ({ id: `a-${device}`, device, park: 'p', enterprise: 'e', class: 'life-safety', condition, level: 1, metric: 'cl2' }) as Alarm

function setup() {
  let now = 1_000_000
  const latest = new Map<string, Record<string, { value: number; ts: number }>>()
  const read = (device: string, values: Record<string, number>): void => {
    latest.set(device, { ...latest.get(device), ...Object.fromEntries(Object.entries(values).map(([m, value]) => [m, { value, ts: now }])) })
  }
  let alarms: Alarm[] = []
  const pushed: ParkFootprint[] = []
  const service = new FootprintService({ zone, devices: () => devices, latest: (id) => latest.get(id), activeAlarms: () => alarms, push: (f) => pushed.push(f), clock: () => now })
  return { service, pushed, read, setAlarms: (a: Alarm[]) => (alarms = a), advance: (ms: number) => (now += ms) }
}

describe('the footprint service (a fake clock, no sockets)', () => {
  it('pushes nothing while no gas alarm stands', () => {
    const s = setup()
    s.service.tick()
    expect(s.pushed).toEqual([])
    expect(s.service.footprint('p')).toMatchObject({ state: 'none', reason: 'no_gas_alarm' })
    expect(s.service.footprint('nowhere')).toBeUndefined()
  })

  it('pushes once per change: the reason, the estimate, a new wind; not again when nothing changed; the end once', () => {
    const s = setup()
    s.read('g1', { cl2: 30 })
    s.read('g2', { cl2: 5 })
    s.read('g3', { cl2: 0 })
    s.setAlarms([alarm('g1'), alarm('g2')])
    s.service.tick()
    expect(s.pushed.map((f) => f.reason)).toEqual(['no_weather_reading'])
    s.read('wx', { wind_speed: 2, wind_dir: 270, stability: 4 })
    s.service.tick()
    s.service.tick()
    expect(s.pushed.map((f) => f.state)).toEqual(['none', 'estimate'])
    // A GET in between computes too, and hides no change from the push.
    s.advance(10_000)
    s.read('wx', { wind_speed: 2, wind_dir: 250, stability: 4 })
    expect(s.service.footprint('p')!.wind!.fromDeg).toBe(250)
    s.service.tick()
    expect(s.pushed).toHaveLength(3)
    expect(s.pushed[2]!.wind!.spreadDeg).toBeGreaterThanOrEqual(10)
    s.setAlarms([alarm('g1', 'cleared')])
    s.service.tick()
    s.service.tick()
    expect(s.pushed.map((f) => f.reason ?? f.state)).toEqual(['no_weather_reading', 'estimate', 'estimate', 'no_gas_alarm'])
  })

  it('ignores stale readings and a silent station', () => {
    const s = setup()
    s.read('g1', { cl2: 30 })
    s.read('wx', { wind_speed: 2, wind_dir: 270 })
    s.setAlarms([alarm('g1')])
    s.advance(61_000)
    expect(s.service.footprint('p')!.reason).toBe('no_readings') // the detector's value is over 60 s old
    s.read('g1', { cl2: 30 })
    s.advance(1000)
    expect(s.service.footprint('p')).toMatchObject({ state: 'estimate', wind: { stabilitySource: 'default' } })
    s.advance(300_000)
    s.read('g1', { cl2: 30 })
    expect(s.service.footprint('p')!.reason).toBe('weather_stale')
  })
})
