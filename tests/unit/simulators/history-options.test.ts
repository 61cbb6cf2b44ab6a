/**
 * The history fill's command-line options and its marker: defaults from the environment, bad
 * values refused with the option named, a marker that is not one refused with what to do.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseCli } from '../../../simulators/src/cli-args.js'
import { readMarker, writeMarker, type FillMarker } from '../../../simulators/src/history/fill-marker.js'

describe('--history', () => {
  it('takes the InfluxDB from the options or the environment, the marker from the data dir', () => {
    expect(parseCli([], {}).history).toBeUndefined()
    const c = parseCli(['--history', '30d'], { INFLUX_URL: 'http://127.0.0.1:8086', INFLUX_DB: 'sp', HUB_DATA_DIR: '/var/lib/hub' })
    expect(c.history).toEqual({
      spanMs: 30 * 86_400_000, markerFile: '/var/lib/hub/demo-history.json',
      influx: { url: 'http://127.0.0.1:8086', db: 'sp', username: undefined, password: undefined }, duty: 0.5, maxPointsPerSec: Infinity,
    })
    const d = parseCli(['--history', '2d', '--influx', 'http://h:1', '--influx-db', 'x', '--history-marker', 'm.json', '--history-duty', '0.2', '--history-rate', '5000'], {})
    expect(d.history).toMatchObject({ spanMs: 2 * 86_400_000, markerFile: 'm.json', influx: { url: 'http://h:1', db: 'x' }, duty: 0.2, maxPointsPerSec: 5000 })
    expect(parseCli(['--history', '1d', '--influx', 'http://h:1'], {}).history?.markerFile).toBe('data/demo-history.json')
  })

  it('refuses what it cannot use', () => {
    expect(() => parseCli(['--history', '30d'], {})).toThrow(/--influx URL or INFLUX_URL/)
    expect(() => parseCli(['--history', '30d', '--influx', 'not a url'], {})).toThrow(/--influx: not a URL/)
    expect(() => parseCli(['--history', '30d', '--influx', 'http://h:1', '--history-duty', '2'], {})).toThrow(/--history-duty/)
    expect(() => parseCli(['--history', '30d', '--influx', 'http://h:1', '--history-rate', '0'], {})).toThrow(/--history-rate/)
  })
})

describe('history marker', () => {
  it('round-trips, and refuses a file that is not one', async ({ onTestFinished }) => {
    const dir = await mkdtemp(join(tmpdir(), 'history-marker-'))
    onTestFinished(() => rm(dir, { recursive: true, force: true }))
    const file = join(dir, 'sub', 'demo-history.json')
    expect(await readMarker(file)).toBeUndefined()
    const m: FillMarker = { version: 1, zone: 'z', seed: 1, from: 0, until: 100, doneTo: 50, points: 7, startedAt: 1, wallMs: 2 }
    await writeMarker(file, m)
    expect(await readMarker(file)).toEqual(m)
    await writeFile(file, '{')
    await expect(readMarker(file)).rejects.toThrow(/not JSON; delete it/)
    await writeFile(file, JSON.stringify({ ...m, doneTo: 500 }))
    await expect(readMarker(file)).rejects.toThrow(/not a history marker/)
  })
})
