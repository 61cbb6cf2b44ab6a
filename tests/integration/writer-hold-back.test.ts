import { afterEach, describe, expect, inject, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Journal } from '../../hub/src/journal/journal.js'
import { JournalCursor } from '../../hub/src/journal/journal-cursor.js'
import { BatchWriter } from '../../hub/src/store/batch-writer.js'
import { holdBackWhile } from '../../hub/src/store/hold-back.js'
import { eventually, influxQuery } from '../support/hub-harness.js'

const quiet = { info() {}, warn() {} }

/** The journal written to a real influxd while ingest is saturated, then after it eases. */
describe('batch writer held back while ingest is saturated', () => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  /** A real journal (segments of 200 KB) and a writer to a fresh database of the test influxd. */
  async function journalAndWriter(name: string, maxBytes: number, holdBack: (journal: Journal) => () => boolean) {
    const url = inject('influxUrl')
    const db = `${name}_${process.pid}`
    await fetch(`${url}/query?q=${encodeURIComponent(`CREATE DATABASE "${db}"`)}`, { method: 'POST' })
    const dir = await mkdtemp(join(tmpdir(), 'smartpark-holdback-'))
    const journal = new Journal({ dir, maxBytes, segmentBytes: 200 * 1024 })
    journal.open()
    const writtenAt: number[] = []
    const writer = new BatchWriter({
      url, db, batchPoints: 5000, flushMs: 50, concurrency: 2, log: quiet,
      source: new JournalCursor(journal),
      holdBack: holdBack(journal),
      onWritten: (b) => {
        if (b.lines > 0) writtenAt.push(performance.now())
        journal.written(b.segment, b.bytes, b.lines)
      },
    })
    journal.onCommit = () => writer.poke()
    cleanups.push(async () => {
      await writer.close(10_000)
      journal.close()
      await rm(dir, { recursive: true, force: true })
    })
    // 40,000 points (≈ 1.5 MB): eight full batches, which an unheld writer lands in well under a second.
    const fill = (): void => {
      const base = Date.now() - 3_600_000
      for (let k = 0; k < 8; k++) journal.append(Array.from({ length: 5000 }, (_, i) => `hold,device=d${i % 50} v=${k * 5000 + i} ${base + k * 5000 + i}`), false)
    }
    const stored = async (): Promise<unknown> => (await influxQuery(url, db, 'SELECT count("v") FROM "hold"'))[0]!.values[0]![1]
    return { journal, writer, writtenAt, fill, stored }
  }

  it('writes one batch every 250 ms while held, then catches up, every point stored once', async () => {
    let held = true
    const { writer, writtenAt, fill, stored } = await journalAndWriter('holdback', 256 * 1024 * 1024, () => () => held)
    const t0 = performance.now()
    fill()
    await eventually(async () => (writtenAt.length >= 4 ? true : undefined))
    expect(writer.heldBack).toBe(true)
    // The k-th batch cannot start before k × 250 ms, so it cannot land before then either.
    for (let k = 1; k < 4; k++) expect(writtenAt[k]! - t0).toBeGreaterThanOrEqual(k * 250 - 5)
    expect(writer.depth).toBeGreaterThan(0)

    held = false
    writer.poke()
    await eventually(async () => (writer.depth === 0 && writer.stats.pointsWritten === 40_000 ? true : undefined))
    expect(writer.heldBack).toBe(false)
    expect(await stored()).toBe(40_000)
  })

  it('gives InfluxDB full speed while the journal is over half full, saturated or not', async () => {
    // A 2 MB journal: the 40,000 points fill three quarters of it.
    let saturated = true
    const { journal, writer, fill, stored } = await journalAndWriter('holdback_full', 2 * 1024 * 1024, (j) => holdBackWhile(() => saturated, j))
    fill()
    expect(journal.usage()).toBeGreaterThan(0.5)
    expect(writer.heldBack).toBe(false)
    // Written at full speed down to half full; held from there, with points still to write.
    await eventually(async () => (writer.heldBack ? true : undefined))
    expect(journal.usage()).toBeLessThan(0.5)
    expect(writer.stats.pointsWritten).toBeGreaterThanOrEqual(10_000)
    expect(writer.depth).toBeGreaterThan(0)

    saturated = false
    writer.poke()
    await eventually(async () => (writer.depth === 0 && writer.stats.pointsWritten === 40_000 ? true : undefined))
    expect(await stored()).toBe(40_000)
  })
})
