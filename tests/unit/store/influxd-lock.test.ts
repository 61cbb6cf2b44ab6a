import { afterEach, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InfluxdLock, InfluxdLockHeld, influxdsOn, running } from '../../../hub/src/store/influxd-lock.js'

const quiet = { info: () => undefined, warn: () => undefined }

describe('the managed influxd lock: one influxd per data dir', () => {
  const dirs: string[] = []
  const children: ChildProcess[] = []
  const dir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'smartpark-lock-'))
    dirs.push(d)
    return d
  }
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL')
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  it('is created 0600 with the hub pid, and released on a clean stop', async () => {
    const d = dir()
    const lock = new InfluxdLock(d, join(d, 'influxdb.conf'), quiet)
    await lock.acquire()
    expect(statSync(lock.path).mode & 0o777).toBe(0o600)
    lock.setInfluxd(4242)
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({ hubPid: process.pid, influxdPid: 4242 })
    lock.release()
    expect(() => statSync(lock.path)).toThrow()
  })

  it('refuses a data dir whose lock a live hub holds, naming its pid', async () => {
    const d = dir()
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' })
    children.push(other)
    writeFileSync(join(d, 'hub.lock'), JSON.stringify({ hubPid: other.pid, influxdPid: undefined, since: Date.now() }))
    const lock = new InfluxdLock(d, join(d, 'influxdb.conf'), quiet)
    await expect(lock.acquire()).rejects.toThrow(InfluxdLockHeld)
    await expect(lock.acquire()).rejects.toThrow(new RegExp(`hub process ${other.pid}`))
  })

  it('takes over the lock of a hub that is gone, with a log line', async () => {
    const d = dir()
    const gone = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' })
    await new Promise((r) => gone.once('exit', r))
    writeFileSync(join(d, 'hub.lock'), JSON.stringify({ hubPid: gone.pid, influxdPid: gone.pid, since: 0 }))
    const lines: string[] = []
    const lock = new InfluxdLock(d, join(d, 'influxdb.conf'), { info: () => undefined, warn: (_o, m) => void lines.push(m) })
    await lock.acquire()
    expect(lines).toContain('taking over the managed InfluxDB lock of a hub that is gone')
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).hubPid).toBe(process.pid)
  })

  /** A stand-in influxd: node under the name influxd, with `-config <conf>` in its command line. */
  function fakeInfluxd(d: string, conf: string): ChildProcess {
    const bin = join(d, 'influxd')
    symlinkSync(process.execPath, bin)
    const c = spawn(bin, ['-e', 'setInterval(() => {}, 1000)', '--', '-config', conf], { stdio: 'ignore' })
    children.push(c)
    return c
  }

  it('stops the influxd a dead hub left on this data (from its lock, or found by its config) before a new one', async () => {
    const d = dir()
    const conf = join(d, 'influxdb.conf')
    const left = fakeInfluxd(d, conf)
    // Until its command line shows (exec done), with a deadline.
    for (const until = Date.now() + 5000; !influxdsOn(conf).includes(left.pid!) && Date.now() < until; ) await new Promise((r) => setTimeout(r, 20))
    expect(influxdsOn(conf)).toEqual([left.pid])
    const lines: string[] = []
    const lock = new InfluxdLock(d, conf, { info: () => undefined, warn: (_o, m) => void lines.push(m) })
    // No lock file at all: found by its command line.
    await lock.acquire()
    expect(running(left.pid!)).toBe(false)
    expect(lines).toContain('stopping an influxd left running on this data by a hub that is gone')
  })
})
