/**
 * Meters carry on from the hub's last reading (docs/energy.md): before a run, each energy
 * meter's latest values are read back with `GET /api/v1/devices/:id/latest` — signed in as
 * the read-only user the simulator already uses to read alarms back (`--user`, default
 * `viewer`) — and each meter model counts on from them. Otherwise every run would start from
 * the model's own base and the hub would see one counter with two bases (a jump of hundreds
 * of thousands of kWh each time they alternate).
 *
 * Why REST and not MQTT: a device's credentials allow it to subscribe only to its own `cmd`
 * topic (CONTRACT.md), so a retained reading could not be read back; `/latest` exists, is
 * read-only, and is what the hub itself holds (seeded from InfluxDB at its start).
 *
 * If the hub cannot be reached or signed in to, the run says so and the meters start from
 * their own bases, as before.
 */
import type { Device } from '../../hub/src/model/device.js'

const TIMEOUT_MS = 5000
/** Requests in flight at once. */
const CONCURRENCY = 8

export type Latest = Record<string, { value: number; ts: number }>

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>

export interface ContinuityResult {
  latest: Map<string, Latest>
  /** Why nothing could be read, when so. */
  error?: string | undefined
}

async function json(f: FetchLike, url: string, init: RequestInit = {}): Promise<unknown> {
  const res = await f(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) })
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: HTTP ${res.status}`)
  return res.json()
}

function latestOf(body: unknown): Latest {
  const values = (body as { values?: unknown } | null)?.values
  const out: Latest = {}
  if (!values || typeof values !== 'object') return out
  for (const [metric, v] of Object.entries(values as Record<string, unknown>)) {
    const x = v as { value?: unknown; ts?: unknown } | null
    if (x && typeof x.value === 'number' && typeof x.ts === 'number') out[metric] = { value: x.value, ts: x.ts }
  }
  return out
}

/** The hub's latest values of each energy meter among `devices`. */
export async function readMeterLatest(api: string, user: string, password: string, devices: readonly Device[], f: FetchLike = fetch): Promise<ContinuityResult> {
  const meters = devices.filter((d) => d.kind === 'energy')
  const latest = new Map<string, Latest>()
  if (meters.length === 0) return { latest }
  let token: string
  try {
    const body = (await json(f, `${api}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user, password }) })) as { token?: unknown }
    if (typeof body.token !== 'string') throw new Error('no token in the reply')
    token = body.token
  } catch (err) {
    return { latest, error: `cannot sign in to ${api} as ${user}: ${(err as Error).message}` }
  }
  let next = 0
  let failed: string | undefined
  const worker = async (): Promise<void> => {
    while (next < meters.length) {
      const d = meters[next++]!
      try {
        const l = latestOf(await json(f, `${api}/api/v1/devices/${encodeURIComponent(d.id)}/latest`, { headers: { authorization: `Bearer ${token}` } }))
        if (Object.keys(l).length > 0) latest.set(d.id, l)
      } catch (err) {
        failed ??= `${d.id}: ${(err as Error).message}`
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, meters.length) }, worker))
  return { latest, error: failed && latest.size === 0 ? failed : undefined }
}

/** A model that can carry on from the hub's values. */
export interface Continuable {
  continueFrom(latest: Latest): string[]
}

const continuable = (m: unknown): m is Continuable => typeof (m as Partial<Continuable> | undefined)?.continueFrom === 'function'

/** Hands each meter model its latest values; returns how many meters continue and the newest reading's time among them. */
export function continueMeters(model: (id: string) => unknown, latest: ReadonlyMap<string, Latest>): { meters: number; newest: number | undefined } {
  let meters = 0
  let newest: number | undefined
  for (const [id, l] of latest) {
    const m = model(id)
    if (!continuable(m)) continue
    const taken = m.continueFrom(l)
    if (taken.length === 0) continue
    meters++
    for (const c of taken) newest = Math.max(newest ?? -Infinity, l[c]!.ts)
  }
  return { meters, newest }
}
