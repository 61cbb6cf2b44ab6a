/**
 * InfluxDB 1.x line protocol, built by hand: it is the hot path of every write.
 * `measurement,tag=v field=1,other=2 <ms>` with the escaping rules of the 1.x line protocol
 * reference (docs.influxdata.com/influxdb/v1/write_protocols/line_protocol_reference, and the
 * parser of influxd 1.x, models/points.go and pkg/escape):
 *
 * - measurement: `,` and space escaped with a backslash;
 * - tag keys, tag values, field keys: `,`, `=` and space escaped with a backslash;
 * - a backslash in any of these is NOT an escape of itself: `a\b` is written as is and read back
 *   as is (writing `a\\b` reads back two backslashes). `\,` `\=` `\ ` are the only escapes, so
 *   a backslash before an escaped character stays a literal one (`a\` + `\,` reads `a\,`).
 *   A name ending in a backslash cannot be written at all: the parser takes the backslash as
 *   escaping the separator after it and refuses the line (influxdb#5231). Such a tag is left
 *   out of the point (its value is a topic level the hub records in a string field anyway);
 *   such a key loses its trailing backslashes.
 * - a newline cannot be written in a name or a field value (the reference says so, and the
 *   journal frames lines by newline): it is written as the two characters `\n`.
 * - string field values: `"` and `\` escaped with a backslash; they read back exactly.
 */
const NAME_SPECIAL = /[ ,=\\\n]/
const MEASUREMENT_SPECIAL = /[ ,\\\n]/

function escapeName(s: string, special: RegExp): string {
  if (s.endsWith('\\')) s = s.replace(/\\+$/, '')
  return s.replace(special, (c) => (c === '\n' ? '\\n' : `\\${c}`))
}

const NAME_ESCAPES = /[ ,=\n]/g
const MEASUREMENT_ESCAPES = /[ ,\n]/g

/** A tag key, tag value or field key (a tag value ending in a backslash: see tagValueWritable). */
export function escapeTag(s: string): string {
  return NAME_SPECIAL.test(s) ? escapeName(s, NAME_ESCAPES) : s
}

export function escapeMeasurement(s: string): string {
  return MEASUREMENT_SPECIAL.test(s) ? escapeName(s, MEASUREMENT_ESCAPES) : s
}

/** False for a value InfluxDB 1.x line protocol cannot carry as a tag (empty, or ending in a backslash). */
export function tagValueWritable(v: string | undefined): v is string {
  return v !== undefined && v !== '' && v.charCodeAt(v.length - 1) !== 92
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

/** `measurement,tag=v,…` with tags sorted by key; tags with undefined, empty or unwritable values are left out. */
export function seriesText(measurement: string, tags: Record<string, string | undefined>): string {
  let out = escapeMeasurement(measurement)
  const keys = Object.keys(tags).sort()
  for (const k of keys) {
    const v = tags[k]
    if (tagValueWritable(v)) out += `,${escapeTag(k)}=${escapeTag(v)}`
  }
  return out
}

/** One point; tags with undefined values are left out; fields must be non-empty (own keys only). */
export function line(measurement: string, tags: Record<string, string | undefined>, fields: Record<string, FieldValue>, tsMs: number): string {
  let out = seriesText(measurement, tags)
  let first = true
  for (const k of Object.keys(fields)) {
    out += `${first ? ' ' : ','}${escapeTag(k)}=${fieldText(fields[k]!)}`
    first = false
  }
  return `${out} ${tsMs}`
}
