import { afterAll, describe, expect, inject, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import mqtt from 'mqtt'
import { ADMIN_PASSWORD, eventually, login } from '../support/hub-harness.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }

/**
 * A hub whose process may open 600 descriptors (prlimit, as `ulimit -n 600` would) flooded with
 * 900 connections: the connection cap stays HUB_FD_RESERVE under the limit, so the hub keeps
 * descriptors for its own files — an alarm raised meanwhile is saved in its state log and the
 * hub stops cleanly, saving its state, while still flooded.
 */
const root = fileURLToPath(new URL('../..', import.meta.url))
const id = 'vtc-ti01-gas-011'
const secret = (credentials.devices as Record<string, string>)[id]!

describe('running out of descriptors', () => {
  let child: ChildProcess | undefined
  let dataDir = ''
  const flood: Socket[] = []
  afterAll(async () => {
    for (const s of flood) s.destroy()
    if (child && child.exitCode === null) child.kill('SIGKILL')
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  })

  it('never stops the safety loop from saving its state', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'smartpark-fd-'))
    let out = ''
    const proc = spawn('prlimit', ['--nofile=600:600', '--', process.execPath, '--import', 'tsx', `${root}hub/src/main.ts`], {
      cwd: root,
      env: { ...process.env, HUB_HOST: '127.0.0.1', HUB_HTTP_PORT: '0', HUB_MQTT_PORT: '0', HUB_LOG_LEVEL: 'warn', HUB_DATA_DIR: dataDir, HUB_ADMIN_PASSWORD: ADMIN_PASSWORD, HUB_FD_RESERVE: '200', HUB_DEADMAN_INTERVALS: '1000', INFLUX_URL: inject('influxUrl'), INFLUX_DB: `t_${randomBytes(6).toString('hex')}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child = proc
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)))
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()))
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()))
    const [, httpPort, mqttPort] = await eventually(() => /ready: http:\/\/localhost:(\d+)\/\s+mqtt:\/\/localhost:(\d+)/.exec(out) ?? (proc.exitCode !== null ? Promise.reject(new Error(out)) : undefined), 60_000, 'the hub to start')
    const http = `http://127.0.0.1:${httpPort}`
    const token = await login(http, 'admin', ADMIN_PASSWORD)
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { username: id, password: secret, clientId: id, reconnectPeriod: 0 })

    // 900 connections, half HTTP and half MQTT, from 127.0.0.2 (each held open without a byte).
    let connected = 0
    for (let i = 0; i < 900; i++) {
      const s = connect({ host: '127.0.0.1', port: Number(i % 2 ? mqttPort : httpPort), localAddress: '127.0.0.2' })
      s.on('error', () => undefined)
      s.resume()
      s.once('connect', () => connected++)
      flood.push(s)
    }
    await eventually(() => connected + flood.filter((s) => s.destroyed).length >= 900, 10_000, 'the flood to connect')
    const stillOpen = await eventually(() => {
      const open = flood.filter((s) => !s.destroyed && !s.readableEnded && !s.closed).length
      return open <= 400 ? open : undefined
    }, 10_000, 'the hub to refuse what is past its cap')
    console.log(`flood: ${stillOpen} of 900 held open, hub alive: ${proc.exitCode === null}`)

    // A reading over the first level while flooded: the alarm is raised and saved.
    await device.publishAsync(`parks/vtc/vtc-ti01/${id}/telemetry`, JSON.stringify({ values: { lel: 30 } }), { qos: 1 })
    const saved = await eventually(async () => (await readFile(join(dataDir, 'state', 'alarms.log'), 'utf8').catch(() => '')).includes(id), 5000, 'the alarm in its state log')
    expect(saved).toBe(true)
    expect(proc.exitCode).toBeNull()

    // Stopped while still flooded: the hub compacts its state logs (new files) and exits 0.
    device.end(true)
    proc.kill('SIGTERM')
    const code = await exited
    console.log(`stopped while flooded: exit code ${code}; output: ${out.slice(-3000)}`)
    expect(code).toBe(0)
    const snapshot = JSON.parse(await readFile(join(dataDir, 'state', 'alarms.snapshot.json'), 'utf8')) as unknown
    expect(JSON.stringify(snapshot)).toContain(id)
    void token
  })
})
