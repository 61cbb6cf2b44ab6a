import { Type, type Static } from 'typebox'
import { IdSchema as Id } from './device.js'

/**
 * The zone file's `hj212` section (docs/hj212.md): the upstream platforms the hub forwards
 * HJ 212-2017 data to (store and forward, opt-in). An upstream's PW is a secret: it is kept in
 * `<dataDir>/hj212/upstream-secrets.json` (0600, `{ "<upstream id>": "<pw>" }`, or set through
 * `PUT /api/v1/hj212/upstreams/:id/pw`), never in the zone file and never in an API reply.
 */

/** Data commands the hub forwards (HJ 212-2017 表 7): real-time, minute, hourly, daily. */
export const FORWARD_COMMANDS = ['2011', '2051', '2061', '2031'] as const
export type ForwardCommand = (typeof FORWARD_COMMANDS)[number]

/** An MN: up to 24 characters (HJ 212-2017 6.3.2, 设备唯一标识). */
export const MnSchema = Type.String({ pattern: '^[A-Za-z0-9_-]{1,24}$' })

export const Hj212Upstream = Type.Object(
  {
    id: Id,
    name: Type.Optional(Type.String({ maxLength: 200 })),
    host: Type.String({ minLength: 1, maxLength: 253 }),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    /**
     * The park's own MN (with its PW from the secrets file): every packet goes up under it.
     * Absent: packets go up under each logger's own MN and PW (the device's `hj212`), and
     * readings that came over MQTT (no logger) are not forwarded to this upstream.
     */
    mn: Type.Optional(MnSchema),
    /**
     * The platform's MN per device for data the hub itself frames (readings that came over
     * MQTT, which have no logger): a device named here goes up under this MN and the upstream's
     * PW; one not named, under `mn`.
     */
    deviceMns: Type.Optional(Type.Record(Type.String(), MnSchema)),
    /** Devices forwarded; absent: every emission and wastewater device of the zone. */
    devices: Type.Optional(Type.Array(Id, { maxItems: 10_000 })),
    /** Commands the authority expects; default all four. */
    commands: Type.Optional(Type.Array(Type.Enum([...FORWARD_COMMANDS]), { minItems: 1 })),
    /** Ask for a 9014 data answer (Flag A bit) and resend until it comes; default true. */
    answer: Type.Optional(Type.Boolean()),
    /** Seconds to wait for a 9014 before resending (HJ 212-2017 6.5.3: 超时时间, default 5 s). */
    answerTimeoutSec: Type.Optional(Type.Number({ minimum: 0.1, maximum: 600 })),
    /** Resends before the connection is dropped and made again (HJ 212-2017 6.5.3: 重发次数, default 3). */
    retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    /** Packets sent before their answers come (1: one at a time, which every platform takes). */
    window: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    /** Longest data segment sent; a longer one is split (PNUM/PNO). HJ 212-2017 6.3.1: 1024. */
    maxDataBytes: Type.Optional(Type.Integer({ minimum: 256, maximum: 9999 })),
    /** Off without removing it (its queue is kept). */
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)
export type Hj212Upstream = Static<typeof Hj212Upstream>

/**
 * Which hourly value of a stack counts (docs/emissions.md): `logger`, the data logger's own 2061
 * hourly data (the default: the record it keeps and sends to the authority), or `hub`, the hub's
 * HJ 75-2017 recomputation from the minutes. The other is kept and shown beside it.
 */
export const HourlyAuthoritySchema = Type.Enum(['logger', 'hub'])

export const Hj212Settings = Type.Object(
  {
    upstreams: Type.Optional(Type.Array(Hj212Upstream, { maxItems: 32 })),
    /** The zone's hourly authority (default `logger`); a park's (`parkHourlyAuthority`) and a device's (`hj212.hourlyAuthority`) over it. */
    hourlyAuthority: Type.Optional(HourlyAuthoritySchema),
    /** Park id → its hourly authority. */
    parkHourlyAuthority: Type.Optional(Type.Record(Id, HourlyAuthoritySchema)),
  },
  { additionalProperties: false },
)
export type Hj212Settings = Static<typeof Hj212Settings>
