/**
 * The typed REST client of the hub's shift handover reports (docs/reports.md,
 * /api/v1/reports), beside api.ts and through its one `request`.
 */
import type { ReportFigures, ReportSummary, ShiftReport, ShiftWindow } from '../../../hub/src/model/report.js'
import { request } from './api.js'

const enc = encodeURIComponent

export type { ReportFigures, ReportSummary, ShiftReport, ShiftWindow }
export type AlarmCounts = ReportFigures['alarms']['raised']
export interface ShiftsReply { park: string; current: ShiftWindow; previous: ShiftWindow; shifts: { id: string; name: string; start: string; end: string }[] }
export interface ReportList { reports: ReportSummary[]; total: number; next: string | null; limit: number }

export const reportsApi = {
  shifts: (park: string) => request<ShiftsReply>('GET', '/reports/shifts', { query: { park } }),
  list: (q: { park?: string | undefined; limit?: number; cursor?: string | undefined } = {}) => request<ReportList>('GET', '/reports', { query: q }),
  get: (id: string) => request<ShiftReport>('GET', `/reports/${enc(id)}`),
  draft: (park: string, shift: 'current' | 'previous') => request<ShiftReport>('POST', '/reports', { body: { park, shift } }),
  /** A past shift by its local start date (`YYYY-MM-DD`) and the roster's shift id. */
  draftShift: (park: string, day: string, shiftId: string) => request<ShiftReport>('POST', '/reports', { body: { park, day, shiftId } }),
  refresh: (id: string) => request<ShiftReport>('POST', `/reports/${enc(id)}/refresh`, { body: {} }),
  note: (id: string, note: string) => request<ShiftReport>('POST', `/reports/${enc(id)}/note`, { body: { note } }),
  sign: (id: string, note?: string) => request<ShiftReport>('POST', `/reports/${enc(id)}/sign`, { body: note ? { note } : {} }),
}

/** The hub's largest page of reports (api/routes/reports.ts). */
const PAGE_MAX = 500

/** The newest `n` reports of a park (or of all the user sees), page after page; `more`: older ones exist. */
export async function newestReports(park: string | undefined, n: number): Promise<{ reports: ReportSummary[]; more: boolean }> {
  const out: ReportSummary[] = []
  let cursor: string | undefined
  for (;;) {
    const page = await reportsApi.list({ park, limit: Math.min(PAGE_MAX, n - out.length), cursor })
    out.push(...page.reports)
    if (page.next === null) return { reports: out, more: false }
    if (out.length >= n) return { reports: out, more: true }
    cursor = page.next
  }
}

/** Who may draft and sign (the hub enforces it; the page only hides what a user could not use). */
export function canWriteReports(roles: readonly string[]): boolean {
  return roles.includes('admin') || roles.includes('safety')
}
