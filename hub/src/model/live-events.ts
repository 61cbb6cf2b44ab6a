/**
 * The typed socket.io contract (CONTRACT.md, socket.io), shared by the hub's live/ room and
 * the dashboard. No bare event strings anywhere else.
 */
import type { Alarm } from './alarm.js'
import type { Incident } from './incident.js'
import type { ParkRisk } from './risk.js'
import type { DataFlag } from './vocabulary.js'

export interface TelemetryUpdate {
  device: string
  park: string
  ts: number
  values: Record<string, number>
  /** HJ 212 data flag per metric, when the device sent any (`T` over range, `D` fault, `M` maintenance, `S` manual…). */
  flags?: Record<string, DataFlag> | undefined
}

export interface DeviceStateUpdate {
  device: string
  park: string
  online: boolean
  ts: number
}

export interface Snapshot {
  alarms: Alarm[]
  risk: ParkRisk[]
  incidents: Incident[]
  serverTime: number
}

export interface ServerToClientEvents {
  snapshot: (snapshot: Snapshot) => void
  alarm: (alarm: Alarm) => void
  risk: (risk: ParkRisk) => void
  telemetry: (batch: TelemetryUpdate[]) => void
  device: (update: DeviceStateUpdate) => void
  incident: (incident: Incident) => void
}

export interface ClientToServerEvents {
  subscribe: (request: { parks: string[] }, ack?: (result: { parks: string[] }) => void) => void
}

export interface SocketData {
  user: { name: string; roles: string[] }
  parks: string[] | undefined
}
