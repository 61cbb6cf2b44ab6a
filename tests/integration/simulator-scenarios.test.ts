import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { fileURLToPath } from 'node:url'
import type { Alarm } from '../../hub/src/model/alarm.js'
import type { Incident } from '../../hub/src/model/incident.js'
import { followOutput } from '../support/child-output.js'
import { ADMIN_PASSWORD, api, startTestHub, type TestHub } from '../support/hub-harness.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const CLI = `${root}simulators/src/cli.ts`
/** The simulator CLI's arguments against the test hub, then `args`. */
const simArgs = (t: TestHub, args: string[]): string[] => ['--url', t.mqttUrl, '--api', t.http, '--user', 'admin', '--password', ADMIN_PASSWORD, '--quiet', ...args]

/** Run the simulator CLI against the test hub, as a user would with `npm run sim`. */
function sim(t: TestHub, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(`${root}node_modules/.bin/tsx`, [CLI, ...simArgs(t, args)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`sim exited ${code}: ${out.slice(-2000)}`))))
  })
}

/**
 * The simulator CLI as the start script runs it (node with tsx's loader: one process that gets
 * each signal once), with `said(text)` resolving once its output contains `text`.
 */
function startSim(args: string[]): { child: ChildProcess; said: (text: string) => Promise<void>; out: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  return { child, ...followOutput(child), exited: new Promise((resolve) => child.once('exit', resolve)) }
}

