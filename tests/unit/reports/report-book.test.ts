import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ShiftReport } from '../../../hub/src/model/report.js'
import { ReportBook, ReportError, reportId } from '../../../hub/src/reports/report-book.js'
import { emptyCounts } from '../../../hub/src/reports/alarm-figures.js'

const FROM = Date.parse('2026-12-07T08:00:00+08:00')

function draft(park = 'vtc', day = '2026-12-07', shiftId = 'day'): ShiftReport {
  const shift = { id: shiftId, name: '白班', start: '08:00', end: '20:00', day, from: FROM, to: FROM + 12 * 3_600_000, source: 'park' as const, timezone: 'Asia/Shanghai' }
  return {
    id: reportId({ park, shift }), park, parkName: '钒钛化工园区', parkNameEn: 'V-Ti Chemical Park', zone: 'pzh', zoneName: '攀枝花', shift, state: 'draft',
    createdAt: FROM + 11 * 3_600_000, createdBy: 'wang',
    figures: {
      at: FROM + 11 * 3_600_000, handover: FROM + 11 * 3_600_000,
      alarms: { raised: { ...emptyCounts(), total: 3 }, acknowledged: emptyCounts(), open: { ...emptyCounts(), total: 2 }, standing: emptyCounts(), openList: [], openListTruncated: false },
      incidents: { opened: 0, closed: 0, openAtHandover: 1, list: [] },
      devices: { total: 10, offline: [], neverSeen: 0, faulted: [] },
      notifications: { sent: 0, failed: 0, decided: 0, byChannel: {} },
      emissions: { available: true, stacks: 0, exceedances: [] },
      energy: { available: false, error: 'down' },
    },
    note: '', noteAt: null, signedBy: null, signedAt: null, signNote: null,
  }
}

describe('the kept handover reports', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smartpark-report-book-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('keeps a report as a 0600 file named by day, shift and park, and lists it after a reopen', async () => {
    const book = await ReportBook.open(join(dir, 'reports'))
    const r = await book.create(draft())
    expect(r.id).toBe('2026-12-07.day.vtc')
    expect((await stat(join(dir, 'reports', `${r.id}.json`))).mode & 0o777).toBe(0o600)
    expect((await stat(join(dir, 'reports'))).mode & 0o777).toBe(0o700)
    expect((await readdir(join(dir, 'reports'))).sort()).toEqual([`${r.id}.json`, 'summaries.idx'])
    expect((await stat(join(dir, 'reports', 'summaries.idx'))).mode & 0o777).toBe(0o600)
    const again = await ReportBook.open(join(dir, 'reports'))
    expect(again.list()).toEqual([expect.objectContaining({ id: r.id, state: 'draft', alarmsRaised: 3, alarmsOpen: 2, incidentsOpen: 1 })])
    expect(await again.get(r.id)).toEqual(r)
  })

  it('refuses a second report of the same park and shift', async () => {
    const book = await ReportBook.open(dir)
    await book.create(draft())
    await expect(book.create(draft())).rejects.toMatchObject({ statusCode: 409 })
  })

  it('takes the text only from who drafted it and the sign-off only from another user; nothing after', async () => {
    const book = await ReportBook.open(dir)
    const { id } = await book.create(draft())
    await expect(book.note(id, 'li', 'x', 1)).rejects.toMatchObject({ statusCode: 403 })
    expect((await book.note(id, 'wang', '2号泵房巡检未完成', 2)).note).toBe('2号泵房巡检未完成')
    await expect(book.sign(id, 'wang', undefined, 3)).rejects.toMatchObject({ statusCode: 409 })
    const signed = await book.sign(id, 'li', '已接班', 4)
    expect(signed).toMatchObject({ state: 'signed', signedBy: 'li', signedAt: 4, signNote: '已接班', note: '2号泵房巡检未完成', noteAt: 2 })
    await expect(book.note(id, 'wang', 'changed', 5)).rejects.toBeInstanceOf(ReportError)
    await expect(book.sign(id, 'zhao', undefined, 6)).rejects.toMatchObject({ statusCode: 409 })
    expect((await (await ReportBook.open(dir)).get(id))?.note).toBe('2号泵房巡检未完成')
    await expect(book.note('nope', 'wang', 'x', 1)).rejects.toMatchObject({ statusCode: 404 })
  })

  it('applies a text and a sign-off sent at once one after the other: the sign-off sees the text', async () => {
    const book = await ReportBook.open(dir)
    const { id } = await book.create(draft())
    const [noted, signed] = await Promise.allSettled([book.note(id, 'wang', 'first', 1), book.sign(id, 'li', undefined, 2)])
    expect(noted.status).toBe('fulfilled')
    expect(signed.status === 'fulfilled' && signed.value.note).toBe('first')
  })

  it('trusts its index only for files unchanged since: a report written after the index (a crash between) is read again', async () => {
    const book = await ReportBook.open(dir)
    const { id } = await book.create(draft())
    const gone = await book.create(draft('glc'))
    // As if the hub stopped after writing the report and before the index: the file says signed, the index draft.
    const file = join(dir, `${id}.json`)
    const r = JSON.parse(await readFile(file, 'utf8')) as ShiftReport
    await writeFile(file, JSON.stringify({ ...r, state: 'signed', signedBy: 'li', signedAt: 9 }))
    await unlink(join(dir, `${gone.id}.json`))
    const again = await ReportBook.open(dir)
    expect(again.list().map((x) => [x.id, x.state, x.signedBy])).toEqual([[id, 'signed', 'li']])
    // The index was brought up to date: a third open agrees.
    expect((await ReportBook.open(dir)).list().map((x) => x.state)).toEqual(['signed'])
    const index = JSON.parse(await readFile(join(dir, 'summaries.idx'), 'utf8')) as { summary: { id: string } }[]
    expect(index.map((x) => x.summary.id)).toEqual([id])
  })

  it('reads every report when its index is torn, and says so', async () => {
    const book = await ReportBook.open(dir)
    const { id } = await book.create(draft())
    await writeFile(join(dir, 'summaries.idx'), '[{"summary": ')
    const warnings: string[] = []
    const again = await ReportBook.open(dir, (o) => warnings.push(JSON.stringify(o)))
    expect(again.list().map((x) => x.id)).toEqual([id])
    expect(warnings.join()).toContain('summaries.idx')
  })

  it('lists the newest shift first and leaves out a file it cannot read, saying so', async () => {
    const book = await ReportBook.open(dir)
    await book.create(draft('vtc', '2026-12-06', 'night'))
    await book.create({ ...draft('vtc', '2026-12-07', 'day'), shift: { ...draft().shift, from: FROM + 1 } })
    await writeFile(join(dir, 'torn.json'), '{"id": "torn", ')
    const warnings: string[] = []
    const again = await ReportBook.open(dir, (o) => warnings.push(JSON.stringify(o)))
    expect(again.list().map((s) => s.id)).toEqual(['2026-12-07.day.vtc', '2026-12-06.night.vtc'])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('torn.json')
    expect(await again.get('../etc/passwd')).toBeUndefined()
  })
})
