/**
 * Reading back from the hub's REST API (CONTRACT.md): `GET /api/v1/health` for the ingest
 * reject count, `POST /api/v1/auth/login` for a token, `GET /api/v1/alarms?from=` for the
 * alarms raised during the run. Every call is best-effort with a short timeout: the summary
 * says "unknown" rather than failing the run.
 */
import type { Alarm } from '../../hub/src/model/alarm.js'

const TIMEOUT_MS = 5000

async function getJson(url: string, init: RequestInit = {}): Promise<unknown> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) })
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: HTTP ${res.status}`)
  return res.json()
}

export interface IngestHealth {
  rejected: number
  byReason: Record<string, number>
}

/**
 * The ingest reject counts: health's details (for a signed-in admin), else `/metrics`, which
 * the hub serves on loopback without a token (or to any signed-in user).
 */
export async function readIngestHealth(api: string, account: { user: string; password: string }): Promise<IngestHealth | undefined> {
  let token: string | undefined
  try {
    token = await login(api, account.user, account.password)
    const body = (await getJson(`${api}/api/v1/health`, { headers: { authorization: `Bearer ${token}` } })) as { ingest?: { rejected?: unknown; rejectsByReason?: unknown } }
    const r = body.ingest?.rejected
    const by = body.ingest?.rejectsByReason
    if (typeof r === 'number') return { rejected: r, byReason: by && typeof by === 'object' ? (by as Record<string, number>) : {} }
  } catch {
    /* try /metrics */
  }
  try {
    const res = await fetch(`${api}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(TIMEOUT_MS) })
    if (!res.ok) return undefined
    const byReason: Record<string, number> = {}
    for (const m of (await res.text()).matchAll(/^smartpark_ingest_rejected_total\{reason="([^"]+)"\} (\d+)$/gm)) byReason[m[1]!] = Number(m[2])
    return { rejected: Object.values(byReason).reduce((a, b) => a + b, 0), byReason }
  } catch {
    return undefined
  }
}

export async function login(api: string, username: string, password: string): Promise<string> {
  const body = (await getJson(`${api}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })) as { token?: unknown }
  if (typeof body.token !== 'string') throw new Error('login: no token in the reply')
  return body.token
}

/** All alarms (any state) raised since `from` (ms). */
export async function readAlarms(api: string, token: string, from: number): Promise<Alarm[]> {
  const body = (await getJson(`${api}/api/v1/alarms?state=all&from=${Math.floor(from)}`, {
    headers: { authorization: `Bearer ${token}` },
  })) as { alarms?: unknown } | unknown[]
  const list = Array.isArray(body) ? body : (body as { alarms?: unknown }).alarms
  return Array.isArray(list) ? (list as Alarm[]) : []
}
