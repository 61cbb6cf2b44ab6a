import { Type, type Static } from 'typebox'
import { Park } from '../../model/zone.js'
import { ZoneMapSettings } from '../../model/zone-map.js'

/**
 * The reply of `/api/v1/zone`: the zone's names and time zone, and its parks as configured
 * without their setpoints (those are read per device); the schema the route answers with, and
 * its types (`Static<>`) for clients to import (dashboard/src/lib/api.ts).
 */
export const ZoneInfo = Type.Object({ id: Type.String(), name: Type.String(), nameEn: Type.String(), timezone: Type.String(), map: Type.Optional(ZoneMapSettings) })
export const ZoneReply = Type.Object({ zone: ZoneInfo, parks: Type.Array(Type.Omit(Park, ['setpoints'])) })
export type ZoneInfo = Static<typeof ZoneInfo>
export type ZoneReply = Static<typeof ZoneReply>
