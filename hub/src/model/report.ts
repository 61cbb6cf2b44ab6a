/**
 * The shift handover report (交接班报告, docs/reports.md): per park and shift, the figures of
 * the shift frozen when the report is drafted, the outgoing officer's text, and the incoming
 * officer's sign-off, after which the report never changes. TypeBox schemas with `Static<>`
 * types: the routes' replies and the dashboard's types are these.
 */
import { Type, type Static } from 'typebox'
import { ALARM_CLASSES } from './alarm-class.js'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

/** Where a park's shifts come from: its own roster, the zone roster, or the fixed default 08:00–20:00 / 20:00–08:00. */
export const SHIFT_SOURCES = ['park', 'zone', 'default'] as const
export type ShiftSource = (typeof SHIFT_SOURCES)[number]

export const ShiftWindow = Type.Object({
  /** The roster's shift id (`day`, `night`; `default-day`, `default-night` without a roster). */
  id: Type.String(),
  name: Type.String(),
  /** Local handover times `HH:MM` in the zone's time zone. */
  start: Type.String(),
  end: Type.String(),
  /** The shift's local start date `YYYY-MM-DD` (a night shift belongs to the day it starts on). */
  day: Type.String(),
  /** [from, to) in ms since the epoch. */
  from: Type.Number(),
  to: Type.Number(),
  source: Type.Enum([...SHIFT_SOURCES]),
  timezone: Type.String(),
})
export type ShiftWindow = Static<typeof ShiftWindow>

const LevelCounts = Type.Object({ 1: Type.Integer(), 2: Type.Integer(), 3: Type.Integer(), 4: Type.Integer() })
const ClassCounts = Type.Record(Type.String(), Type.Integer())
export const AlarmCounts = Type.Object({ total: Type.Integer(), byLevel: LevelCounts, byClass: ClassCounts })
export type AlarmCounts = Static<typeof AlarmCounts>

/** An alarm still open at handover, as the report lists it. */
export const ReportAlarm = Type.Object({
  id: Type.String(),
  type: Type.String(),
  class: Type.Enum([...ALARM_CLASSES]),
  level: Type.Integer({ minimum: 1, maximum: 4 }),
  device: Type.String(),
  deviceName: Nullable(Type.String()),
  enterprise: Type.String(),
  raisedAt: Type.Number(),
  /** At handover: condition still active, acknowledged, the closed loop's state. */
  active: Type.Boolean(),
  acked: Type.Boolean(),
  workflow: Type.String(),
  value: Nullable(Type.Number()),
  threshold: Nullable(Type.Number()),
})
export type ReportAlarm = Static<typeof ReportAlarm>

export const ReportIncident = Type.Object({
  id: Type.String(),
  title: Type.String(),
  titleEn: Type.String(),
  level: Type.Integer({ minimum: 1, maximum: 4 }),
  /** At handover. */
  state: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  openedAt: Type.Number(),
  closedAt: Nullable(Type.Number()),
  stepsDone: Type.Integer(),
  stepsTotal: Type.Integer(),
})
export type ReportIncident = Static<typeof ReportIncident>

export const ReportDevice = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  enterprise: Type.String(),
  lastSeen: Nullable(Type.Number()),
  /** Faulted: the device-health alarm types open at handover (device_fault, deadman …). */
  reasons: Type.Array(Type.String()),
})
export type ReportDevice = Static<typeof ReportDevice>

export const ReportExceedance = Type.Object({
  device: Type.String(),
  deviceName: Nullable(Type.String()),
  metric: Type.String(),
  /** Start of the local hour (HJ 75-2017 hourly mean). */
  hour: Type.Number(),
  value: Nullable(Type.Number()),
  limit: Nullable(Type.Number()),
})
export type ReportExceedance = Static<typeof ReportExceedance>

export const ReportEnergyRow = Type.Object({
  id: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  /** Use in the shift, tce (GB/T 2589-2020). */
  tce: Type.Number(),
  /** The daily budget pro-rated to the shift's hours, tce; null without a budget. */
  budgetTce: Nullable(Type.Number()),
  /** tce / budgetTce; null without a budget. */
  share: Nullable(Type.Number()),
})
export type ReportEnergyRow = Static<typeof ReportEnergyRow>

