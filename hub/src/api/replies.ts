import type { AlarmKpis } from '../alarms/kpi.js'

/**
 * Reply types of routes whose body is a domain value, for clients to import (the dashboard's
 * api.ts) instead of restating them. Types only: importing this file brings in no hub code.
 */
export type { ErrorCode, ErrorReply } from './error-codes.js'

/** `GET /api/v1/alarms/kpi`: ISA-18.2 / EEMUA 191 figures over the window asked for. */
/** `missing` (cluster mode): parks whose owning node did not answer, left out of the figures. */
export type KpiReply = AlarmKpis & { windowName: string; missing?: string[] }
