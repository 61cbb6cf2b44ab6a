import { spawn, type ChildProcess } from 'node:child_process'
import { setPriority } from 'node:os'
import { mkdir, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import type { Writable } from 'node:stream'
import { InfluxdLock } from './influxd-lock.js'

/** The managed influxd's nice value (Linux: 0 normal … 19 lowest). */
const INFLUXD_NICE = 10

/**
 * A local `influxd` (InfluxDB 1.x) managed by the hub when INFLUX_URL is unset: its own
 * config file, loopback ports, data under the data dir, restarted if it dies, stopped with
 * the hub.
 */
export interface SupervisorOptions {
  binary: string
  dataDir: string
  /** HTTP API port on 127.0.0.1; 0 picks a free one. */
  httpPort?: number
  log: { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void }
  /**
   * influxd in a process group of its own, so a Ctrl-C in the terminal (sent to the whole
   * foreground group) reaches the hub only: the hub writes what it holds, then stops influxd.
   * Sharing the hub's group, influxd quit at once, the hub's last points stayed in the journal
   * for the next start, and the supervisor began restarting it. Killed with the hub's process
   * should the hub exit without stopping it.
   */
  ownProcessGroup?: boolean
}

/**
 * The watchdog: a shell that outlives the hub by a moment. It reads the pid of the running
 * influxd from its stdin, a pipe only the hub holds; when the hub is gone however it ended
 * (kill -9 included: the kernel closes the pipe), `read` sees the end of file and the watchdog
 * stops that influxd (SIGTERM, SIGKILL after 10 s). Linux's PR_SET_PDEATHSIG would do it in
 * one call but Node cannot reach it; Debian's influxd has no parent watch of its own. In the
 * influxd's process group, ignoring SIGINT and SIGHUP, so a Ctrl-C reaches the hub only.
 */
const WATCHDOG = `trap '' INT HUP
pid=0
while read -r line; do pid=$line; done
[ "$pid" -gt 0 ] 2>/dev/null || exit 0
kill -TERM "$pid" 2>/dev/null || exit 0
i=0
while kill -0 "$pid" 2>/dev/null; do
  i=$((i + 1))
  if [ "$i" -ge 100 ]; then kill -KILL "$pid" 2>/dev/null; exit 0; fi
  sleep 0.1
done`

export class InfluxdSupervisor {
  private child: ChildProcess | undefined
  private watchdog: ChildProcess | undefined
  private lock: InfluxdLock | undefined
  private stopping = false
  private restartTimer: NodeJS.Timeout | undefined
  restarts = 0
  port = 0
  readonly dir: string

  constructor(private readonly o: SupervisorOptions) {
    this.dir = join(o.dataDir, 'influxdb')
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  get pid(): number | undefined {
    return this.child?.pid
  }

  async start(): Promise<void> {
    this.port = this.o.httpPort || (await freePort())
    const rpcPort = await freePort()
    await mkdir(join(this.dir, 'meta'), { recursive: true })
    // One influxd on this data: a dead hub's is stopped, a live hub's stops this start.
    this.lock = new InfluxdLock(this.dir, this.configPath, this.o.log)
    await this.lock.acquire()
    const conf = configText(this.dir, this.port, rpcPort)
    await writeFile(this.configPath, conf)
    this.startWatchdog()
    this.spawnChild()
    await this.waitReady(60_000)
  }

  get configPath(): string {
    return join(this.dir, 'influxdb.conf')
  }

  private startWatchdog(): void {
    const dog = spawn('/bin/sh', ['-c', WATCHDOG], { stdio: ['pipe', 'ignore', 'ignore'], detached: this.o.ownProcessGroup ?? false })
    dog.on('error', (err) => this.o.log.warn({ err: err.message }, 'influxd watchdog not started: a hub killed outright leaves influxd running until its next start'))
    dog.stdin?.on('error', () => undefined)
    // Neither holds the hub's event loop open.
    dog.unref()
    ;(dog.stdin as (Writable & { unref?(): void }) | null)?.unref?.()
    this.watchdog = dog
  }

  /** The watchdog guards this pid (0: none). */
  private guard(pid: number | undefined): void {
    this.lock?.setInfluxd(pid)
    if (this.watchdog?.stdin?.writable) this.watchdog.stdin.write(`${pid ?? 0}\n`)
  }

  private spawnChild(): void {
    const child = spawn(this.o.binary, ['-config', this.configPath], { stdio: ['ignore', 'ignore', 'pipe'], detached: this.o.ownProcessGroup ?? false })
    this.child = child
    this.guard(child.pid)
    if (this.o.ownProcessGroup) process.once('exit', this.killOnExit)
    // Below the hub's CPU priority: on a small server the hub's alarms come before InfluxDB's
    // compactions, and the journal holds whatever InfluxDB has not taken yet.
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, INFLUXD_NICE)
      } catch {
        /* not permitted here: it keeps the hub's priority */
      }
    }
    let tail = ''
    child.stderr?.on('data', (d: Buffer) => {
      tail = (tail + d.toString()).slice(-2000)
    })
    child.on('error', (err) => {
      this.o.log.error({ err: err.message, binary: this.o.binary }, 'cannot start influxd (install Debian package influxdb, or set INFLUX_URL)')
    })
    child.on('exit', (code, signal) => {
      process.off('exit', this.killOnExit)
      if (this.child !== child) return
      this.child = undefined
      this.guard(undefined)
      if (this.stopping) return
      this.restarts++
      this.o.log.warn({ code, signal, restarts: this.restarts, stderr: tail.split('\n').slice(-5).join('\n') }, 'influxd exited; restarting')
      const delay = Math.min(5000, 250 * 2 ** Math.min(this.restarts, 5))
      this.restartTimer = setTimeout(() => {
        if (!this.stopping) this.spawnChild()
      }, delay)
    })
  }

  /** The hub's process is exiting with influxd still running (outside its group): stop it too. */
  private readonly killOnExit = (): void => {
    this.child?.kill('SIGKILL')
  }

  /** Resolves when /ping answers 204. */
  async waitReady(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs
    while (Date.now() < until) {
      if (await ping(this.url)) return
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`influxd did not answer on ${this.url} within ${timeoutMs} ms`)
  }

  async stop(): Promise<void> {
    this.stopping = true
    if (this.restartTimer) clearTimeout(this.restartTimer)
    const child = this.child
    if (!child || child.exitCode !== null) return this.released()
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000)
      child.once('exit', () => {
        clearTimeout(kill)
        resolve()
      })
      child.kill('SIGTERM')
    })
    this.released()
  }

  /** influxd stopped by the hub itself: the watchdog has nothing left to do, the lock is given back. */
  private released(): void {
    this.watchdog?.kill('SIGKILL')
    this.watchdog = undefined
    this.lock?.release()
  }
}

