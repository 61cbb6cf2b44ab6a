/**
 * The hub's own cost per reading, without the network: a whole hub in this process (10,000-device
 * zone, managed InfluxDB), readings handed to ingest the way the broker does, 200 devices per
 * event-loop turn. Prints CPU µs per reading and the garbage collector's share, so a change to
 * the hot path (validation, line building, journal, rules, live values) can be compared on a busy
 * machine too: CPU time per reading barely depends on what else runs.
 *
 *   npx tsx tests/bench/ingest-path.ts [--readings N]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PerformanceObserver } from 'node:perf_hooks'
import { generateZone } from '../../simulators/src/zone/zone-generator.js'
import { loadSettings } from '../../hub/src/config/settings.js'
import { startHub } from '../../hub/src/app.js'
import { decodeTopic, type DeviceTopic } from '../../hub/src/broker/topic-codec.js'

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const READINGS = arg('readings', 1_000_000)
const PER_TURN = 200
const say = (m: string): void => void process.stderr.write(`[ingest-path] ${m}\n`)

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'smartpark-ingest-path-'))
  const { zone } = generateZone({ devices: 10_000, seed: 7 })
  await writeFile(join(dir, 'zone.json'), JSON.stringify(zone))
  const settings = loadSettings({
    HUB_CONFIG: join(dir, 'zone.json'), HUB_DATA_DIR: join(dir, 'hub'), HUB_HOST: '127.0.0.1', HUB_HTTP_PORT: '0', HUB_MQTT_PORT: '0',
    HUB_ADMIN_PASSWORD: 'ingest-path-password', HUB_LOG_LEVEL: 'error',
  })
  say('starting a hub in this process…')
  const hub = await startHub(settings, { announceAdminPassword: () => undefined })
  try {
    const devices = zone.devices.filter((d) => d.metrics[0] === 'lel').slice(0, PER_TURN)
    const topics = devices.map((d) => {
      const raw = `parks/${d.park}/${d.enterprise}/${d.id}/telemetry`
      return { raw, t: decodeTopic(raw) as DeviceTopic }
    })
    const base = Date.now() - 2 * 3_600_000
    let seq = 0
    const run = async (n: number): Promise<void> => {
      for (let done = 0; done < n; done += PER_TURN) {
        for (const { raw, t } of topics) hub.ingest.handle(t, raw, Buffer.from(`{"ts":${base + seq},"values":{"lel":${(seq++ % 20) + 1}}}`), 0)
        // One turn of the event loop per round, as with 200 connections each delivering one message.
        await new Promise((r) => setImmediate(r))
      }
    }
    say('warming up…')
    await run(100_000)
    let gcMs = 0
    let gcs = 0
    const obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        gcMs += e.duration
        gcs++
      }
    })
    obs.observe({ entryTypes: ['gc'] })
    const accepted0 = hub.ingest.accepted
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    await run(READINGS)
    const wall = performance.now() - t0
    const cpu = process.cpuUsage(cpu0)
    obs.disconnect()
    const accepted = hub.ingest.accepted - accepted0
    const perReading = (cpu.user + cpu.system) / accepted
    process.stdout.write(
      `readings ${accepted} in ${(wall / 1000).toFixed(1)} s\n` +
        `CPU per reading   ${perReading.toFixed(2)} µs (user ${(cpu.user / accepted).toFixed(2)}, system ${(cpu.system / accepted).toFixed(2)})\n` +
        `GC                ${gcs} pauses, ${gcMs.toFixed(0)} ms (${((100 * gcMs) / wall).toFixed(1)} % of the time)\n` +
        `${JSON.stringify({ readings: accepted, cpuUsPerReading: Number(perReading.toFixed(2)), gcPauses: gcs, gcMs: Math.round(gcMs) })}\n`,
    )
  } finally {
    await hub.close()
    await rm(dir, { recursive: true, force: true })
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`)
  process.exit(1)
})
