/**
 * The typed REST client of the hub (CONTRACT.md, /api/v1). The only place that calls fetch.
 * The token lives in memory and in sessionStorage (gone when the tab closes); a 401 sends the
 * user back to the sign-in page.
 */
import type { Alarm, AlarmLevel } from '../../../hub/src/model/alarm.js'
import type { MetricSetpointsView } from './setpoint-source.js'
import type { Incident } from '../../../hub/src/model/incident.js'
import type { ParkFootprint } from '../../../hub/src/model/footprint.js'
import type { ParkRisk } from '../../../hub/src/model/risk.js'
import type { AlarmActionName } from './roles.js'
import type { ErrorReply, KpiReply } from '../../../hub/src/api/replies.js'
import type { ConsumptionReply, IntensityReply, SuggestionsReply } from '../../../hub/src/api/schemas/energy.js'
import type { DeviceView, LatestResponse, SeriesReply } from '../../../hub/src/api/schemas/devices.js'
import type { ComplianceReply, HourDifference, HourlyReply, LinkReply, OutletHourlyReply } from '../../../hub/src/api/schemas/emissions.js'
import type { EmissionMetric } from '../../../hub/src/emissions/minutes.js'
import type { ZoneInfo, ZoneReply } from '../../../hub/src/api/schemas/zone.js'
import type { LoginReply, SignedInUser } from '../../../hub/src/api/schemas/auth.js'
import { codeForStatus } from '../../../hub/src/api/error-codes.js'
import type { ApiErrorCode } from './error-text.js'

export const BASE = '/api/v1'
const TOKEN_KEY = 'smartpark.token'

/** The hub's sign-in and zone replies (hub/src/api/schemas/auth.ts, zone.ts, from the routes' schemas). */
export type User = SignedInUser
export type { ZoneInfo }
/** The hub's device replies (hub/src/api/schemas/devices.ts, from the routes' schemas). */
export type DeviceWithState = DeviceView
export type LatestValues = LatestResponse
/** The hub's series reply (hub/src/api/schemas/devices.ts); its points are `[ts, value]` pairs, which the schema writes as arrays. */
export type Series = Omit<SeriesReply, 'points'> & { points: [number, SeriesReply['points'][number][number]][] }
export type AlarmStateQuery = 'active' | 'unacked' | 'cleared' | 'open' | 'closed' | 'shelved' | 'suppressed' | 'all'
export interface AlarmActionBody {
  note?: string
  assignee?: string
  minutes?: number
  cause?: string
  action?: string
}
/** Energy and emissions (docs/energy.md, docs/emissions.md): the shapes of the hub's replies. */
export type Carrier = 'kwh' | 'gas_m3' | 'steam_t' | 'water_m3'
export type EnergyEvery = '1h' | '1d' | '1mo'
/** The hub's energy replies (hub/src/api/schemas/energy.ts, from the routes' schemas), and their parts. */
export type { ConsumptionReply, IntensityReply, SuggestionsReply }
export type EnergyTotal = ConsumptionReply['total']
export type EnergyRow = ConsumptionReply['rows'][number]
/** Standard coal `kgce` is null for water, which is not an energy carrier. */
export type CarrierAmount = EnergyTotal['carriers'][Carrier]
export type SourceSegment = ConsumptionReply['sources'][number]
/** Counter steps left out of energy figures as implausible (docs/energy.md), and why. */
export type EnergyExcluded = ConsumptionReply['excluded']
export type IntensityFigures = Omit<IntensityReply['parks'][number], 'park' | 'name' | 'nameEn'>
export type Suggestion = SuggestionsReply['suggestions'][number]
/** The hub's emission replies (hub/src/api/schemas/emissions.ts, from the routes' schemas), and their parts. */
export type { HourlyReply, ComplianceReply, HourDifference, LinkReply, OutletHourlyReply }
export type EmissionHour = HourlyReply['hours'][number]
export type EmissionMetricHour = EmissionHour['metrics'][string]
export type EmissionStandardRef = NonNullable<HourlyReply['standard']>
export type EmissionBasis = HourlyReply['basis']
export type MetricDay = ComplianceReply['stacks'][number]['metrics'][string]
export type { EmissionMetric }
export interface Download {
  blob: Blob
  filename: string
}

