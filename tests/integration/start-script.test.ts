/**
 * `npm start` (scripts/start.mjs) as the README's quick start runs it: the hub with its own
 * InfluxDB and the demo zone's simulators, then Ctrl-C in its terminal (SIGINT to its whole
 * process group). Everything stops cleanly: the simulators announce their devices offline and
 * print their summary, the hub closes, nothing of the group is left.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { followOutput } from '../support/child-output.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** A TCP port free at the moment (the start script needs to know its ports to wait for the hub). */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('npm start, stopped with Ctrl-C', () => {
  it('stops the simulators cleanly (their summary, no "leaving at once"), then the hub; nothing is left', async ({ onTestFinished }) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'smartpark-start-'))
    const env = {
      ...process.env,
      HUB_HTTP_PORT: String(await freePort()),
      HUB_MQTT_PORT: String(await freePort()),
      HUB_HJ212_PORT: String(await freePort()),
      HUB_DATA_DIR: dataDir,
      HUB_ADMIN_PASSWORD: 'start-script-admin-pw',
      HUB_LOG_LEVEL: 'warn',
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

    // The simulators play the demo once every device is up.
    await said('live:')
    process.kill(-child.pid!, 'SIGINT')
    expect(await exited).toBe(0)
    expect(out()).toMatch(/SIG(INT|TERM): stopping cleanly/)
    expect(out()).toContain('stopping: every device announces offline and disconnects')
    expect(out()).toContain('── summary ──')
    expect(out()).not.toContain('leaving at once')
    // Nothing of the group is left: no simulator, no hub, no influxd.
    await expect.poll(() => {
      try {
        process.kill(-child.pid!, 0)
        return 'running'
      } catch {
        return 'gone'
      }
    }).toBe('gone')
  }, 180_000)
})
