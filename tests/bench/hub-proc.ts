/**
 * The hub as a bench runs it: its own process, compiled (`node dist/hub/src/main.js`, rebuilt
 * first when a source is newer), with the bench's options for Node; and what the bench reads of
 * it from outside (CPU time and peak RSS from /proc, health over HTTP).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { appendFile, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { profileFlags } from '../support/profile-flags.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
/** A numeric option `--name N` of the bench command line. */
export const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}

/** The hub as it runs in production: compiled, rebuilt first when stale. */
function hubMain(): string {
  const main = join(root, 'dist/hub/src/main.js')
  // Compiles only when a source is newer than the build (a stale build would measure old code).
  spawnSync(process.execPath, [join(root, 'scripts/ensure.mjs'), '--hub'], { stdio: 'inherit' })
  if (!existsSync(main)) throw new Error('the hub did not compile (npm run build)')
  return main
}

export interface HubProc {
  child: ChildProcess
  http: string
  mqtt: string
  pid: number
  /** Date.now() when the process was started: what a CPU profile's times count from (within the runtime's start-up). */
  startedAt: number
}

export function startHub(env: Record<string, string>): Promise<HubProc> {
  return new Promise((resolve, reject) => {
    const heap = arg('heap-mb', 0)
    const profile = profileFlags()
    const flags = process.argv.includes('--hub-flags') ? process.argv[process.argv.indexOf('--hub-flags') + 1]!.split(' ').filter(Boolean) : []
    // As `npm start` runs it (scripts/start.mjs): one V8 helper thread.
    const startedAt = Date.now()
    const child = spawn(process.execPath, ['--v8-pool-size=1', ...(heap > 0 ? [`--max-old-space-size=${heap}`] : []), ...profile, ...flags, hubMain()], {
      cwd: root, env: { ...process.env, HUB_HOST: '127.0.0.1', HUB_HTTP_PORT: '0', HUB_MQTT_PORT: '0', HUB_LOG_LEVEL: 'error', ...env }, stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      if (process.env.BENCH_HUB_STDOUT) void appendFile(process.env.BENCH_HUB_STDOUT, d)
      const m = /ready: http:\/\/localhost:(\d+)\/\s+mqtt:\/\/localhost:(\d+)/.exec(out)
      if (m) resolve({ child, http: `http://127.0.0.1:${m[1]}`, mqtt: `mqtt://127.0.0.1:${m[2]}`, pid: child.pid!, startedAt })
    })
    child.once('exit', (c) => reject(new Error(`hub exited ${c}: ${out.slice(-1000)}`)))
  })
}

export function cpuSeconds(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/stat`, 'utf8').then((s) => {
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ')
    return (Number(f[11]) + Number(f[12])) / 100
  })
}

/** Linux: writing 5 to clear_refs resets the process's peak RSS (VmHWM), so each phase has its own. */
export async function resetPeakRss(pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, '5').catch(() => undefined)
}

export async function peakRssMb(pid: number): Promise<number> {
  const s = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmHWM:\s+(\d+)/.exec(s)![1]) / 1024
}


export async function health(http: string): Promise<{ ingest: { accepted: number; rejected: number; rejectsByReason: Record<string, number> }; store: { queueDepth: number; pointsWritten: number; heldBack: boolean }; influx: { writeErrors: number; lastError: string }; journal: { slowestWriteMs: number }; process: { rssMb: number; heapUsedMb: number; heldPublishes: number; waitingBytes: number; pausedConnections: number; eventLoopDelayMs: { p50: number; p99: number; max: number } } }> {
  // Health's details are for a signed-in admin; the bench signs in once per hub.
  let token = adminTokens.get(http)
  if (!token) {
    const login = await fetch(`${http}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'bench-admin-password' }) })
    token = ((await login.json()) as { token: string }).token
    adminTokens.set(http, token)
  }
  return (await fetch(`${http}/api/v1/health`, { headers: { authorization: `Bearer ${token}` } })).json() as never
}
const adminTokens = new Map<string, string>()

/** Stops the hub and waits for it to exit. */
export async function stopHub(hub: HubProc): Promise<void> {
  hub.child.kill('SIGTERM')
  await new Promise((r) => hub.child.once('exit', r))
}

/** A bench's result: a table of figures, then one JSON line of them all. */
export function printFigures(rows: readonly [string, string][], figures: object): void {
  const w = Math.max(...rows.map((r) => r[0].length))
  process.stdout.write(`\n${rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n')}\n\n${JSON.stringify(figures)}\n`)
}
