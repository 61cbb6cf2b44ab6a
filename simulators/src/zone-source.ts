/**
 * Reading the zone file (YAML or JSON, the hub's own format) and the credentials file
 * (`{ zone, devices: {id: secret}, gateways: {id: secret} }`) the zone generator writes.
 */
import { readFile } from 'node:fs/promises'
import YAML from 'yaml'
import { firstSchemaError } from '../../hub/src/model/schema-errors.js'
import { Zone } from '../../hub/src/model/zone.js'

export interface Credentials {
  zone: string
  devices: Record<string, string>
  gateways: Record<string, string>
  /** HJ 212 data loggers' PWs by device id (the MN is the device's `hj212.mn` in the zone). */
  hj212?: Record<string, string>
}

export async function loadZone(file: string): Promise<Zone> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    throw new Error(`zone file ${file}: cannot read: ${(err as Error).message}`)
  }
  return parseZone(text, file)
}

export function parseZone(text: string, file = '(zone)'): Zone {
  let raw: unknown
  try {
    raw = YAML.parse(text, { maxAliasCount: 100 })
  } catch (err) {
    throw new Error(`zone file ${file}: not valid YAML/JSON: ${(err as Error).message.split('\n')[0]}`)
  }
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const r = raw as Record<string, unknown>
    r.gateways ??= []
    r.users ??= []
    r.timezone ??= 'Asia/Shanghai'
  }
  const first = firstSchemaError(Zone, raw)
  if (first) throw new Error(`zone file ${file}: ${first.path || '(root)'}: ${first.problem}`)
  return raw as Zone
}

export async function loadCredentials(file: string): Promise<Credentials> {
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(file, 'utf8'))
  } catch (err) {
    throw new Error(`credentials file ${file}: ${(err as Error).message}`)
  }
  const c = raw as Partial<Credentials> | null
  const isMap = (v: unknown): v is Record<string, string> =>
    !!v && typeof v === 'object' && Object.values(v).every((s) => typeof s === 'string')
  if (!c || typeof c !== 'object' || !isMap(c.devices) || (c.gateways !== undefined && !isMap(c.gateways)) || (c.hj212 !== undefined && !isMap(c.hj212))) {
    throw new Error(`credentials file ${file}: expected { zone, devices: {id: secret}, gateways: {id: secret}, hj212?: {id: pw} }`)
  }
  return { zone: String(c.zone ?? ''), devices: c.devices, gateways: c.gateways ?? {}, ...(c.hj212 ? { hj212: c.hj212 } : {}) }
}

/** Offset of a time zone from UTC in minutes at an instant (China has had no DST since 1991). */
export function tzOffsetMinutes(timeZone: string, at = Date.now()): number {
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    }).formatToParts(new Date(at))
    const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0)
    const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'))
    return Math.round((local - Math.floor(at / 60_000) * 60_000) / 60_000)
  } catch {
    return 480
  }
}
