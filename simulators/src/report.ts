/** The status line and the end-of-run summary. */
import type { Alarm } from '../../hub/src/model/alarm.js'
import { LEVEL_COLOURS } from '../../hub/src/model/alarm.js'
import type { FleetCounters } from './fleet.js'

/** Simulated time as local wall time of the zone (YYYY-MM-DD HH:MM:SS). */
export function simTime(ts: number, tzOffsetMin: number): string {
  return new Date(ts + tzOffsetMin * 60_000).toISOString().slice(0, 19).replace('T', ' ')
}

export interface StatusInput {
  phase: string
  simTs: number
  tzOffsetMin: number
  speed: number
  up: number
  links: number
  counters: FleetCounters
  ratePerSec: number
  backlog: number
  extra?: string
}

export function statusLine(s: StatusInput): string {
  const c = s.counters
  return [
    `[${s.phase} ${simTime(s.simTs, s.tzOffsetMin)}${s.speed > 1 ? ` ×${s.speed}` : ''}]`,
    `connected ${s.up}/${s.links}`,
    `sent ${c.sent} (${Math.round(s.ratePerSec)}/s)`,
    `errors ${c.errors}`,
    `connect failures ${c.connectFailures}`,
    `commands ${c.commands}`,
    ...(s.backlog > 0 ? [`backlog ${s.backlog}`] : []),
    ...(c.skipped > 0 ? [`skipped ${c.skipped}`] : []),
    ...(s.extra ? [s.extra] : []),
  ].join('  ')
}

export interface SummaryInput {
  counters: FleetCounters
  wallMs: number
  simFrom: number
  simTo: number
  rejected: number | undefined
  rejectsByReason: Record<string, number> | undefined
  alarms: Alarm[] | undefined
  alarmsNote: string | undefined
  unconnectable: number
  tzOffsetMin: number
}

export function summary(s: SummaryInput): string {
  const c = s.counters
  const lines = [
    '── summary ──',
    `simulated   ${simTime(s.simFrom, s.tzOffsetMin)} → ${simTime(s.simTo, s.tzOffsetMin)} in ${(s.wallMs / 1000).toFixed(1)} s`,
    `sent        ${c.sent} messages, ${c.readings} readings`,
    `rejected    ${s.rejected === undefined ? 'unknown (hub health not reachable)' : s.rejected}${formatReasons(s.rejectsByReason)}`,
    `errors      ${c.errors} publish errors, ${c.connectFailures} connect failures, ${c.skipped} skipped while offline`,
    `commands    ${c.commands} received${c.badCommands > 0 ? `, ${c.badCommands} not understood` : ''}`,
  ]
  if (s.unconnectable > 0) lines.push(`unconnected ${s.unconnectable} devices had no secret and no gateway secret`)
  if (!s.alarms) {
    lines.push(`alarms      unknown (${s.alarmsNote ?? 'not read'})`)
    return lines.join('\n')
  }
  const byLevel = [1, 2, 3, 4].map((l) => `${s.alarms?.filter((a) => a.level === l).length ?? 0} ${LEVEL_COLOURS[l as 1 | 2 | 3 | 4]}`)
  lines.push(`alarms      ${s.alarms.length} raised: ${byLevel.join(', ')}`)
  const byType = new Map<string, number>()
  for (const a of s.alarms) byType.set(a.type, (byType.get(a.type) ?? 0) + 1)
  if (byType.size > 0) lines.push(`            by type: ${[...byType].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t} ${n}`).join(', ')}`)
  const shown = [...s.alarms].sort((a, b) => a.level - b.level || a.raisedAt - b.raisedAt).slice(0, 15)
  for (const a of shown) {
    const value = a.value !== undefined ? ` ${a.metric ?? ''}=${round(a.value)}${a.threshold !== undefined ? ` (>${round(a.threshold)})` : ''}` : ''
    lines.push(`            ${simTime(a.raisedAt, s.tzOffsetMin)} ${LEVEL_COLOURS[a.level].padEnd(6)} ${a.type} ${a.device}${value} [${a.condition}]`)
  }
  if (s.alarms.length > shown.length) lines.push(`            … and ${s.alarms.length - shown.length} more`)
  return lines.join('\n')
}

function formatReasons(by: Record<string, number> | undefined): string {
  if (!by) return ''
  const parts = Object.entries(by).filter(([, n]) => n > 0)
  return parts.length > 0 ? ` (${parts.map(([r, n]) => `${r} ${n}`).join(', ')})` : ''
}

function round(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2)
}
