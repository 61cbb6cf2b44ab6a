import type { Alarm } from '../../../hub/src/model/alarm.js'
import { alarmClassOf } from '../../../hub/src/model/alarm-class.js'
import type { Device } from '../../../hub/src/model/device.js'
import type { Enterprise, Park, Zone } from '../../../hub/src/model/zone.js'
import type { DeviceState } from '../../../hub/src/risk/risk-model.js'

export const NOW = Date.UTC(2025, 5, 1, 8, 0, 0)

function enterprise(id: string, name: string, nameEn: string): Enterprise {
  return { id, name, nameEn, landMu: 120, outputValue: 50_000, majorHazard: true }
}

function park(id: string, name: string, nameEn: string, enterprises: Enterprise[], grade: Park['grade']): Park {
  return {
    id, name, nameEn, kind: 'chemical', grade, gradeScore: 78, targetGrade: 'D',
    site: { width: 1000, height: 800, buildings: [] },
    areas: [{ id: 'chlor', name: '氯化车间', nameEn: 'chlorination unit', enterprise: 'vt-chem', rect: { x: 0, y: 0, w: 100, h: 80 } }],
    enterprises,
  }
}

/** Two chemical parks: 钒钛化工园区 with two (invented) enterprises, 格里坪化工园区 with one. */
export const ZONE: Zone = {
  id: 'pzh', name: '攀枝花国家钒钛高新区', nameEn: 'Panzhihua National Vanadium-Titanium High-Tech Zone',
  timezone: 'Asia/Shanghai',
  parks: [
    park('vtc', '钒钛化工园区', 'Vanadium-Titanium Chemical Park', [
      enterprise('vt-chem', '钒钛新材料示范公司', 'VT New Materials Demo Co.'),
      enterprise('ti-white', '钛白示范化工公司', 'Titanium White Demo Chemicals'),
    ], 'C'),
    park('glp', '格里坪化工园区', 'Geliping Chemical Park', [
      enterprise('glp-gas', '格里坪示范气体公司', 'Geliping Demo Gases'),
    ], 'C'),
  ],
  gateways: [], devices: [], users: [],
}

function device(id: string, parkId: string, ent: string, kind: Device['kind'], extra: Partial<Device> = {}): Device {
  return {
    id, kind, park: parkId, enterprise: ent, name: `探测器 ${id}`, nameEn: `Detector ${id}`,
    metrics: kind === 'gas' ? ['lel'] : kind === 'fire' ? ['temp'] : ['kwh'],
    position: { x: 1, y: 1 }, interval: 10, ...extra,
  }
}

/**
 * vt-chem: 5 safety devices (4 gas, 1 fire) + 1 energy meter; ti-white: 10 gas detectors;
 * glp-gas: 2 gas detectors. All online.
 */
export function devices(): DeviceState[] {
  const out: Device[] = [
    ...[1, 2, 3, 4].map((i) => device(`vc-gas-${i}`, 'vtc', 'vt-chem', 'gas', { area: 'chlor' })),
    device('vc-fire-1', 'vtc', 'vt-chem', 'fire'),
    device('vc-meter-1', 'vtc', 'vt-chem', 'energy'),
    ...Array.from({ length: 10 }, (_, i) => device(`tw-gas-${i + 1}`, 'vtc', 'ti-white', 'gas')),
    device('gl-gas-1', 'glp', 'glp-gas', 'gas'),
    device('gl-gas-2', 'glp', 'glp-gas', 'gas'),
  ]
  return out.map((d) => ({ device: d, online: true }))
}

export function offline(list: DeviceState[], ...ids: string[]): DeviceState[] {
  return list.map((s) => (ids.includes(s.device.id) ? { ...s, online: false } : s))
}

/** An alarm; its class is the rule's and type's default (`alarmClassOf`) unless given. */
export function alarm(over: Partial<Alarm> = {}): Alarm {
  const rule = over.rule ?? 'setpoint'
  const type = over.type ?? 'gas_high'
  const level = over.level ?? 1
  return {
    id: 'al-1', rule, type, class: alarmClassOf(rule, type, undefined), level, peakLevel: level,
    currentLevel: over.condition === 'cleared' ? undefined : level, latching: false, latched: false, overRange: false,
    park: 'vtc', enterprise: 'vt-chem', area: 'chlor', device: 'vc-gas-1', metric: 'lel',
    value: 55, threshold: 50, raisedAt: NOW - 60_000, updatedAt: NOW - 60_000,
    condition: 'active', ack: 'unacked', workflow: 'open',
    shelvedUntil: undefined, suppressed: false, outOfService: false, chattering: false,
    assignee: undefined, incident: undefined, cause: undefined, action: undefined,
    history: [{ ts: NOW - 60_000, actor: 'system', action: 'raise', level: 1, value: 55 }],
    ...over,
  }
}
