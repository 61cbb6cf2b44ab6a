import { newAlarm } from '../../../hub/src/alarms/alarm-copy.js'
import type { Alarm } from '../../../hub/src/model/alarm.js'
import type { Device } from '../../../hub/src/model/device.js'
import type { Incident, IncidentEntry } from '../../../hub/src/model/incident.js'
import type { Park, Zone } from '../../../hub/src/model/zone.js'
import { IncidentManager } from '../../../hub/src/response/incident-manager.js'
import type { CommandPayload, CommandPort, IncidentManagerDeps } from '../../../hub/src/response/types.js'

export const T0 = Date.UTC(2025, 5, 1, 2, 0, 0)
export const SEC = 1000
export const MIN = 60 * SEC

export function fakeClock(start = T0): { now: () => number; advance: (ms: number) => number } {
  let t = start
  return { now: () => t, advance: (ms) => (t += ms) }
}

/** Ids i-1, i-2, … so tests can name incidents. */
export function counterIds(prefix = 'i', start = 1): () => string {
  let n = start
  return () => `${prefix}-${n++}`
}

const rect = { x: 0, y: 0, w: 100, h: 80 }

function park(id: string, name: string, nameEn: string, extra: Partial<Park>): Park {
  return { id, name, nameEn, kind: 'chemical', grade: 'C', site: { width: 1200, height: 800, buildings: [] }, areas: [], enterprises: [], ...extra }
}

/** 钒钛化工园区 with two areas of one (invented) titanium-dioxide maker and a hydrogen plant; 格里坪化工园区 beside it. */
export const PARKS: Park[] = [
  park('vtc', '钒钛化工园区', 'Vanadium-Titanium Chemical Park', {
    areas: [
      { id: 'chl', name: '氯化车间', nameEn: 'Chlorination unit', enterprise: 'ti01', rect },
      { id: 'tank', name: '液氯罐区', nameEn: 'Liquid chlorine tank farm', enterprise: 'ti01', rect },
    ],
    enterprises: [
      { id: 'ti01', name: '攀钛新材料有限公司', nameEn: 'Pan-Ti New Materials Co.', landMu: 300, outputValue: 120000 },
      { id: 'h2', name: '钒氢能源有限公司', nameEn: 'Vanadium Hydrogen Energy Co.', landMu: 80, outputValue: 20000 },
    ],
  }),
  park('grp', '格里坪化工园区', 'Geliping Chemical Park', {
    enterprises: [{ id: 'grp-e1', name: '格里坪精细化工有限公司', nameEn: 'Geliping Fine Chemicals Co.', landMu: 100, outputValue: 30000 }],
  }),
]

function device(id: string, over: Partial<Device>): Device {
  return {
    id,
    kind: 'gas',
    park: 'vtc',
    enterprise: 'ti01',
    name: id,
    metrics: ['lel'],
    position: { x: 10, y: 10 },
    interval: 5,
    ...over,
  }
}

export const DEVICES: Device[] = [
  device('chl-gas-1', { area: 'chl', type: 'combustible', actuators: ['valve'] }),
  device('chl-gas-2', { area: 'chl', type: 'combustible', actuators: ['valve'] }),
  device('chl-gas-3', { area: 'chl', type: 'combustible' }),
  device('chl-smoke-1', { area: 'chl', kind: 'fire', type: 'smoke', metrics: ['smoke'] }),
  device('chl-panel', { area: 'chl', kind: 'fire', type: 'panel', metrics: [], actuators: ['siren'] }),
  device('tank-cl2-1', { area: 'tank', type: 'toxic', metrics: ['cl2'], actuators: ['valve'] }),
  device('tank-gas-1', { area: 'tank', type: 'combustible', actuators: ['valve'] }),
  device('h2-gas-1', { enterprise: 'h2', type: 'combustible', actuators: ['valve'] }),
  device('h2-panel', { enterprise: 'h2', kind: 'fire', type: 'panel', metrics: [], actuators: ['siren'] }),
  device('grp-gas-1', { park: 'grp', enterprise: 'grp-e1', type: 'combustible', actuators: ['valve'] }),
]

export const ZONE: Zone = {
  id: 'pzh',
  name: '攀枝花国家钒钛高新区',
  nameEn: 'Panzhihua National Vanadium-Titanium High-Tech Zone',
  timezone: 'Asia/Shanghai',
  parks: PARKS,
  gateways: [],
  devices: DEVICES,
  users: [],
}

/** A live, active, unacknowledged alarm (defaults: red combustible gas in the chlorination unit). */
export function alarm(id: string, over: Partial<Alarm> = {}): Alarm {
  const raisedAt = over.raisedAt ?? T0
  const raised = newAlarm(id, { key: id, kind: 'activate', rule: 'setpoint', type: 'gas_high', level: 1, park: 'vtc', enterprise: 'ti01', area: 'chl', device: 'chl-gas-3', metric: 'lel', value: 55, threshold: 50, ts: raisedAt })
  return { ...raised, history: [{ ts: raisedAt, actor: 'system', action: 'raise', note: undefined, level: over.level ?? 1, value: 55 }], ...over }
}

export interface Sent {
  device: string
  topic: string
  payload: CommandPayload
}

/** A CommandPort that records what it is given; `fail` makes it reject (or throw, with 'throw'). */
export function recordingPort(fail?: string | 'throw'): CommandPort & { sent: Sent[] } {
  const sent: Sent[] = []
  return {
    sent,
    send(d, topic, payload) {
      sent.push({ device: d.id, topic, payload })
      if (fail === 'throw') throw new Error('port closed')
      return fail === undefined ? Promise.resolve() : Promise.reject(new Error(fail))
    },
  }
}

export interface Harness {
  manager: IncidentManager
  port: ReturnType<typeof recordingPort>
  clock: ReturnType<typeof fakeClock>
  changes: Array<{ incident: Incident; entry: IncidentEntry }>
  deps: IncidentManagerDeps
}

export function harness(extra: Partial<IncidentManagerDeps> & { port?: ReturnType<typeof recordingPort> } = {}): Harness {
  const { port: given, ...rest } = extra
  const clock = fakeClock()
  const port = given ?? recordingPort()
  const changes: Harness['changes'] = []
  const deps: IncidentManagerDeps = {
    zone: ZONE,
    devices: () => DEVICES,
    clock: clock.now,
    newId: counterIds(),
    commands: port,
    sink: { onChange: (incident, entry) => changes.push({ incident, entry }) },
    ...rest,
  }
  return { manager: new IncidentManager(deps), port, clock, changes, deps }
}
