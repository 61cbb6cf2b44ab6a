/**
 * The kept handover reports (docs/reports.md): one JSON file per report under
 * `<data dir>/reports/` (0600 files in a 0700 directory: they name people and alarms),
 * written whole to a temporary file, fsync'ed and renamed over the old one, so a crash leaves
 * the old or the new report, never half of one. Summaries stay in memory for the list; a
 * report is read from its file when shown. The summaries are also kept in `summaries.idx`
 * with each file's modification time and size, so a start reads only the files changed since
 * (5,000 reports of ~20 KB, a year of 7 parks × 2 shifts: 3.3–4.1 s to read them all, the
 * index instead: see docs/reports.md); a file the index does not know, or knows at another
 * size or time (a crash between the two writes), is read.
 *
 * Life of a report:
 *
 *   (POST) ──▶ draft ──note, refresh (the outgoing officer, who drafted it)──▶ draft
 *                 └──sign (another user: the incoming officer)──▶ signed (never changes again)
 *
 * One report per park and shift: drafting a shift that already has one is refused (409).
 */
import { mkdir, open, readdir, readFile, rename, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../config/private-files.js'
import { NOTE_MAX, type ReportFigures, type ReportSummary, type ShiftReport } from '../model/report.js'

export class ReportError extends Error {
  constructor(readonly statusCode: 403 | 404 | 409, message: string) {
    super(message)
    this.name = 'ReportError'
  }
}

/** Ids are `YYYY-MM-DD.<shift>.<park>`: safe as a file name (ids are [A-Za-z0-9_.-]). */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/

export function reportId(r: Pick<ShiftReport, 'park' | 'shift'>): string {
  return `${r.shift.day}.${r.shift.id}.${r.park}`
}

export function summaryOf(r: ShiftReport): ReportSummary {
  return {
    id: r.id, park: r.park, parkName: r.parkName, parkNameEn: r.parkNameEn, shift: r.shift, state: r.state,
    createdAt: r.createdAt, createdBy: r.createdBy, signedBy: r.signedBy, signedAt: r.signedAt,
    alarmsRaised: r.figures.alarms.raised.total, alarmsOpen: r.figures.alarms.open.total, incidentsOpen: r.figures.incidents.openAtHandover,
  }
}

const INDEX = 'summaries.idx'
/** Files looked at together when the book opens. */
const OPEN_BATCH = 32

interface IndexRow {
  summary: ReportSummary
  /** The file's `mtimeMs:size` when the summary was taken. */
  stamp: string
}

const stampOf = (st: { mtimeMs: number; size: number }): string => `${st.mtimeMs}:${st.size}`

export class ReportBook {
  private readonly summaries = new Map<string, ReportSummary>()
  private readonly stamps = new Map<string, string>()
  /** Writes one at a time per report, so a note and a sign-off never interleave. */
  private readonly queue = new Map<string, Promise<unknown>>()
  private indexWrite: Promise<void> = Promise.resolve()

  private constructor(private readonly dir: string) {}

  static async open(dir: string, warn: (o: object, m: string) => void = () => undefined): Promise<ReportBook> {
    await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
    const book = new ReportBook(dir)
    const known = new Map<string, IndexRow>()
    try {
      for (const row of JSON.parse(await readFile(join(dir, INDEX), 'utf8')) as IndexRow[]) known.set(row.summary.id, row)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') warn({ file: INDEX, err: (err as Error).message }, 'the handover reports\' index could not be read; reading every report')
    }
    let stale = false
    const load = async (name: string): Promise<void> => {
      const id = name.slice(0, -'.json'.length)
      try {
        const stamp = stampOf(await stat(join(dir, name)))
        const row = known.get(id)
        if (row && row.stamp === stamp) {
          book.summaries.set(id, row.summary)
        } else {
          const r = JSON.parse(await readFile(join(dir, name), 'utf8')) as ShiftReport
          book.summaries.set(r.id, summaryOf(r))
          stale = true
        }
        book.stamps.set(id, stamp)
      } catch (err) {
        warn({ file: name, err: (err as Error).message }, 'a handover report file could not be read; left out of the list')
      }
    }
    const names = (await readdir(dir)).filter((n) => n.endsWith('.json'))
    // A few at a time: the thread pool's four threads stay busy without a burst of thousands of requests.
    for (let i = 0; i < names.length; i += OPEN_BATCH) await Promise.all(names.slice(i, i + OPEN_BATCH).map(load))
    if (stale || known.size !== book.summaries.size) await book.saveIndex()
    return book
  }

  /** Newest shift first. */
  list(filter: (s: ReportSummary) => boolean = () => true): ReportSummary[] {
    return [...this.summaries.values()].filter(filter).sort((a, b) => b.shift.from - a.shift.from || (a.id < b.id ? -1 : 1))
  }

  has(id: string): boolean {
    return this.summaries.has(id)
  }

  summary(id: string): ReportSummary | undefined {
    return this.summaries.get(id)
  }

  async get(id: string): Promise<ShiftReport | undefined> {
    if (!SAFE_ID.test(id) || !this.summaries.has(id)) return undefined
    return JSON.parse(await readFile(this.file(id), 'utf8')) as ShiftReport
  }

  async create(r: ShiftReport): Promise<ShiftReport> {
    if (!SAFE_ID.test(r.id)) throw new Error(`report id ${r.id} is not a safe file name`)
    const existing = this.summaries.get(r.id)
    if (existing) throw new ReportError(409, `park ${r.park} already has a ${existing.state} report for this shift: ${r.id}`)
    this.summaries.set(r.id, summaryOf(r))
    try {
      await this.write(r)
    } catch (err) {
      this.summaries.delete(r.id)
      throw err
    }
    await this.saveIndex()
    return r
  }

  /** The outgoing officer's text; only the one who drafted it, only while a draft. */
  note(id: string, user: string, text: string, now: number): Promise<ShiftReport> {
    return this.change(id, (r) => {
      if (r.createdBy !== user) throw new ReportError(403, `only the outgoing officer who drafted it (${r.createdBy}) writes the handover text`)
      if (text.length > NOTE_MAX) throw new ReportError(409, `the handover text may hold at most ${NOTE_MAX} characters`)
      return { ...r, note: text, noteAt: now }
    })
  }

  /** The figures frozen again (a draft made before the handover, brought up to it); only who drafted it. */
  refresh(id: string, user: string, figures: ReportFigures): Promise<ShiftReport> {
    return this.change(id, (r) => {
      if (r.createdBy !== user) throw new ReportError(403, `only the outgoing officer who drafted it (${r.createdBy}) brings its figures up to date`)
      return { ...r, figures }
    })
  }

  /** The incoming officer's sign-off: another user than the one who drafted it; closes the report. */
  sign(id: string, user: string, note: string | undefined, now: number): Promise<ShiftReport> {
    return this.change(id, (r) => {
      if (r.createdBy === user) throw new ReportError(409, 'the incoming officer signs: another user than the one who drafted the report')
      return { ...r, state: 'signed', signedBy: user, signedAt: now, signNote: note ?? null }
    })
  }

  private change(id: string, edit: (r: ShiftReport) => ShiftReport): Promise<ShiftReport> {
    const prev = this.queue.get(id) ?? Promise.resolve()
    const next = prev.catch(() => undefined).then(async () => {
      const r = await this.get(id)
      if (!r) throw new ReportError(404, `report ${id} not found`)
      if (r.state === 'signed') throw new ReportError(409, `report ${id} was signed by ${r.signedBy ?? '?'} and can no longer change`)
      const changed = edit(r)
      await this.write(changed)
      this.summaries.set(id, summaryOf(changed))
      await this.saveIndex()
      return changed
    })
    this.queue.set(id, next)
    void next.finally(() => {
      if (this.queue.get(id) === next) this.queue.delete(id)
    }).catch(() => undefined)
    return next
  }

  private file(id: string): string {
    return join(this.dir, `${id}.json`)
  }

  private async write(r: ShiftReport): Promise<void> {
    this.stamps.set(r.id, await this.writeWhole(this.file(r.id), `${JSON.stringify(r)}\n`))
  }

  /** The summaries and their files' stamps, rewritten whole after each change (one write at a time). */
  private saveIndex(): Promise<void> {
    this.indexWrite = this.indexWrite.catch(() => undefined).then(async () => {
      const rows: IndexRow[] = [...this.summaries.values()].map((summary) => ({ summary, stamp: this.stamps.get(summary.id) ?? '' }))
      await this.writeWhole(join(this.dir, INDEX), JSON.stringify(rows))
    })
    return this.indexWrite
  }

  /** Temporary file, fsync, rename: the old or the new content after a crash. Returns the file's stamp. */
  private async writeWhole(path: string, text: string): Promise<string> {
    const tmp = `${path}.tmp`
    const fh = await open(tmp, 'w', PRIVATE_FILE_MODE)
    let stamp: string
    try {
      await fh.writeFile(text)
      await fh.sync()
      stamp = stampOf(await fh.stat())
    } finally {
      await fh.close()
    }
    await rename(tmp, path)
    return stamp
  }
}