export interface NewIncident {
  park: string
  area?: string
  hazard: string
  level: AlarmLevel
  title?: string
  alarms?: string[]
}

/** An HTTP error with the hub's `{statusCode, error, message, code}` body; `code` is what the screen shows text for (error-text.ts). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message)
  }
}

/** The error a hub's reply names (a hub of before the catalogue: its code by status). */
function errorOf(status: number, statusText: string, body: Partial<ErrorReply>): ApiError {
  return new ApiError(status, body.code ?? codeForStatus(status), body.message ?? statusText)
}

let token: string | null = readToken()
let onUnauthorized: () => void = () => {}

function readToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY)
  } catch {
    return null
  }
}

export function getToken(): string | null {
  return token
}

export function setToken(value: string | null): void {
  token = value
  try {
    if (value === null) sessionStorage.removeItem(TOKEN_KEY)
    else sessionStorage.setItem(TOKEN_KEY, value)
  } catch {
    /* storage unavailable: memory only */
  }
}

/** Called once by the session: what to do when the hub answers 401. */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler
}

type Query = Record<string, string | number | undefined | null>

function qs(query: Query | undefined): string {
  if (!query) return ''
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v))
  const s = p.toString()
  return s ? `?${s}` : ''
}

/** One call to the hub; for the typed clients beside this file (notify.ts) as well as `api` below. */
export async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, opts: { query?: Query; body?: unknown; auth?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json'
  if (opts.auth !== false && token !== null) headers.Authorization = `Bearer ${token}`
  let res: Response
  try {
    res = await fetch(`${BASE}${path}${qs(opts.query)}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    })
  } catch (err) {
    throw new ApiError(0, 'NETWORK', err instanceof Error ? err.message : String(err))
  }
  const text = await res.text()
  let data: unknown = undefined
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = undefined
    }
  }
  if (!res.ok) {
    const body = (data ?? {}) as Partial<ErrorReply>
    if (res.status === 401 && opts.auth !== false) {
      setToken(null)
      onUnauthorized()
    }
    throw errorOf(res.status, res.statusText, body)
  }
  return data as T
}

/** A file from the hub (e.g. the CSV report): the API needs the token, so a plain link will not do. */
async function download(path: string, query: Query, fallbackName: string): Promise<Download> {
  const headers: Record<string, string> = {}
  if (token !== null) headers.Authorization = `Bearer ${token}`
  let res: Response
  try {
    res = await fetch(`${BASE}${path}${qs(query)}`, { headers })
  } catch (err) {
    throw new ApiError(0, 'NETWORK', err instanceof Error ? err.message : String(err))
  }
  if (!res.ok) {
    let body: Partial<ErrorReply> = {}
    try {
      body = (await res.json()) as typeof body
    } catch {
      /* not JSON */
    }
    if (res.status === 401) {
      setToken(null)
      onUnauthorized()
    }
    throw errorOf(res.status, res.statusText, body)
  }
  const name = /filename="?([^";]+)"?/i.exec(res.headers.get('content-disposition') ?? '')?.[1]
  return { blob: await res.blob(), filename: name ?? fallbackName }
}

const enc = encodeURIComponent

/** A paged list (docs/contract.md): follows `next` up to `maxPages` pages, so a long list arrives whole but never unbounded. */
async function allPages<K extends string, T>(path: string, key: K, query: Query, maxPages = 20): Promise<Record<K, T[]>> {
  const items: T[] = []
  let cursor: string | null | undefined
  for (let i = 0; i < maxPages; i++) {
    const page = await request<Record<K, T[]> & { next?: string | null }>('GET', path, { query: { ...query, ...(cursor ? { cursor } : {}) } })
    items.push(...page[key])
    cursor = page.next
    if (!cursor) break
  }
  return { [key]: items } as Record<K, T[]>
}
type EnergyScope = { park?: string | undefined; enterprise?: string | undefined }
type Range = { from?: number | undefined; to?: number | undefined }

export const api = {
  login: (username: string, password: string) =>
    request<LoginReply>('POST', '/auth/login', { body: { username, password }, auth: false }),
  zone: () => request<ZoneReply>('GET', '/zone'),
  devices: (q: { park?: string; enterprise?: string; kind?: string } = {}) =>
    allPages<'devices', DeviceWithState>('/devices', 'devices', q),
  latest: (id: string) => request<LatestValues>('GET', `/devices/${enc(id)}/latest`),
  series: (id: string, q: { metric: string; from: number; to: number; every: string }) =>
    request<Series>('GET', `/devices/${enc(id)}/series`, { query: q }),
  setpoints: (id: string) => request<{ metrics: Record<string, MetricSetpointsView> }>('GET', `/devices/${enc(id)}/setpoints`),
  alarms: (q: { state?: AlarmStateQuery; park?: string; enterprise?: string; device?: string; from?: number; to?: number } = {}) =>
    allPages<'alarms', Alarm>('/alarms', 'alarms', { ...q, from: q.from === undefined ? undefined : new Date(q.from).toISOString(), to: q.to === undefined ? undefined : new Date(q.to).toISOString() }, 5),
  alarm: (id: string) => request<Alarm>('GET', `/alarms/${enc(id)}`),
  alarmAction: (id: string, action: AlarmActionName, body: AlarmActionBody = {}) =>
    request<Alarm>('POST', `/alarms/${enc(id)}/${action}`, { body }),
  /** Alarm KPIs (the hub's KpiReply). */
  kpi: (window: string) => request<KpiReply>('GET', '/alarms/kpi', { query: { window } }),
  risk: () => request<{ parks: ParkRisk[] }>('GET', '/risk'),
  /** A park's estimated gas hazard footprint (docs/hazard.md). */
  footprint: (park: string) => request<ParkFootprint>('GET', `/parks/${enc(park)}/footprint`),
  incidents: () => allPages<'incidents', Incident>('/incidents', 'incidents', {}, 5),
  openIncident: (body: NewIncident) => request<Incident>('POST', '/incidents', { body }),
  completeStep: (id: string, stepId: string, note?: string) =>
    request<Incident>('POST', `/incidents/${enc(id)}/steps/${enc(stepId)}`, { body: { done: true, note } }),
  sendCommand: (id: string, device: string, command: string, params?: Record<string, unknown>) =>
    request<Incident>('POST', `/incidents/${enc(id)}/commands`, { body: { device, command, params } }),
  confirmCommand: (id: string, command: string, note?: string) =>
    request<Incident>('POST', `/incidents/${enc(id)}/commands/${enc(command)}/confirm`, { body: note ? { note } : {} }),
  dismissCommand: (id: string, command: string, note: string) =>
    request<Incident>('POST', `/incidents/${enc(id)}/commands/${enc(command)}/dismiss`, { body: { note } }),
  closeIncident: (id: string, summary: string) => request<Incident>('POST', `/incidents/${enc(id)}/close`, { body: { summary } }),
  energyConsumption: (q: EnergyScope & Range & { meter?: string; every: EnergyEvery }) =>
    request<ConsumptionReply>('GET', '/energy/consumption', { query: q }),
  energyIntensity: (q: { park?: string | undefined } & Range) => request<IntensityReply>('GET', '/energy/intensity', { query: q }),
  energySuggestions: (q: EnergyScope) => request<SuggestionsReply>('GET', '/energy/suggestions', { query: q }),
  /** The consumption report as CSV (UTF-8 with BOM), with the file name the hub gives it. */
  energyReport: (q: { park?: string | undefined; every: EnergyEvery } & Range) =>
    download('/energy/report.csv', q, `energy-${q.park ?? 'zone'}.csv`),
  emissionsHourly: (q: { device: string } & Range) => request<HourlyReply>('GET', '/emissions/hourly', { query: q }),
  emissionsCompliance: (q: { park: string; day?: string }) => request<ComplianceReply>('GET', '/emissions/compliance', { query: q }),
  /** How a stack or outlet reaches the hub: MQTT, or HJ 212 with its logger's MN, last packet and rejects. */
  emissionsLink: (device: string) => request<LinkReply>('GET', '/emissions/link', { query: { device } }),
  emissionsOutletHourly: (q: { device: string } & Range) => request<OutletHourlyReply>('GET', '/emissions/outlet-hourly', { query: q }),
}
