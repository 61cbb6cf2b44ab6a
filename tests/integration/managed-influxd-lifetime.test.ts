import { afterAll, describe, expect, it } from 'vitest'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectMqtt, eventually, influxQuery, login } from '../support/hub-harness.js'
import { startHubProcess, type HubProcess } from '../support/hub-process.js'
import { influxdsOn, running } from '../../hub/src/store/influxd-lock.js'

const PASSWORD = 'lifetime-admin-password'

/** The watchdog shells whose parent is this pid (Linux /proc). */
async function watchdogsOf(parent: number): Promise<number[]> {
  const out: number[] = []
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8')
      const ppid = Number(stat.replace(/^\d+ \(.*\) /, '').split(' ')[1])
      const cmd = await readFile(`/proc/${name}/cmdline`, 'utf8')
      if (ppid === parent && cmd.includes("trap '' INT HUP")) out.push(Number(name))
    } catch {
      /* gone */
    }
  }
  return out
}

describe('the managed influxd never outlives a crashed hub, and one data dir has one influxd', () => {
  const hubs: HubProcess[] = []
  let dataDir = ''
  const conf = () => join(dataDir, 'influxdb', 'influxdb.conf')
  const lockOwner = async () => JSON.parse(await readFile(join(dataDir, 'influxdb', 'hub.lock'), 'utf8')) as { hubPid: number; influxdPid: number }

  afterAll(async () => {
    for (const h of hubs) await h.kill9().catch(() => undefined)
    // Nothing of this test left running, whatever failed.
    for (const pid of influxdsOn(conf())) process.kill(pid, 'SIGKILL')
    await rm(dataDir, { recursive: true, force: true })
  })

  async function start(): Promise<HubProcess> {
    const h = await startHubProcess({ HUB_DATA_DIR: dataDir, HUB_ADMIN_PASSWORD: PASSWORD, INFLUX_URL: undefined, INFLUX_DB: 'lifetime', HUB_WRITE_FLUSH_MS: '50' }, { ownGroup: true })
    hubs.push(h)
    return h
  }

  async function storedCount(h: HubProcess, token: string): Promise<number> {
    const health = (await (await fetch(`${h.http}/api/v1/health`, { headers: { authorization: `Bearer ${token}` } })).json()) as { influx: { url: string } }
    const s = (await influxQuery(health.influx.url, 'lifetime', `SELECT count("lel") FROM "gas" WHERE "device" = 'life-gas-1'`))[0]
    return (s?.values[0]?.[1] as number | undefined) ?? 0
  }

  it('kill -9 of the hub: its influxd is gone within seconds; a start after a hub and its watchdog both died stops the left-over influxd first; data intact', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'smartpark-lifetime-'))
    const a = await start()
    // Health without a token: only up or degraded.
    const bare = (await (await fetch(`${a.http}/api/v1/health`)).json()) as object
    expect(Object.keys(bare)).toEqual(['status'])
    const token = await login(a.http, 'admin', PASSWORD)
    const created = await fetch(`${a.http}/api/v1/devices`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'life-gas-1', kind: 'gas', park: 'vtc', enterprise: 'vtc-ti01', name: 'x', metrics: ['lel'], position: { x: 0, y: 0 }, interval: 5 }),
    })
    expect(created.status).toBe(201)
    const { secret } = (await created.json()) as { secret: string }
    const c = await connectMqtt(a.mqttUrl, { username: 'life-gas-1', password: secret })
    await c.publishAsync('parks/vtc/vtc-ti01/life-gas-1/telemetry', JSON.stringify({ ts: Date.now() - 5000, values: { lel: 1 } }), { qos: 1 })
    await c.publishAsync('parks/vtc/vtc-ti01/life-gas-1/telemetry', JSON.stringify({ ts: Date.now() - 4000, values: { lel: 2 } }), { qos: 1 })
    c.end(true)
    await eventually(async () => (await storedCount(a, token)) === 2, 10_000, 'two readings stored')

    const first = await lockOwner()
    expect(first.hubPid).toBe(a.child.pid)
    expect(influxdsOn(conf())).toEqual([first.influxdPid])
    await a.kill9()
    // The watchdog sees the hub's pipe close and stops influxd (SIGTERM; SIGKILL after 10 s).
    await eventually(() => !running(first.influxdPid) || undefined, 15_000, `influxd ${first.influxdPid} gone after the hub's kill -9`)
    expect(influxdsOn(conf())).toEqual([])

    // Again, with the watchdog killed too (as by an OOM killer taking both): influxd is left running.
    const b = await start()
    const second = await lockOwner()
    expect(second.hubPid).toBe(b.child.pid)
    const dogs = await watchdogsOf(b.child.pid!)
    expect(dogs.length).toBe(1)
    process.kill(dogs[0]!, 'SIGKILL')
    await b.kill9()
    expect(running(second.influxdPid)).toBe(true)
    expect(influxdsOn(conf())).toEqual([second.influxdPid])

    // The next start finds it, stops it, says so, and runs exactly one influxd on this data.
    const c2 = await start()
    expect(running(second.influxdPid)).toBe(false)
    const third = await lockOwner()
    expect(third.hubPid).toBe(c2.child.pid)
    expect(influxdsOn(conf())).toEqual([third.influxdPid])
    expect(c2.output()).toMatch(/taking over the managed InfluxDB lock/)
    // (It may have ended on its own meanwhile: its stderr was a pipe to the dead hub, and a log
    // line there ends it with SIGPIPE. The stopping itself is tested in tests/unit/store/influxd-lock.test.ts.)
    const token2 = await login(c2.http, 'admin', PASSWORD)
    expect(await storedCount(c2, token2)).toBe(2)

    // A clean stop gives the lock back and leaves no influxd.
    await c2.stop()
    expect(influxdsOn(conf())).toEqual([])
    await expect(readFile(join(dataDir, 'influxdb', 'hub.lock'), 'utf8')).rejects.toThrow()
  }, 90_000)
})