/** A part read from InfluxDB: absent when the store did not answer (the report says so). */
const Unavailable = Type.Object({ available: Type.Literal(false), error: Type.String() })

export const ReportFigures = Type.Object({
  /** When the figures were frozen (the draft's creation). */
  at: Type.Number(),
  /** The moment the figures describe: the shift's end, or `at` for a shift still running. */
  handover: Type.Number(),
  alarms: Type.Object({
    raised: AlarmCounts,
    acknowledged: AlarmCounts,
    /** Not closed at handover (the closed loop still open). */
    open: AlarmCounts,
    /** Condition still active at handover (standing alarms). */
    standing: AlarmCounts,
    /** Open at handover, most severe and newest first, at most `OPEN_LIST_MAX`. */
    openList: Type.Array(ReportAlarm),
    openListTruncated: Type.Boolean(),
  }),
  incidents: Type.Object({
    opened: Type.Integer(),
    closed: Type.Integer(),
    openAtHandover: Type.Integer(),
    list: Type.Array(ReportIncident),
  }),
  devices: Type.Object({
    total: Type.Integer(),
    /** As the registry knew them when the report was drafted (the registry keeps no history). */
    offline: Type.Array(ReportDevice),
    /** Never heard from since the hub started. */
    neverSeen: Type.Integer(),
    faulted: Type.Array(ReportDevice),
  }),
  notifications: Type.Object({
    /** From the alarm histories' notify steps in the shift. */
    sent: Type.Integer(),
    failed: Type.Integer(),
    decided: Type.Integer(),
    byChannel: Type.Record(Type.String(), Type.Object({ sent: Type.Integer(), failed: Type.Integer() })),
  }),
  emissions: Type.Union([
    Type.Object({ available: Type.Literal(true), stacks: Type.Integer(), exceedances: Type.Array(ReportExceedance) }),
    Unavailable,
  ]),
  energy: Type.Union([
    Type.Object({ available: Type.Literal(true), park: ReportEnergyRow, enterprises: Type.Array(ReportEnergyRow) }),
    Unavailable,
  ]),
})
export type ReportFigures = Static<typeof ReportFigures>

export const REPORT_STATES = ['draft', 'signed'] as const
export type ReportState = (typeof REPORT_STATES)[number]

/** The outgoing officer's text: at most this many characters. */
export const NOTE_MAX = 8000

export const ShiftReport = Type.Object({
  id: Type.String(),
  park: Type.String(),
  parkName: Type.String(),
  parkNameEn: Type.String(),
  zone: Type.String(),
  zoneName: Type.String(),
  shift: ShiftWindow,
  state: Type.Enum([...REPORT_STATES]),
  createdAt: Type.Number(),
  /** The outgoing officer: who drafted it; only they write the note. */
  createdBy: Type.String(),
  figures: ReportFigures,
  /** Who the duty roster had on duty as the shift began (names and roles, never phones); empty without a roster. */
  crew: Type.Optional(Type.Array(Type.Object({ id: Type.String(), name: Type.String(), role: Type.String() }))),
  note: Type.String({ maxLength: NOTE_MAX }),
  noteAt: Nullable(Type.Number()),
  /** The incoming officer, a different user; null while a draft. */
  signedBy: Nullable(Type.String()),
  signedAt: Nullable(Type.Number()),
  signNote: Nullable(Type.String()),
})
export type ShiftReport = Static<typeof ShiftReport>

/** A report in a list: everything but the figures' lists. */
export const ReportSummary = Type.Object({
  id: Type.String(),
  park: Type.String(),
  parkName: Type.String(),
  parkNameEn: Type.String(),
  shift: ShiftWindow,
  state: Type.Enum([...REPORT_STATES]),
  createdAt: Type.Number(),
  createdBy: Type.String(),
  signedBy: Nullable(Type.String()),
  signedAt: Nullable(Type.Number()),
  alarmsRaised: Type.Integer(),
  alarmsOpen: Type.Integer(),
  incidentsOpen: Type.Integer(),
})
export type ReportSummary = Static<typeof ReportSummary>
