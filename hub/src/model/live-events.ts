/**
 * The typed socket.io contract (CONTRACT.md, socket.io), shared by the hub's live/ room and
 * the dashboard. No bare event strings anywhere else.
 */
import type { Alarm } from './alarm.js'
import type { ParkFootprint } from './footprint.js'
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
  /** Devices gone online or offline since the last batch (their latest state), per park, every 250 ms at most. */
  device: (batch: DeviceStateUpdate[]) => void
  incident: (incident: Incident) => void
  /** A park's estimated gas hazard footprint when it changes (docs/hazard.md); `state: 'none'` once it is gone. Whole-park sockets only. */
  footprint: (footprint: ParkFootprint) => void
  /** The hub is about to disconnect this socket, and why. */
  session_end: (end: { reason: SessionEndReason }) => void
}

/** Why the hub ends a socket, sent in `session_end` just before it disconnects. */
export type SessionEndReason = 'token_expired' | 'user_removed' | 'flood'

export interface ClientToServerEvents {
  /** Parks out of the user's scope, or unknown, are `refused` (the same for both). */
  subscribe: (request: { parks: string[] }, ack?: (result: { parks: string[]; refused?: string[]; error?: string }) => void) => void
  /** A fresh token for the same user, before the current one expires; the socket stays up. */
  refresh: (request: { token: string }, ack?: (result: { ok: boolean; expiresAt?: number; error?: string }) => void) => void
}

export interface SocketData {
  user: { name: string; roles: string[]; scope?: { parks: string[]; enterprises: string[]; partialParks: string[] } | undefined }
  parks: string[] | undefined
  /** When the socket's token expires (ms since the epoch). */
  expiresAt: number
}