describe('simulated scenarios against a real hub', () => {
  let t: TestHub
  beforeAll(async () => {
    // Devices the scenario does not play stay silent; keep them from going offline mid-test.
    t = await startTestHub({ env: { HUB_DEADMAN_INTERVALS: '1000' } })
  })
  afterAll(async () => t.stop())

  it('a normal day raises nothing above blue', async () => {
    const out = await sim(t, ['--scenario', 'normal-day', '--speed', '120', '--duration', '10s', '--seed', '3'])
    expect(out).toMatch(/sent/i)
    const alarms = (await api<{ alarms: Alarm[] }>(t, 'GET', '/api/v1/alarms?state=all')).body.alarms
    // At its end the simulator takes its devices offline (retained `offline`): those alarms (one per device, or one communications alarm for many) are the stop, not the day.
    expect(alarms.filter((a) => a.level < 4 && a.type !== 'device_offline' && a.type !== 'communications_loss').map((a) => `${a.type} ${a.device} L${a.level}`)).toEqual([])
    const h = (await (await fetch(`${t.http}/api/v1/health`, { headers: { authorization: `Bearer ${t.adminToken}` } })).json()) as { ingest: { accepted: number; rejected: number } }
    expect(h.ingest.accepted).toBeGreaterThan(1000)
    expect(h.ingest.rejected).toBe(0)
  })

  it('a leak that ignites gives gas and fire alarms, an incident, and the valve command — confirmed by the operator — reaches the valves', async () => {
    const run = sim(t, ['--scenario', 'leak-ignites', '--speed', '40', '--seed', '1'])
    // The operator in the control room confirms the plan's valve proposals as they appear
    // (GB/T 50493 §3.0.8: the hub proposes, a person confirms); polled until the run ends.
    let running = true
    void run.then(() => (running = false), () => (running = false))
    const confirmed: string[] = []
    while (running) {
      const open = (await api<{ incidents: Incident[] }>(t, 'GET', '/api/v1/incidents?state=open&park=vtc')).body.incidents
      for (const i of open) {
        for (const c of i.commands.filter((x) => x.state === 'proposed' && x.command === 'close_valve')) {
          if ((await api(t, 'POST', `/api/v1/incidents/${i.id}/commands/${c.id}/confirm`, {})).status === 200) confirmed.push(c.id)
        }
      }
      await new Promise((r) => setTimeout(r, 200))
    }
    await run
    expect(confirmed.length).toBeGreaterThan(0)
    const alarms = (await api<{ alarms: Alarm[] }>(t, 'GET', '/api/v1/alarms?state=all&park=vtc')).body.alarms
    const types = new Set(alarms.map((a) => a.type))
    expect(types.has('gas_high')).toBe(true)
    expect([...types].some((x) => x === 'fire' || x === 'fire_confirmed')).toBe(true)
    expect(alarms.some((a) => a.level === 1)).toBe(true)
    const incidents = (await api<{ incidents: Incident[] }>(t, 'GET', '/api/v1/incidents?park=vtc')).body.incidents
    expect(incidents.length).toBeGreaterThan(0)
    const valves = incidents.flatMap((i) => i.commands).filter((c) => c.command === 'close_valve')
    expect(valves.map((c) => c.id).sort()).toEqual([...confirmed].sort())
    expect(valves.every((c) => c.confirmedBy === 'admin' && !c.automatic)).toBe(true)
    // The simulated devices acknowledge, and the closed valve lets the leak decay: the gas alarms clear.
    expect(valves.every((c) => c.state === 'acknowledged' && c.ackedAt !== undefined)).toBe(true)
    const gas = alarms.filter((a) => a.type === 'gas_high')
    expect(gas.some((a) => a.condition === 'cleared')).toBe(true)
  }, 240_000)

  it('detectors flagging D and C raise device_fault (cleared when valid values return) and out_of_service, a spike one latched orange alarm, never red; an inert-gas purge raises o2_low, never gas_confirmed', async () => {
    // Two parks at once, each its own simulator (their devices apart): the faults in nsc, the
    // purge by mbi's hydrogen-station oxygen detector. 12.5 s at ×40 is 500 simulated seconds:
    // the fault (D, 90–390 s) and the calibration (C, 150–390 s) end inside it, and oxygen is
    // below 19.5 %VOL from about 80 s.
    const started = Date.now()
    await Promise.all([
      sim(t, ['--scenario', 'sensor-faults', '--parks', 'nsc', '--speed', '40', '--duration', '12.5s', '--seed', '1']),
      sim(t, ['--scenario', 'oxygen-deficiency', '--parks', 'mbi', '--speed', '40', '--duration', '12.5s', '--seed', '1']),
    ])
    const alarmsOf = async (park: string) => (await api<{ alarms: Alarm[] }>(t, 'GET', `/api/v1/alarms?state=all&park=${park}`)).body.alarms
    const nsc = await alarmsOf('nsc')
    const faults = nsc.filter((a) => a.type === 'device_fault' && a.device.includes('-gas-'))
    expect(faults.map((a) => [a.device, a.level, a.class, a.condition])).toEqual([['nsc-pw02-gas-001', 3, 'device-health', 'cleared']])
    // (A CEMS stack's own daily calibration may show here too: the gas detectors' are the scenario's.)
    const calibration = nsc.filter((a) => a.type === 'out_of_service' && a.device.includes('-gas-'))
    expect(calibration.map((a) => [a.device, a.level, a.class, a.condition])).toEqual([['nsc-rc01-gas-001', 4, 'device-health', 'cleared']])
    // The one spike (inside the range, short of the second level) is a nuisance first-level
    // alarm: orange, not over range, cleared at the next reading and latched for a reset. The
    // span gas under C and the stuck reading raise no gas or fire alarm.
    const safety = nsc.filter((a) => a.class === 'life-safety')
    expect(safety.map((a) => [a.type, a.device, a.peakLevel, a.overRange, a.condition, a.latched])).toEqual([['gas_high', 'nsc-rc01-gas-004', 2, false, 'cleared', true]])
    const mbi = await alarmsOf('mbi')
    const o2 = mbi.filter((a) => a.type === 'o2_low')
    expect(o2.map((a) => [a.device, a.level, a.class])).toEqual([['mbi-h02-gas-002', 2, 'life-safety']])
    expect(mbi.filter((a) => a.type === 'gas_confirmed' || a.type === 'gas_high' || a.type === 'gas_fire')).toEqual([])
    expect(Date.now() - started).toBeLessThan(45_000)
  }, 90_000)

  it('stopped as `npm start` stops it (SIGINT to the group, then SIGTERM from the start script), it stops cleanly, not at once', async () => {
    const sim = startSim(simArgs(t, ['--scenario', 'normal-day']))
    await sim.said('live:')
    sim.child.kill('SIGINT')
    // The start script's SIGTERM comes after the Ctrl-C, while the simulators are stopping.
    await sim.said('SIGINT: stopping cleanly')
    sim.child.kill('SIGTERM')
    expect(await sim.exited).toBe(0)
    expect(sim.out()).toContain('SIGINT: stopping cleanly')
    expect(sim.out()).not.toContain('leaving at once')
  }, 60_000)

  it('a Ctrl-C while the devices wait for a broker that does not answer stops at once, cleanly, without waiting out their connect timeout (30 s)', async ({ onTestFinished }) => {
    // A broker's address that takes connections and never answers them (a hung broker, a
    // firewall that drops): each device waits for its CONNACK.
    const sockets: Socket[] = []
    let reached: () => void = () => undefined
    const firstConnection = new Promise<void>((resolve) => (reached = resolve))
    const server = createServer((socket) => {
      sockets.push(socket)
      reached()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port
    // The hub's API refuses (nothing listens there): the run's summary says it is unknown.
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const apiPort = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const sim = startSim(['--url', `mqtt://127.0.0.1:${port}`, '--api', `http://127.0.0.1:${apiPort}`, '--quiet', '--scenario', 'normal-day'])
    // Also after a failure or a timeout: nothing of the test is left running.
    onTestFinished(async () => {
      if (sim.child.exitCode === null) sim.child.kill('SIGKILL')
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    })
    await firstConnection
    sim.child.kill('SIGINT')
    expect(await sim.exited).toBe(0)
    expect(sim.out()).toContain('SIGINT: stopping cleanly')
    expect(sim.out()).toContain('stopping: every device announces offline and disconnects')
    expect(sim.out()).not.toContain('leaving at once')
  }, 20_000)
})
