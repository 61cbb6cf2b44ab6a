/**
 * `npm start` fills the demo's history: the start script finds the managed influxd's address
 * in the config file the hub writes, the simulators start filling beside the live run and say
 * so, the hub's log reads as short lines (pino-pretty), and a Ctrl-C during the fill leaves a
 * marker the next start carries on from (demo-backfill.test.ts: what the carrying on writes).
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { readMarker } from '../../simulators/src/history/fill-marker.js'
import { followOutput } from '../support/child-output.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('npm start, first start', () => {
  it('fills history beside the live run, logs short lines, and keeps its place when stopped', async ({ onTestFinished }) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'smartpark-start-history-'))
    const env = {
      ...process.env,
      HUB_HTTP_PORT: String(await freePort()),
      HUB_MQTT_PORT: String(await freePort()),
      HUB_HJ212_PORT: String(await freePort()),
      NOTIFY_SINK_PORT: String(await freePort()),
      HUB_DATA_DIR: dataDir,
      HUB_ADMIN_PASSWORD: 'start-history-admin-pw',
      HUB_LOG_LEVEL: 'info',
      HUB_LOG_FORMAT: undefined,
      INFLUX_URL: undefined,
      HUB_CONFIG: undefined,
    }
    const child = spawn(process.execPath, [`${root}scripts/start.mjs`], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    const { said, out } = followOutput(child)
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    onTestFinished(async () => {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        // The group is gone already.
      }
      await rm(dataDir, { recursive: true, force: true })
    })

    await said('[history] filling 30.0d')
    // A progress line: points have gone into the hub's InfluxDB.
    await said(' points/s')
    process.kill(-child.pid!, 'SIGINT')
    expect(await exited).toBe(0)
    expect(out()).toMatch(/\[history\] (stopped at .* after [\d,]+ points; the next start carries on|done)/)
    // The hub's log as short lines, not JSON.
    expect(out()).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: hub listening /m)
    expect(out()).not.toMatch(/^\{"level":/m)
    expect(out()).not.toContain('incoming request')
    const marker = await readMarker(join(dataDir, 'demo-history.json'))
    expect(marker?.zone).toBe('pzh-vti')
    expect(marker!.until - marker!.from).toBe(30 * 86_400_000)
    expect(marker!.doneTo).toBeGreaterThanOrEqual(marker!.from)
  }, 240_000)
})
