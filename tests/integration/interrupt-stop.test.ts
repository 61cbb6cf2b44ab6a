import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectMqtt } from '../support/hub-harness.js'
import { startHubProcess, type HubProcess } from '../support/hub-process.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }

/** Ctrl-C in the terminal a hub was started from: SIGINT to its whole process group. */
describe('a hub with its own InfluxDB, stopped with Ctrl-C', () => {
  let dataDir: string
  let hub: HubProcess | undefined
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'smartpark-interrupt-'))
  })
  afterAll(async () => {
    if (hub?.child.exitCode === null) await hub.stop()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('stops its influxd itself after its last writes: influxd does not quit first, nothing is left to replay', async () => {
    // No INFLUX_URL: the hub supervises an influxd of its own, started from the hub's process.
    const env = { HUB_DATA_DIR: dataDir, INFLUX_URL: undefined, HUB_ADMIN_PASSWORD: 'interrupt-admin-pw', HUB_LOG_LEVEL: 'info' }
    hub = await startHubProcess(env, { ownGroup: true })
    const device = 'vtc-ti01-gas-009'
    const c = await connectMqtt(hub.mqttUrl, { username: device, password: (credentials.devices as Record<string, string>)[device]! })
    const base = Date.now() - 60_000
    for (let i = 0; i < 200; i++) await c.publishAsync(`parks/vtc/vtc-ti01/${device}/telemetry`, JSON.stringify({ ts: base + i * 10, values: { lel: 1 } }), { qos: 1 })
    c.end(true)

    const code = await hub.interrupt()
    const out = hub.output()
    expect(code).toBe(0)
    expect(out).toContain('"signal":"SIGINT"')
    // Sharing the hub's group, influxd took the same SIGINT, quit before the hub's last write,
    // and the supervisor set about restarting it.
    expect(out).not.toContain('influxd exited; restarting')
    expect(out).not.toContain('influx write failed')
    // Nothing of the hub's group is left: influxd was stopped by the hub.
    expect(() => process.kill(-hub!.child.pid!, 0)).toThrow()

    // Started again, it finds nothing left in its journal to replay: everything was written.
    hub = await startHubProcess(env, { ownGroup: true })
    expect(hub.output()).not.toContain('replaying the journal')
    // Interrupted the moment it is ready, it still closes (exit 0), not killed by the signal.
    expect(await hub.interrupt()).toBe(0)
  })
})
