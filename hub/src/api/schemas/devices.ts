import { Type, type Static } from 'typebox'
import { DataFlagSchema, Device } from '../../model/device.js'

/**
 * The replies of `/api/v1/devices/*` that clients read as they are: the schemas the routes
 * answer with, and their types (`Static<>`) for clients to import (dashboard/src/lib/api.ts).
 */
/** A device as listed: its fields, whether it is online, and when it was last heard from. */
export const DeviceView = Type.Object({ ...Device.properties, online: Type.Boolean(), lastSeen: Type.Union([Type.Number(), Type.Null()]) })
/** `flag`: the value's HJ 212 flag when not N (over range, fault, maintenance, manual…); `late`: readings older than the live window, kept as history. */
export const LatestResponse = Type.Object({
  device: Type.String(),
  online: Type.Boolean(),
  lastSeen: Type.Union([Type.Number(), Type.Null()]),
  values: Type.Record(Type.String(), Type.Object({ value: Type.Number(), ts: Type.Number(), flag: Type.Optional(DataFlagSchema) })),
  late: Type.Optional(Type.Object({ count: Type.Integer(), lastTs: Type.Number(), receivedAt: Type.Number() })),
})
/** A metric's series: `[ts, value]` points, value null for a bucket without data; `every` null for raw points. */
export const SeriesReply = Type.Object({
  device: Type.String(), metric: Type.String(), from: Type.Number(), to: Type.Number(), every: Type.Union([Type.String(), Type.Null()]),
  points: Type.Array(Type.Array(Type.Union([Type.Number(), Type.Null()]))),
})
export type DeviceView = Static<typeof DeviceView>
export type LatestResponse = Static<typeof LatestResponse>
export type SeriesReply = Static<typeof SeriesReply>
