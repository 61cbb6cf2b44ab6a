/** A small demo zone and helpers for the rules tests. Enterprises are invented. */
import type { Transition } from '../../../hub/src/model/alarm.js'
import type { Device, Setpoints } from '../../../hub/src/model/device.js'
import type { DataFlag, EventType } from '../../../hub/src/model/vocabulary.js'
import type { DeviceEvent, DeviceStatus, Reading } from '../../../hub/src/model/reading.js'
import type { Zone } from '../../../hub/src/model/zone.js'
import { RulesEngine } from '../../../hub/src/rules/engine.js'
import type { RulesOptionsInput } from '../../../hub/src/rules/options.js'

export const T0 = Date.UTC(2025, 5, 1, 8, 0, 0)
export const s = (sec: number): number => T0 + sec * 1000

export const PARK = 'vtchem'
export const ENTERPRISE = 'tio2-works'

export interface ZoneLayers {
  zone?: Setpoints
  park?: Setpoints
  area?: Setpoints
}

export function demoZone(layers: ZoneLayers = {}, devices: Device[] = []): Zone {
  return {
    id: 'panzhihua-vti',
    name: '国家钒钛高新区',
    nameEn: 'National Vanadium-Titanium High-Tech Zone',
    timezone: 'Asia/Shanghai',
    setpoints: layers.zone,
    parks: [
      {
        id: PARK,
        name: '钒钛化工园区',
        nameEn: 'Vanadium-Titanium Chemical Park',
        kind: 'chemical',
        grade: 'C',
        site: { width: 1000, height: 800, buildings: [] },
        areas: [
          { id: 'chlorination', name: '氯化工段', rect: { x: 0, y: 0, w: 100, h: 100 }, setpoints: layers.area },
          { id: 'roasting', name: '焙烧工段', rect: { x: 200, y: 0, w: 100, h: 100 } },
        ],
        enterprises: [{ id: ENTERPRISE, name: '攀西钛白示范厂', nameEn: 'Panxi TiO2 Demo Works', landMu: 300, outputValue: 120000 }],
        setpoints: layers.park,
      },
    ],
    gateways: [],
    devices,
    users: [],
  }
}

export function device(id: string, kind: Device['kind'], metrics: string[], extra: Partial<Device> = {}): Device {
  return {
    id,
    kind,
    park: PARK,
    enterprise: ENTERPRISE,
    area: 'chlorination',
    name: id,
    metrics,
    position: { x: 10, y: 10 },
    interval: 10,
    ...extra,
  }
}

export function engineWith(devices: Device[], options?: RulesOptionsInput, layers: ZoneLayers = {}): RulesEngine {
  return new RulesEngine({ zone: demoZone(layers, devices), options, now: T0 })
}

function placeOf(d: Device) {
  return { park: d.park, enterprise: d.enterprise, area: d.area, device: d.id, kind: d.kind }
}

export function reading(d: Device, ts: number, values: Record<string, number>, flags?: Record<string, DataFlag>): Reading {
  return { ...placeOf(d), ts, values, flags }
}

export function event(d: Device, ts: number, type: EventType, state: 'on' | 'off'): DeviceEvent {
  return { ...placeOf(d), ts, type, state }
}

export function status(d: Device, ts: number, online: boolean): DeviceStatus {
  return { ...placeOf(d), ts, online }
}

/** Feed readings at the same hub time as their sample time. */
export function feed(engine: RulesEngine, d: Device, series: [sec: number, value: number][], metric: string): Transition[] {
  const out: Transition[] = []
  for (const [sec, value] of series) out.push(...engine.onReading(reading(d, s(sec), { [metric]: value }), s(sec)))
  return out
}

/** A compact view for exact assertions. */
export function brief(t: Transition): { key: string; kind: string; level: number; threshold: number | undefined; value: number | undefined } {
  return { key: t.key, kind: t.kind, level: t.level, threshold: t.threshold, value: t.value }
}
