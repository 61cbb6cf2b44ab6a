/**
 * `npm run bench:notify`: how fast and how surely alarms reach people (docs/notifications.md,
 * issue targets). A program, not a test: it prints a table and one JSON line.
 *
 *  1. Alarm → request at the channel: a gas reading over the second set point (a level II
 *     life-safety alarm) is published over MQTT; the time until the notification's request
 *     arrives at the fake platform (simulators/src/channels/fake-platforms.ts), p50 / p99.
 *     Target p99 ≤ 2 s. Also from the alarm's raisedAt, which leaves out ingest.
 *  2. Escalation lateness: the same alarms, unacknowledged, escalate to tier 2 after 15 s and
 *     tier 3 after 30 s; each step's arrival at the fake platform against its due time (the
 *     `next.at` the hub announced, else raisedAt + afterMin). Target ≤ 5 s.
 *  3. kill -9: alarms mid-escalation, answers slowed so requests are in flight, the hub killed
 *     with SIGKILL and started again on the same data dir. Every step of every alarm must
 *     arrive (0 lost); duplicates are counted at the fake platform by message id, and per step
 *     (alarm, tier) at most one extra delivery is allowed.
 *
 * The hub is its own process (tests/support/hub-process.ts: tsx, so kill -9 hits the hub
 * itself), with a local influxd, a 600-device zone of the demo's parks, the demo's rosters, and a
 * policy whose tiers post to a signed webhook channel of the fake platforms (no platform rate
 * limit, so the figures are the hub's). Options: --alarms N (phases 1–2, default 30),
 * --crash-alarms N (phase 3, default 8), --quick (fewer alarms).
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt, { type MqttClient } from 'mqtt'
import YAML from 'yaml'
import type { Alarm } from '../../hub/src/model/alarm.js'
import type { NotifySettings } from '../../hub/src/model/notify.js'
import { InfluxdSupervisor } from '../../hub/src/store/influxd-supervisor.js'
import { FakePlatforms } from '../../simulators/src/channels/fake-platforms.js'
import { generateZone } from '../../simulators/src/zone/zone-generator.js'
import { demoNotify } from '../../simulators/src/zone/zone-notify.js'
import { startHubProcess, type HubProcess } from '../support/hub-process.js'

const quick = process.argv.includes('--quick')
const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const N_ALARMS = arg('alarms', quick ? 12 : 30)
const N_CRASH = arg('crash-alarms', quick ? 5 : 8)
/** Tier delays, minutes (the schema takes fractions): tiers at 0 s, 15 s and 30 s. */
const TIERS_MIN = [0, 0.25, 0.5] as const
const SPACING_MS = 1_500
const LEL_LEVEL_2 = 35 // %LEL: over the first set point (25), under the second (50): GB/T 50493-2019

const say = (m: string): void => void process.stderr.write(`[notify-bench] ${m}\n`)
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const ADMIN_PASSWORD = 'notify-bench-admin'
const HOOK_SECRET = randomBytes(24).toString('base64url')

function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!
}

interface Probe {
  device: string
  publishedAt: number
  alarm?: Alarm
  /** Due times the hub announced per tier (GET /alarms/:id/escalation `next.at`), with when each was read. */
  due: Map<number, { seen: number; at: number }[]>
}

interface LogEntry { id: string; kind: string; alarm?: string | null; tier: number; state: string; resent: boolean }

