import { spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node'
import { jetstream, jetstreamManager, DeliverPolicy, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream'
import { startNatsCluster, type NatsCluster } from '../../hub/src/cluster/nats-servers.js'

/**
 * Real `nats-server` processes for the cluster tests (never mocks): a cluster of three (a
 * JetStream quorum) on random loopback ports in its own temp dir, a connection helper, a
 * reader of every message of a stream or subject, and cleanup. Every server is also killed
 * when the test process exits, so a failed test leaves no `nats-server` behind.
 */
export interface TestNats {
  readonly cluster: NatsCluster
  /** The temp dir holding every server's store. */
  readonly dir: string
  /** Comma list of client URLs, as HUB_NATS_URL takes them. */
  readonly urls: string
  /** Stop every server and remove the temp dir. */
  stop(): Promise<void>
}

const running = new Set<NatsCluster>()
let exitHook = false

export async function startTestNats(o: { size?: number } = {}): Promise<TestNats> {
  const dir = await mkdtemp(join(tmpdir(), 'smartpark-nats-'))
  let cluster: NatsCluster | undefined
  // A free port found is free only until someone binds it: on this shared machine another test's
  // process took a route port between its choice and the server's bind. Start again on new ports.
  for (let attempt = 1; !cluster; attempt++) {
    try {
      cluster = await startNatsCluster({ dir: join(dir, `try${attempt}`), size: o.size ?? 3, ...(process.env.NATS_TEST_LOG ? { onLog: (s, l) => process.stderr.write(`[${s}] ${l}\n`) } : {}) })
    } catch (err) {
      // The servers that did start are still running: end them (they are the ones with this store dir).
      spawnSync('pkill', ['-KILL', '-f', `-sd ${join(dir, `try${attempt}`)}/`])
      if (attempt < 3 && /address already in use/.test((err as Error).message)) continue
      await rm(dir, { recursive: true, force: true })
      throw err
    }
  }
  running.add(cluster)
  if (!exitHook) {
    exitHook = true
    // kill9() sends SIGKILL synchronously before it waits: enough on the way out.
    const killAll = (): void => {
      for (const c of running) for (const s of c.servers) void s.kill9()
    }
    process.once('exit', killAll)
    // A test worker ended by a signal leaves without 'exit': its servers would outlive it.
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        killAll()
        process.exit(128 + (signal === 'SIGTERM' ? 15 : 2))
      })
    }
  }
  return {
    cluster, dir, urls: cluster.urls,
    async stop() {
      running.delete(cluster)
      await cluster.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** A client connection to the servers in `urls` (comma list), reconnecting forever as a hub node does. */
export async function connectNats(urls: string, opts: Partial<NodeConnectionOptions> = {}): Promise<NatsConnection> {
  return connect({ servers: urls.split(','), maxReconnectAttempts: -1, reconnectTimeWait: 250, ...opts })
}

/**
 * Retry `fn` until it succeeds or `timeoutMs` passes: a 3-replica stream or bucket can be
 * created only once the JetStream meta leader is elected (≈ 0.7 s after /healthz answers).
 */
export async function untilJetStream<T>(fn: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    try {
      return await fn()
    } catch (err) {
      if (Date.now() > until) throw err
      await new Promise((r) => setTimeout(r, 200))
    }
  }
}

/** Wait until JetStream answers on this connection (a meta leader is elected). */
export async function jetStreamReady(nc: NatsConnection, timeoutMs = 20_000): Promise<void> {
  const jsm = await jetstreamManager(nc)
  await untilJetStream(() => jsm.getAccountInfo(), timeoutMs)
}

/** Three nats-servers on random loopback ports, a client connected and JetStream answering: what a test of the JetStream parts starts from. */
export async function startJetStream(): Promise<{ nats: TestNats; nc: NatsConnection; js: JetStreamClient; jsm: JetStreamManager }> {
  const nats = await startTestNats()
  const nc = await connectNats(nats.urls)
  await jetStreamReady(nc)
  return { nats, nc, js: jetstream(nc), jsm: await jetstreamManager(nc) }
}

export interface StreamMessage {
  seq: number
  subject: string
  data: Uint8Array
  /** The publisher's `Nats-Msg-Id`, when it set one. */
  msgId: string | undefined
  json<T = unknown>(): T
}

/**
 * Every message stored in `stream` (optionally only those matching `subject`), in stream order,
 * read with an ordered consumer (no durable state left behind). Empty when there is none.
 */
export async function streamMessages(nc: NatsConnection, stream: string, subject = '>', timeoutMs = 30_000): Promise<StreamMessage[]> {
  // Right after servers came back the stream may still be electing its leader: read it all again.
  return await untilJetStream(() => readStream(nc, stream, subject, timeoutMs), timeoutMs)
}

async function readStream(nc: NatsConnection, stream: string, subject: string, timeoutMs: number): Promise<StreamMessage[]> {
  const jsm = await jetstreamManager(nc)
  const info = await jsm.streams.info(stream)
  const out: StreamMessage[] = []
  if (info.state.messages === 0) return out
  const js = jetstream(nc)
  const consumer = await js.consumers.get(stream, { filter_subjects: subject, deliver_policy: DeliverPolicy.All })
  const until = Date.now() + timeoutMs
  try {
    for (;;) {
      // A filter matching nothing leaves the consumer with nothing pending: stop there.
      if (out.length === 0 && (await consumer.info(true)).num_pending === 0) return out
      const batch = await consumer.fetch({ max_messages: 1000, expires: 1000 })
      let last: JsMsg | undefined
      for await (const m of batch) {
        last = m
        out.push({
          seq: m.seq, subject: m.subject, data: m.data, msgId: m.headers?.get('Nats-Msg-Id') || undefined,
          json: <T>() => JSON.parse(new TextDecoder().decode(m.data)) as T,
        })
      }
      if (last && last.info.pending === 0) return out
      if (Date.now() > until) throw new Error(`streamMessages ${stream} ${subject}: ${out.length} read, more pending after ${timeoutMs} ms`)
    }
  } finally {
    await consumer.delete().catch(() => undefined)
  }
}

/** How many messages `stream` holds now. */
export async function streamCount(nc: NatsConnection, stream: string): Promise<number> {
  const jsm = await jetstreamManager(nc)
  return (await jsm.streams.info(stream)).state.messages
}
