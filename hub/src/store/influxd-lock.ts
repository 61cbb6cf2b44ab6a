import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PRIVATE_FILE_MODE } from '../config/private-files.js'

/**
 * One managed influxd per data dir. Two influxd processes on the same data and WAL directories
 * overwrite each other's files (InfluxDB 1.x takes no lock of its own on them), so the hub keeps
 * `influxdb/hub.lock` with its own pid and its influxd's:
 *
 * - a lock held by a live hub (another process) stops this start, naming the pid;
 * - a lock left by a hub that is gone (kill -9, power loss) is taken over, with a log line, and
 *   the influxd it names is stopped if it still runs on this data;
 * - any other influxd still running on this dir's config file (found in /proc on Linux) is
 *   stopped too before a new one starts.
 */
export interface LockOwner {
  hubPid: number
  influxdPid: number | undefined
  since: number
}

export class InfluxdLockHeld extends Error {
  constructor(readonly owner: LockOwner, readonly path: string) {
    super(`the managed InfluxDB in ${path} belongs to hub process ${owner.hubPid}, still running; stop it first (or set INFLUX_URL)`)
  }
}

type Log = { info(o: object, m: string): void; warn(o: object, m: string): void }

export class InfluxdLock {
  readonly path: string
  private owner: LockOwner | undefined

  constructor(private readonly dir: string, private readonly configPath: string, private readonly log: Log) {
    this.path = join(dir, 'hub.lock')
  }

  /** Takes the lock; stops an influxd a dead hub left on this data. Throws InfluxdLockHeld if a live hub has it. */
  async acquire(): Promise<void> {
    this.owner = { hubPid: process.pid, influxdPid: undefined, since: Date.now() }
    // Created only if absent (O_EXCL), so of two hubs starting at once on one dir, one gets it.
    try {
      writeFileSync(this.path, `${JSON.stringify(this.owner)}\n`, { mode: PRIVATE_FILE_MODE, flag: 'wx' })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      this.owner = undefined
      await this.takeOver()
    }
    // An influxd on this data with no lock at all (a lock deleted by hand) is stopped too.
    for (const pid of influxdsOn(this.configPath)) {
      this.log.warn({ pid, config: this.configPath }, 'stopping an influxd left running on this data by a hub that is gone')
      await stopProcess(pid, 10_000)
    }
  }

  private async takeOver(): Promise<void> {
    const prior = readOwner(this.path)
    if (prior && prior.hubPid !== process.pid && running(prior.hubPid) && looksLikeNode(prior.hubPid)) throw new InfluxdLockHeld(prior, this.path)
    if (prior) this.log.warn({ lock: this.path, hubPid: prior.hubPid, influxdPid: prior.influxdPid, since: new Date(prior.since).toISOString() }, 'taking over the managed InfluxDB lock of a hub that is gone')
    this.owner = { hubPid: process.pid, influxdPid: undefined, since: Date.now() }
    this.write()
    if (prior?.influxdPid !== undefined && running(prior.influxdPid) && commandLine(prior.influxdPid).includes(this.configPath)) {
      this.log.warn({ pid: prior.influxdPid, config: this.configPath }, 'stopping an influxd left running on this data by a hub that is gone')
      await stopProcess(prior.influxdPid, 10_000)
    }
  }

  /** Records the influxd now running (or none), so a later start can find it. */
  setInfluxd(pid: number | undefined): void {
    if (!this.owner) return
    this.owner.influxdPid = pid
    this.write()
  }

  release(): void {
    if (!this.owner) return
    this.owner = undefined
    const now = readOwner(this.path)
    if (now?.hubPid === process.pid) rmSync(this.path, { force: true })
  }

  private write(): void {
    writeFileSync(this.path, `${JSON.stringify(this.owner)}\n`, { mode: PRIVATE_FILE_MODE })
  }
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>
    if (!Number.isInteger(o.hubPid) || (o.hubPid as number) <= 0) return undefined
    const influxdPid = Number.isInteger(o.influxdPid) && (o.influxdPid as number) > 0 ? (o.influxdPid as number) : undefined
    return { hubPid: o.hubPid as number, influxdPid, since: typeof o.since === 'number' ? o.since : 0 }
  } catch {
    return undefined
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: alive, owned by someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The NUL-separated command line of a Linux process, as one string ('' elsewhere or when gone). */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')
  } catch {
    return ''
  }
}

/** A pid reused by something else than a hub (after a reboot) does not hold the lock. Without /proc, trust the pid. */
function looksLikeNode(pid: number): boolean {
  if (!existsSync('/proc/self/cmdline')) return true
  const cmd = commandLine(pid)
  return cmd === '' || /node|tsx|hub/.test(cmd)
}

/** influxd processes started with this config file (Linux /proc; none elsewhere). */
export function influxdsOn(configPath: string): number[] {
  if (!existsSync('/proc/self/cmdline')) return []
  const out: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const pid = Number(name)
    if (pid === process.pid) continue
    const argv = commandLine(pid).trim().split(' ')
    if (/(^|\/)influxd$/.test(argv[0] ?? '') && argv.includes(configPath)) out.push(pid)
  }
  return out
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(pid: number, graceMs: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM')
  } catch {
    return
  }
  const until = Date.now() + graceMs
  while (alive(pid) && !isZombie(pid)) {
    if (Date.now() > until) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        return
      }
      break
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  const hard = Date.now() + 5000
  while (alive(pid) && !isZombie(pid) && Date.now() < hard) await new Promise((r) => setTimeout(r, 50))
}

/** Alive and not a zombie (a dead process its new parent has not reaped yet holds no files nor ports). */
export function running(pid: number): boolean {
  return alive(pid) && !isZombie(pid)
}

function isZombie(pid: number): boolean {
  try {
    return / Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^\d+ \(.*\) /, ' ').slice(0, 3))
  } catch {
    return false
  }
}
