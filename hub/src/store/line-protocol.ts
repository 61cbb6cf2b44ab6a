/**
 * InfluxDB 1.x line protocol, built by hand: it is the hot path of every write.
 * `measurement,tag=v field=1,other=2 <ms>` with the escaping rules of the 1.x docs.
 */
export function escapeTag(s: string): string {
  return /[ ,=\\\n]/.test(s) ? s.replace(/[\\ ,=]/g, (c) => `\\${c}`).replace(/\n/g, '\\n') : s
}

export function escapeMeasurement(s: string): string {
  return /[ ,\\\n]/.test(s) ? s.replace(/[\\ ,]/g, (c) => `\\${c}`).replace(/\n/g, '\\n') : s
}

export function stringField(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}"`
}

export type FieldValue = number | string | boolean

export function fieldText(v: FieldValue): string {
  // A bare number is a float field in 1.x line protocol (integers would need an `i` suffix).
  if (typeof v === 'number') return String(v)
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  return stringField(v)
}

/** `measurement,tag=v,…` with tags sorted by key; tags with undefined or empty values are left out. */
export function seriesText(measurement: string, tags: Record<string, string | undefined>): string {
  let out = escapeMeasurement(measurement)
  const keys = Object.keys(tags).sort()
  for (const k of keys) {
    const v = tags[k]
    if (v !== undefined && v !== '') out += `,${escapeTag(k)}=${escapeTag(v)}`
  }
  return out
}

/** One point; tags with undefined values are left out; fields must be non-empty. */
export function line(measurement: string, tags: Record<string, string | undefined>, fields: Record<string, FieldValue>, tsMs: number): string {
  let out = seriesText(measurement, tags)
  let first = true
  for (const k in fields) {
    out += `${first ? ' ' : ','}${escapeTag(k)}=${fieldText(fields[k]!)}`
    first = false
  }
  return `${out} ${tsMs}`
}
