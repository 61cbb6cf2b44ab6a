/**
 * A park-owning node in its own process, for the lease tests that kill (-9) or pause (SIGSTOP)
 * a node for real. It claims parks like a hub node (park-ownership.ts) and, for each park it
 * holds, takes the fenced park log over and writes a `tick` record every TICK_MS — and it goes
 * on writing after its lease is lost until the log refuses, the worst case of an owner that has
 * not noticed. It prints one JSON line per event on stdout:
 *   {"ev":"ready"} {"ev":"acquired","park","token"} {"ev":"took-over","park","seq"}
 *   {"ev":"wrote","park","seq","n"} {"ev":"lost","park","reason"} {"ev":"fenced","park","n"}
 * Environment: NATS_URLS, NODE_ID, PARKS (comma list), LEASE_MS, TICK_MS.
 */
import { connect } from '@nats-io/transport-node'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { FencedError, FencedParkLog } from '../../hub/src/cluster/fenced-park-log.js'
import { startParkOwnership } from '../../hub/src/cluster/park-ownership.js'

const env = (k: string): string => {
  const v = process.env[k]
  if (!v) throw new Error(`${k} is required`)
  return v
}
const say = (o: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(o)}\n`)

const node = env('NODE_ID')
const parks = env('PARKS').split(',')
const leaseMs = Number(env('LEASE_MS'))
const tickMs = Number(process.env.TICK_MS ?? 100)
const nc = await connect({ servers: env('NATS_URLS').split(','), maxReconnectAttempts: -1, reconnectTimeWait: 250 })
const js = jetstream(nc)
const jsm = await jetstreamManager(nc)

await startParkOwnership(nc, {
  node,
  leaseMs,
  replicas: 3,
  settleMs: 0,
  parks: () => parks,
  onAcquired: async (park, token, epoch) => {
    say({ ev: 'acquired', park, token })
    const log = await FencedParkLog.takeover(js, jsm, { park, node, token, epoch, initialPosition: async () => 0 })
    say({ ev: 'took-over', park, token, records: log.loaded.records.length })
    let n = 0
    const timer = setInterval(() => {
      const i = ++n
      log.append([{ tick: i, node }]).then(
        (seq) => say({ ev: 'wrote', park, seq, n: i }),
        (err: Error) => {
          clearInterval(timer)
          say({ ev: err instanceof FencedError ? 'fenced' : 'write-failed', park, n: i, error: err.message })
        },
      )
    }, tickMs)
  },
  onLost: (park, reason) => say({ ev: 'lost', park, reason }),
  onError: (err) => say({ ev: 'error', error: err.message }),
})
say({ ev: 'ready' })
