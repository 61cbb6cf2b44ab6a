/**
 * Handover reports, composed (docs/reports.md): which shift (shift-window.ts), the figures
 * frozen at drafting (report-figures.ts), and the kept reports (report-book.ts). The routes
 * (api/routes/reports.ts) are handed this; it is handed small interfaces, so it runs without
 * sockets in a unit test.
 */
import type { Roster } from '../model/notify.js'
import type { ShiftReport, ShiftWindow } from '../model/report.js'
import { shiftFigures, type FigureSources } from './report-figures.js'
import { ReportBook, ReportError, reportId } from './report-book.js'
import { previousShift, shiftAt, shiftOn, shiftsOf } from './shift-window.js'
import { onDuty, ZONE_SCOPE } from '../notify/roster.js'

export interface ReportServiceDeps {
  zone: { id: string; name: string; timezone: string; parks: readonly { id: string; name: string; nameEn?: string | undefined }[] }
  /** The duty rosters in force (the zone file's with admins' edits), or none. */
  rosters: () => readonly Roster[]
  sources: FigureSources
  book: ReportBook
  clock: () => number
}

export class ReportService {
  constructor(private readonly d: ReportServiceDeps) {}

  get book(): ReportBook {
    return this.d.book
  }

  park(id: string): { id: string; name: string; nameEn?: string | undefined } | undefined {
    return this.d.zone.parks.find((p) => p.id === id)
  }

  /** The shift of `park` running at `at` (default now), the one before it, and the park's shifts. */
  shifts(park: string, at = this.d.clock()): { current: ShiftWindow; previous: ShiftWindow; shifts: { id: string; name: string; start: string; end: string }[] } {
    const rosters = this.d.rosters()
    const current = shiftAt(rosters, park, at, this.d.zone.timezone)
    const shifts = shiftsOf(rosters, park).shifts.map((s) => ({ id: s.id, name: s.name, start: s.start, end: s.end }))
    return { current, previous: previousShift(rosters, park, current), shifts }
  }

  /** The shift of `park` running at `at`. */
  shiftAt(park: string, at: number): ShiftWindow {
    return shiftAt(this.d.rosters(), park, at, this.d.zone.timezone)
  }

  /** Shift `shiftId` of `park` starting on local date `day`; undefined when the park has no such shift or the date is bad. */
  shiftOn(park: string, day: string, shiftId: string): ShiftWindow | undefined {
    return shiftOn(this.d.rosters(), park, day, shiftId, this.d.zone.timezone)
  }

  /** A draft for `shift` of `park` (shiftAt, shiftOn), its figures frozen now. */
  async draft(park: string, shift: ShiftWindow, user: string): Promise<ShiftReport> {
    const p = this.park(park)
    if (!p) throw new ReportError(404, `park ${park} not found`)
    const now = this.d.clock()
    if (shift.from > now) throw new ReportError(409, 'that shift has not started yet')
    const id = reportId({ park, shift })
    if (this.d.book.has(id)) throw new ReportError(409, `park ${park} already has a report for this shift: ${id}`)
    const figures = await shiftFigures(this.d.sources, park, shift, now)
    return this.d.book.create({
      id, park, parkName: p.name, parkNameEn: p.nameEn ?? p.id, zone: this.d.zone.id, zoneName: this.d.zone.name,
      shift, state: 'draft', createdAt: now, createdBy: user, figures, crew: this.crew(park, shift),
      note: '', noteAt: null, signedBy: null, signedAt: null, signNote: null,
    })
  }

  /** A draft's figures frozen again now (only who drafted it; not once signed). */
  async refresh(id: string, user: string): Promise<ShiftReport> {
    const r = await this.d.book.get(id)
    if (!r) throw new ReportError(404, `report ${id} not found`)
    if (r.state === 'signed') throw new ReportError(409, `report ${id} was signed by ${r.signedBy ?? '?'} and can no longer change`)
    if (r.createdBy !== user) throw new ReportError(403, `only the outgoing officer who drafted it (${r.createdBy}) brings its figures up to date`)
    return this.d.book.refresh(id, user, await shiftFigures(this.d.sources, r.park, r.shift, this.d.clock()))
  }

  /** Who the roster the shift came from had on duty as it began (a minute in: the handover itself is the outgoing crew's). */
  private crew(park: string, shift: ShiftWindow): NonNullable<ShiftReport['crew']> {
    if (shift.source === 'default') return []
    const roster = this.d.rosters().find((r) => r.scope === (shift.source === 'park' ? park : ZONE_SCOPE))
    if (!roster) return []
    return onDuty(roster, shift.from + 60_000, this.d.zone.timezone).people.map((p) => ({ id: p.id, name: p.name, role: p.role }))
  }

  note(id: string, user: string, text: string): Promise<ShiftReport> {
    return this.d.book.note(id, user, text, this.d.clock())
  }

  sign(id: string, user: string, note: string | undefined): Promise<ShiftReport> {
    return this.d.book.sign(id, user, note, this.d.clock())
  }
}