class Hub {
  token = ''
  constructor(public p: HubProcess) {}
  async login(): Promise<void> {
    const r = await fetch(`${this.p.http}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) })
    this.token = ((await r.json()) as { token: string }).token
  }
  async get<T>(path: string): Promise<T> {
    const r = await fetch(`${this.p.http}/api/v1${path}`, { headers: { authorization: `Bearer ${this.token}` } })
    if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`)
    return (await r.json()) as T
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'smartpark-notify-bench-'))
  const influx = new InfluxdSupervisor({ binary: process.env.INFLUXD_PATH ?? 'influxd', dataDir: join(dir, 'influxdb'), log: { info() {}, warn() {}, error() {} } })
  const fake = await FakePlatforms.start({ accounts: { webhook: { secret: HOOK_SECRET, header: 'X-Hub-Signature-256' } } })
  let hub: Hub | undefined
  try {
    await influx.start()
    const { zone, credentials } = generateZone({ devices: 600, seed: 1 })
    const parks = zone.parks.map((p) => p.id)
    const demo = demoNotify({ parks, sink: fake.origin, publicUrl: 'http://127.0.0.1:1' })
    const notify: NotifySettings = {
      allowHosts: ['127.0.0.1'],
      // Above any rate this bench raises: every alarm is its own message (no flood summaries).
      storm: { alarmsPerMinute: 10_000 },
      channels: [{ id: 'bench-hook', type: 'webhook', url: fake.url('webhook', 'bench'), signatureHeader: 'X-Hub-Signature-256', secretEnv: 'BENCH_HOOK_SECRET' }],
      rosters: demo.rosters!,
      policies: [{
        park: '*', classes: ['life-safety'], levels: [1, 2], repeatMin: 60,
        tiers: [
          { afterMin: TIERS_MIN[0], roles: ['duty_officer'], channels: ['bench-hook'] },
          { afterMin: TIERS_MIN[1], roles: ['shift_leader'], channels: ['bench-hook'] },
          { afterMin: TIERS_MIN[2], roles: ['safety_manager'], channels: ['bench-hook'] },
        ],
      }],
    }
    const zoneFile = join(dir, 'zone.yaml')
    await writeFile(zoneFile, YAML.stringify({ ...zone, notify }))
    const env = {
      HUB_CONFIG: zoneFile, HUB_DATA_DIR: join(dir, 'data'), INFLUX_URL: influx.url, HUB_ADMIN_PASSWORD: ADMIN_PASSWORD,
      HUB_DEADMAN_INTERVALS: '1000', BENCH_HOOK_SECRET: HOOK_SECRET, HUB_LOG_LEVEL: 'warn',
    }
    const start = async (): Promise<Hub> => {
      const h = new Hub(await startHubProcess(env))
      await h.login()
      return h
    }
    hub = await start()
    const gas = zone.devices.filter((d) => d.kind === 'gas' && d.metrics.includes('lel') && credentials.devices[d.id])
    if (gas.length < N_ALARMS + N_CRASH) throw new Error(`only ${gas.length} combustible-gas detectors`)
    const clients = new Map<string, MqttClient>()
    const publish = async (h: Hub, deviceId: string, lel: number): Promise<void> => {
      const d = zone.devices.find((x) => x.id === deviceId)!
      let c = clients.get(deviceId)
      if (!c) {
        c = await mqtt.connectAsync(h.p.mqttUrl, { username: d.id, password: credentials.devices[d.id]!, clientId: d.id, reconnectPeriod: 0 })
        clients.set(deviceId, c)
      }
      await c.publishAsync(`parks/${d.park}/${d.enterprise}/${d.id}/telemetry`, JSON.stringify({ values: { lel } }), { qos: 1 })
    }

    // Which alarm each probe raised, and the due times the hub announces for its next steps.
    const findAlarm = async (h: Hub, p: Probe): Promise<void> => {
      if (p.alarm) return
      const r = await h.get<{ alarms: Alarm[] }>(`/alarms?device=${encodeURIComponent(p.device)}&state=active`)
      p.alarm = r.alarms.find((a) => a.class === 'life-safety')
    }
    const watchDue = (h: () => Hub, probes: Probe[]): (() => void) => {
      let on = true
      void (async () => {
        while (on) {
          for (const p of probes) {
            try {
              await findAlarm(h(), p)
              if (!p.alarm) continue
              const e = await h().get<{ next: { tier: number; at: number } | null }>(`/alarms/${encodeURIComponent(p.alarm.id)}/escalation`)
              if (e.next) p.due.set(e.next.tier, [...(p.due.get(e.next.tier) ?? []), { seen: Date.now(), at: e.next.at }])
            } catch {
              // The hub is down (phase 3) or busy: ask again next round.
            }
          }
          await sleep(500)
        }
      })()
      return () => {
        on = false
      }
    }
    const logOf = async (h: Hub): Promise<LogEntry[]> => (await h.get<{ entries: LogEntry[] }>('/notify/log?limit=1000')).entries
    /** Per (alarm, tier): arrival times at the fake platform of that step's delivered requests. */
    const arrivals = (log: LogEntry[]): Map<string, number[]> => {
      const byMessage = new Map(log.filter((e) => e.alarm && e.kind !== 'repeat').map((e) => [e.id, `${e.alarm}#${e.tier}`]))
      const out = new Map<string, number[]>()
      for (const r of fake.delivered('webhook')) {
        const step = r.messageId ? byMessage.get(r.messageId) : undefined
        if (step) out.set(step, [...(out.get(step) ?? []), r.at])
      }
      return out
    }

    // ── Phases 1 and 2: alarm → request, and escalation lateness ──
    say(`phase 1–2: ${N_ALARMS} alarms, ${SPACING_MS} ms apart, each escalating at ${TIERS_MIN.map((m) => `${m * 60} s`).join(', ')}…`)
    const probes: Probe[] = gas.slice(0, N_ALARMS).map((d) => ({ device: d.id, publishedAt: 0, due: new Map() }))
    const stopWatch = watchDue(() => hub!, probes)
    for (const p of probes) {
      p.publishedAt = Date.now()
      await publish(hub, p.device, LEL_LEVEL_2)
      await sleep(SPACING_MS)
    }
    const lastDue = probes[probes.length - 1]!.publishedAt + TIERS_MIN[2] * 60_000
    await sleep(Math.max(0, lastDue - Date.now()) + 10_000)
    stopWatch()
    for (const p of probes) await findAlarm(hub, p)
    const steps1 = arrivals(await logOf(hub))
    const fromPublish: number[] = []
    const fromRaise: number[] = []
    const lateness: number[] = []
    let missing1 = 0
    for (const p of probes) {
      if (!p.alarm) {
        missing1 += TIERS_MIN.length
        continue
      }
      for (let tier = 0; tier < TIERS_MIN.length; tier++) {
        const at = steps1.get(`${p.alarm.id}#${tier}`)?.[0]
        if (at === undefined) {
          missing1++
          continue
        }
        if (tier === 0) {
          fromPublish.push(at - p.publishedAt)
          fromRaise.push(at - p.alarm.raisedAt)
        } else {
          // The due time announced last before the step arrived (after it, `next` may name a reminder of the same tier).
          const announced = (p.due.get(tier) ?? []).filter((d) => d.seen <= at).at(-1)?.at
          const due = announced ?? p.alarm.raisedAt + TIERS_MIN[tier]! * 60_000
          lateness.push(at - due)
        }
      }
    }

    // ── Phase 3: kill -9 in the middle of an escalation ──
    say(`phase 3: ${N_CRASH} alarms; kill -9 while their second steps are being sent (answers slowed to 2 s)…`)
    fake.reset()
    const crash: Probe[] = gas.slice(N_ALARMS, N_ALARMS + N_CRASH).map((d) => ({ device: d.id, publishedAt: 0, due: new Map() }))
    const stopWatch3 = watchDue(() => hub!, crash)
    for (const p of crash) {
      p.publishedAt = Date.now()
      await publish(hub, p.device, LEL_LEVEL_2)
      await sleep(500)
    }
    // The second steps fall due from 15 s on; with answers slowed to 2 s and one request in
    // flight per channel, they queue, and the kill at 17.5 s hits one mid-request: a resend
    // after the restart is possible, and counted. The third steps (30 s) fall due while the
    // hub is down or just after.
    const first = crash[0]!.publishedAt
    await sleep(Math.max(0, first + TIERS_MIN[1] * 60_000 - 2_000 - Date.now()))
    fake.outage('webhook', { delayMs: 2_000 })
    await sleep(Math.max(0, first + TIERS_MIN[1] * 60_000 + 2_500 - Date.now()))
    for (const p of crash) await findAlarm(hub, p).catch(() => undefined)
    for (const c of clients.values()) c.end(true)
    clients.clear()
    const killedAt = Date.now()
    await hub.p.kill9()
    say('hub killed (SIGKILL); starting it again on the same data dir…')
    fake.outage('webhook', false)
    hub = await start()
    const restartedAt = Date.now()
    const deadline = Date.now() + 120_000
    let steps3 = new Map<string, number[]>()
    for (;;) {
      for (const p of crash) await findAlarm(hub, p).catch(() => undefined)
      steps3 = arrivals(await logOf(hub))
      const complete = crash.every((p) => p.alarm && TIERS_MIN.every((_, tier) => (steps3.get(`${p.alarm!.id}#${tier}`)?.length ?? 0) > 0))
      if (complete || Date.now() > deadline) break
      await sleep(1_000)
    }
    stopWatch3()
    let lost = 0
    let duplicates = 0
    let worstPerStep = 0
    const lateAfterRestart: number[] = []
    for (const p of crash) {
      for (let tier = 0; tier < TIERS_MIN.length; tier++) {
        const got = p.alarm ? (steps3.get(`${p.alarm.id}#${tier}`) ?? []) : []
        if (got.length === 0) lost++
        duplicates += Math.max(0, got.length - 1)
        worstPerStep = Math.max(worstPerStep, got.length - 1)
        if (p.alarm && got.length > 0 && tier > 0) lateAfterRestart.push(Math.min(...got) - (p.alarm.raisedAt + TIERS_MIN[tier]! * 60_000))
      }
    }
    // Every message delivered since the phase began — the first phase's alarms, their reminders,
    // were mid-escalation too: duplicates by message id at the fake platform, and per step.
    const dupsById = [...fake.duplicates().values()].reduce((sum, n) => sum + n - 1, 0)
    const worstById = Math.max(0, ...[...fake.deliveries().values()].map((n) => n - 1))
    for (const got of steps3.values()) worstPerStep = Math.max(worstPerStep, got.length - 1)

    const fig = {
      alarms: probes.length,
      alarmToRequestP50Ms: Math.round(percentile(fromPublish, 50)),
      alarmToRequestP99Ms: Math.round(percentile(fromPublish, 99)),
      raisedToRequestP50Ms: Math.round(percentile(fromRaise, 50)),
      raisedToRequestP99Ms: Math.round(percentile(fromRaise, 99)),
      escalationSteps: lateness.length,
      escalationLatenessP50Ms: Math.round(percentile(lateness, 50)),
      escalationLatenessMaxMs: Math.round(Math.max(...lateness)),
      missingSteps: missing1,
      crashAlarms: crash.length,
      crashSteps: crash.length * TIERS_MIN.length,
      crashLost: lost,
      crashDuplicates: duplicates,
      crashDuplicatesById: dupsById,
      crashWorstDuplicatesPerStep: worstPerStep,
      crashWorstDuplicatesPerMessage: worstById,
      crashDownMs: restartedAt - killedAt,
      crashStepLatenessMaxMs: Math.round(Math.max(...lateAfterRestart)),
    }
    const ok = (b: boolean): string => (b ? 'met' : 'NOT MET')
    const row = (what: string, figure: string, target = ''): void => console.log(`${what.padEnd(50)} ${figure.padEnd(34)} ${target}`)
    console.log('')
    row('notifications', 'figure', 'target')
    row('alarm published → request at channel, p50 / p99', `${fig.alarmToRequestP50Ms} / ${fig.alarmToRequestP99Ms} ms`, `p99 ≤ 2000 ms: ${ok(fig.alarmToRequestP99Ms <= 2000)}`)
    row('alarm raisedAt → request at channel, p50 / p99', `${fig.raisedToRequestP50Ms} / ${fig.raisedToRequestP99Ms} ms`)
    row(`escalation step lateness, p50 / max (${fig.escalationSteps} steps)`, `${fig.escalationLatenessP50Ms} / ${fig.escalationLatenessMaxMs} ms`, `≤ 5000 ms: ${ok(fig.escalationLatenessMaxMs <= 5000)}`)
    row('steps missing (phases 1–2)', String(fig.missingSteps), `0: ${ok(fig.missingSteps === 0)}`)
    row('kill -9 mid-escalation: steps lost', `${fig.crashLost} of ${fig.crashSteps}`, `0: ${ok(fig.crashLost === 0)}`)
    row('kill -9: duplicates at the fake (by message id)', `${fig.crashDuplicatesById}; worst per step ${fig.crashWorstDuplicatesPerStep}, per message ${fig.crashWorstDuplicatesPerMessage}`, `≤ 1 per step: ${ok(Math.max(fig.crashWorstDuplicatesPerStep, fig.crashWorstDuplicatesPerMessage) <= 1)}`)
    row('kill -9: hub down (kill → ready again)', `${fig.crashDownMs} ms`)
    row('kill -9: latest step after its due time', `${fig.crashStepLatenessMaxMs} ms`, '(due while the hub was down)')
    console.log(JSON.stringify(fig))
  } finally {
    await hub?.p.stop().catch(() => undefined)
    await fake.close()
    await influx.stop().catch(() => undefined)
    await rm(dir, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