export async function ping(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) })
    return res.status === 204
  } catch {
    return false
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      s.close(() => resolve(port))
    })
  })
}

/** The managed influxd's query limits (InfluxDB 1.x [coordinator]); docs/operations.md gives the same for an external one. */
export const INFLUXD_QUERY_LIMITS = { maxSelectPoint: 50_000_000, maxSelectSeries: 100_000, maxSelectBuckets: 1_000_000 } as const

function configText(dir: string, httpPort: number, rpcPort: number): string {
  return `# Written by the smart-park hub for its managed local InfluxDB; rewritten at every start.
reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false
  cache-max-memory-size = "1g"
  max-series-per-database = 0
  max-values-per-tag = 0

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
  max-body-size = 0

# A backstop behind the hub's own caps (HUB_MAX_POINTS_PER_RESPONSE, store/series-bounds.ts): a
# SELECT past these is refused by InfluxDB instead of filling its memory or the hub's. Sized for the
# hub's largest own queries (a week of CEMS minutes: 10,080 buckets; 28 days of 15-minute demand
# over every meter; the last value of every device of a kind).
[coordinator]
  max-select-point = ${INFLUXD_QUERY_LIMITS.maxSelectPoint}
  max-select-series = ${INFLUXD_QUERY_LIMITS.maxSelectSeries}
  max-select-buckets = ${INFLUXD_QUERY_LIMITS.maxSelectBuckets}

[monitor]
  store-enabled = false

[continuous_queries]
  enabled = true
`
}
