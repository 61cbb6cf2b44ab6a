import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'

/**
 * Local `nats-server` processes (Debian's nats-server 2.9) clustered on loopback, JetStream on:
 * what `npm run cluster` and the cluster tests run. A JetStream quorum needs three servers
 * (a majority of three survives one loss; of two, none). Each server is started with its own
 * client, cluster-route and monitoring ports and its own store directory; `kill9`, `stop` and
 * `start` act on one server so tests and the bench can take one away and bring it back.
 */
export interface NatsServer {
  readonly name: string
  readonly port: number
  readonly clusterPort: number
  readonly monitorPort: number
  readonly url: string
  readonly storeDir: string
  readonly running: boolean
  /** `kill -9`: the server stops without a word; its store stays. */
  kill9(): Promise<void>
  /** SIGTERM (lame-duck not used): a clean stop. */
  stop(): Promise<void>
  /** Start it again on the same ports and store. */
  start(): Promise<void>
}

export interface NatsCluster {
  readonly servers: readonly NatsServer[]
  /** Every client URL, comma separated, as HUB_NATS_URL takes them. */
  readonly urls: string
  stop(): Promise<void>
}

export interface NatsClusterOptions {
  /** How many servers; 3 by default (a JetStream quorum). */
  size?: number
  /** Where each server keeps its JetStream store (`<dir>/<name>`). */
  dir: string
  /** The `nats-server` binary; `NATS_SERVER_PATH` or `nats-server` by default. */
  binary?: string
  /** Fixed client ports (npm run cluster: 4222, 4223, 4224); random free ones by default. */
  ports?: number[]
  /** Where a server's own log goes (its stderr); nothing by default. */
  onLog?: (server: string, line: string) => void
  clusterName?: string
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.unref()
    s.once('error', reject)
    s.listen(0, host, () => {
      const a = s.address()
      const port = typeof a === 'object' && a ? a.port : 0
      s.close(() => resolve(port))
    })
  })
}

/**
 * How long a server is given to answer its health check. A server started again must first
 * catch up every stream and consumer it holds a replica of; with another server still down and
 * a busy machine that took more than 30 s once (its PARK_STATE "not current").
 */
const HEALTHY_WITHIN_MS = 60_000

/** Start a cluster of `size` servers and wait until each answers its health endpoint with JetStream ready. */
export async function startNatsCluster(o: NatsClusterOptions): Promise<NatsCluster> {
  const size = o.size ?? 3
  const binary = o.binary ?? process.env.NATS_SERVER_PATH ?? 'nats-server'
  const clusterName = o.clusterName ?? 'smartpark'
  const specs: { name: string; port: number; clusterPort: number; monitorPort: number }[] = []
  for (let i = 0; i < size; i++) {
    specs.push({ name: `n${i + 1}`, port: o.ports?.[i] ?? (await freePort()), clusterPort: await freePort(), monitorPort: await freePort() })
  }
  const routes = specs.map((s) => `nats://127.0.0.1:${s.clusterPort}`).join(',')
  const servers = specs.map((s) => new LocalNatsServer(binary, s, join(o.dir, s.name), size > 1 ? { clusterName, routes } : undefined, o.onLog))
  // One server that does not come up (a port taken meanwhile) takes the others down with it:
  // a caller that tries again must not leave this attempt's servers running.
  const started = await Promise.allSettled(servers.map((s) => s.start()))
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) {
    await Promise.all(servers.map((s) => s.kill9()))
    throw failed.reason
  }
  return {
    servers,
    urls: servers.map((s) => s.url).join(','),
    async stop() {
      await Promise.all(servers.map((s) => s.stop()))
    },
  }
}

class LocalNatsServer implements NatsServer {
  private child: ChildProcess | undefined
  private exited: Promise<void> | undefined
  readonly name: string
  readonly port: number
  readonly clusterPort: number
  readonly monitorPort: number

  constructor(
    private readonly binary: string,
    spec: { name: string; port: number; clusterPort: number; monitorPort: number },
    readonly storeDir: string,
    private readonly cluster: { clusterName: string; routes: string } | undefined,
    private readonly onLog: ((server: string, line: string) => void) | undefined,
  ) {
    this.name = spec.name
    this.port = spec.port
    this.clusterPort = spec.clusterPort
    this.monitorPort = spec.monitorPort
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
  }

  async start(): Promise<void> {
    if (this.running) return
    await mkdir(this.storeDir, { recursive: true })
    const args = ['-a', '127.0.0.1', '-p', String(this.port), '-m', String(this.monitorPort), '-n', this.name, '-js', '-sd', this.storeDir]
    if (this.cluster) args.push('--cluster_name', this.cluster.clusterName, '--cluster', `nats://127.0.0.1:${this.clusterPort}`, '--routes', this.cluster.routes)
    const child = spawn(this.binary, args, { stdio: ['ignore', 'ignore', 'pipe'] })
    this.child = child
    this.exited = new Promise((r) => child.once('exit', () => r()))
    let tail = ''
    child.stderr?.on('data', (d: Buffer) => {
      const text = d.toString()
      tail = (tail + text).slice(-4000)
      if (this.onLog) for (const line of text.split('\n')) if (line) this.onLog(this.name, line)
    })
    const until = Date.now() + HEALTHY_WITHIN_MS
    for (;;) {
      if (!this.running) throw new Error(`nats-server ${this.name} exited: ${tail}`)
      if (await this.healthy()) return
      if (Date.now() > until) throw new Error(`nats-server ${this.name} not healthy in ${HEALTHY_WITHIN_MS / 1000} s: ${tail}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  /**
   * The server's own health check: accepting clients, and every stream and consumer it holds a
   * replica of current (for a new cluster there is none yet, and the meta group may still be
   * electing). A test reading a stream right after a server came back reads what every replica has.
   */
  private async healthy(): Promise<boolean> {
    try {
      const r = await fetch(`http://127.0.0.1:${this.monitorPort}/healthz`, { signal: AbortSignal.timeout(1000) })
      return r.ok
    } catch {
      return false
    }
  }

  async kill9(): Promise<void> {
    if (!this.running) return
    this.child!.kill('SIGKILL')
    await this.exited
  }

  async stop(): Promise<void> {
    if (!this.running) return
    this.child!.kill('SIGTERM')
    const t = setTimeout(() => this.child?.kill('SIGKILL'), 10_000)
    await this.exited
    clearTimeout(t)
  }
}
