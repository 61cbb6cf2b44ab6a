import { NoRespondersError, RequestError, TimeoutError, type NatsConnection, type Subscription } from '@nats-io/transport-node'
import { ERROR_CODES, HttpError, type ErrorCode } from '../api/errors.js'
import { actionSubject } from './subjects.js'

/**
 * Any node answers any request (docs/cluster.md, "Operator actions"): an operator action on a
 * park (acknowledge, reset, dispatch, confirm a command, …) is carried to the park's owner by
 * NATS request/reply on `actions.<park>`, run there, and its result (or its error, with the
 * HTTP status and code of the API's catalogue) comes back to the node the operator spoke to.
 * The bridge knows no route: an envelope `{op, body, user}` goes to whatever handler the owner
 * serves for the park.
 *
 * The owner subscribes in the queue group `owner`, so a request reaches one subscriber even in
 * the instant a moving park has two (the old owner not yet unsubscribed): an old owner whose lease
 * is gone answers `not_owner` (its handler, fenced by the lease, can change nothing anyway) and the
 * requester asks again. While no node owns the park (a failover: at most the lease time plus a
 * check) the requester asks again every RETRY_MS until its deadline; then a 503 `UNAVAILABLE`.
 *
 *   const bridge = new ActionBridge({ nc, node, log })
 *   bridge.serve(park, (a) => handle(a.op, a.body, a.user))  // on acquiring the park
 *   bridge.unserve(park)                                      // on losing it
 *   await bridge.request(park, 'ack', { alarm }, user)        // from any node: the handler's result
 */
export interface ActionRequest {
  op: string
  body: unknown
  /** Who acts (the API's user as the handler needs it: name, roles, scope). */
  user: unknown
  /** The node the operator spoke to. */
  from: string
}

export type ActionHandler = (a: ActionRequest) => unknown

export interface ActionBridgeOptions {
  nc: NatsConnection
  node: string
  /** How long a request may wait for an owner and its answer (default 5 s). */
  timeoutMs?: number
  log: { warn(o: object, m: string): void }
}

type Reply = { ok: true; result: unknown } | { ok: false; error: { status: number; code: string; message: string; notOwner?: boolean } }

/** The bridge's own failures; a handler's error comes back as the HttpError it threw. */
export class ActionError extends HttpError {
  constructor(readonly reason: 'no_owner' | 'timeout', message: string) {
    super(503, message, 'UNAVAILABLE')
    this.name = 'ActionError'
  }
}

/** Between asks while a park has no owner: a failover takes seconds (lease 5 s), a move well under one. */
const RETRY_MS = 250
const DEFAULT_TIMEOUT_MS = 5000
const QUEUE = 'owner'
const encoder = new TextEncoder()
const decoder = new TextDecoder()

export class ActionBridge {
  private readonly served = new Map<string, Subscription>()
  readonly stats = { served: 0, requested: 0, retried: 0, failed: 0 }

  constructor(private readonly o: ActionBridgeOptions) {}

  /** Answer `actions.<park>` with `handler` while this node owns the park. */
  serve(park: string, handler: ActionHandler): void {
    this.unserve(park)
    const sub = this.o.nc.subscribe(actionSubject(park), {
      queue: QUEUE,
      callback: (err, msg) => {
        if (err) return this.o.log.warn({ err: err.message, park }, 'action subscription failed')
        void this.answer(park, msg.data, handler).then((r) => {
          try {
            msg.respond(encoder.encode(JSON.stringify(r)))
          } catch (e) {
            this.o.log.warn({ err: (e as Error).message, park }, 'action answer not sent')
          }
        })
      },
    })
    this.served.set(park, sub)
  }

  /** Stop answering for the park (lost or released); requests in flight are answered `not_owner`. */
  unserve(park: string): void {
    const sub = this.served.get(park)
    if (!sub) return
    this.served.delete(park)
    sub.unsubscribe()
  }

  /** Parks this node answers for. */
  serving(): string[] {
    return [...this.served.keys()]
  }

  private async answer(park: string, data: Uint8Array, handler: ActionHandler): Promise<Reply> {
    let a: ActionRequest
    try {
      a = JSON.parse(decoder.decode(data)) as ActionRequest
      if (typeof a !== 'object' || a === null || typeof a.op !== 'string') throw new Error('expected {op, body, user}')
    } catch (err) {
      return { ok: false, error: { status: 400, code: 'BAD_REQUEST', message: `action not understood: ${(err as Error).message}` } }
    }
    if (!this.served.has(park)) return { ok: false, error: { status: 503, code: 'UNAVAILABLE', message: `node ${this.o.node} no longer owns park ${park}`, notOwner: true } }
    this.stats.served++
    try {
      return { ok: true, result: (await handler(a)) ?? null }
    } catch (err) {
      const e = err as Partial<HttpError> & Error
      const status = typeof e.statusCode === 'number' ? e.statusCode : 500
      return { ok: false, error: { status, code: typeof e.code === 'string' ? e.code : 'INTERNAL', message: e.message } }
    }
  }

  /**
   * Run `op` on the park's owner; resolves with the handler's result. Rejects with the handler's
   * error (an HttpError of the same status and code), or an ActionError (503) when no node owns
   * the park or none answered within the timeout.
   */
  async request<T = unknown>(park: string, op: string, body: unknown, user: unknown, timeoutMs = this.o.timeoutMs ?? DEFAULT_TIMEOUT_MS): Promise<T> {
    this.stats.requested++
    const payload = encoder.encode(JSON.stringify({ op, body, user, from: this.o.node } satisfies ActionRequest))
    const until = Date.now() + timeoutMs
    let why: ActionError['reason'] = 'no_owner'
    for (;;) {
      const left = until - Date.now()
      if (left <= 0) break
      let reply: Reply
      try {
        const msg = await this.o.nc.request(actionSubject(park), payload, { timeout: left })
        reply = JSON.parse(decoder.decode(msg.data)) as Reply
      } catch (err) {
        if (isNoResponders(err)) why = 'no_owner'
        else if (err instanceof TimeoutError || (err instanceof RequestError && err.cause instanceof TimeoutError)) {
          why = 'timeout'
          break
        } else {
          this.stats.failed++
          throw new ActionError('no_owner', `park ${park}: ${(err as Error).message}`)
        }
        this.stats.retried++
        await new Promise((r) => setTimeout(r, Math.min(RETRY_MS, Math.max(0, until - Date.now()))))
        continue
      }
      if (reply.ok) return reply.result as T
      if (reply.error.notOwner) {
        why = 'no_owner'
        this.stats.retried++
        await new Promise((r) => setTimeout(r, Math.min(RETRY_MS, Math.max(0, until - Date.now()))))
        continue
      }
      this.stats.failed++
      const code = reply.error.code in ERROR_CODES ? (reply.error.code as ErrorCode) : undefined
      throw new HttpError(reply.error.status, reply.error.message, code)
    }
    this.stats.failed++
    throw new ActionError(why, why === 'timeout' ? `park ${park}: its owner did not answer within ${timeoutMs} ms` : `park ${park}: no node owns it now (failover under way?)`)
  }

  stop(): void {
    for (const park of [...this.served.keys()]) this.unserve(park)
  }
}

function isNoResponders(err: unknown): boolean {
  if (err instanceof NoRespondersError) return true
  if (err instanceof RequestError) return err.isNoResponders()
  return false
}
