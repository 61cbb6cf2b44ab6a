/**
 * Shares the event loop between the MQTT connections and everything else. A connection with
 * bytes for the broker takes its place in one queue; the queue is worked through in the loop's
 * check phase, one connection at a time (each hand-over followed by the broker's work on it,
 * through process.nextTick), first come first served, until one pass of the loop has spent
 * TURN_BUDGET_MS on it. Then timers (the safety tick, live telemetry, the writer's flush) and
 * other I/O (HTTP, the writes to InfluxDB) have their turn, and the connections still waiting
 * go first in the next pass. Connections that had been quiet (a detector's reading, not a bulk
 * sender's stream) wait in a queue of their own, served before the busy ones.
 *
 * Measured (bench, QoS 0 at 110,000 msgs/s from 200 connections): with each connection's
 * deliveries chained through process.nextTick on their own, the loop did not get past the
 * connections for seconds — timers ran up to 4.8 s late, the health endpoint did not answer and
 * nothing was written to InfluxDB until the load stopped. With a budget but each connection
 * queued as its own setImmediate, a connection that found the pass full queued again behind the
 * ones that had just been served: one joining a saturated broker waited for the whole backlog
 * (guarded-connection.test.ts: handled 20,000th of 20,001; in one queue, 13,338th).
 *
 * When the rest of the loop runs long between two passes while connections wait — a reconnect
 * storm's accepts and closes, the collector marking a large heap — a pass takes more than
 * TURN_BUDGET_MS: up to PASS_SHARE of the time the rest took, at most MAX_TURN_BUDGET_MS, so
 * that the devices' readings keep a third of the loop and are not left a tenth of it. Traced in
 * the many-connections bench's storm: after the reconnect thousands of devices sent a reading
 * within a second or two, each one a quiet connection, and passes of 10 ms in loop turns of
 * 80 – 150 ms took 300 – 600 of them a turn, so an alarm reading waited 2 – 3 s behind up to
 * 13,870 others.
 *
 * It also tells when ingest is saturated (`saturated()`), so that work that can wait does.
 * Each broker has its own (broker.ts); two hubs in one process share nothing.
 */
const TURN_BUDGET_MS = 10
/** A pass's budget after the rest of the loop ran long: this share of what it took (a third of the loop for connections)… */
const PASS_SHARE = 0.5
/** …and never more than this, so that timers are at most this much later for it. */
const MAX_TURN_BUDGET_MS = 50
/**
 * Of a pass, connections not yet connected (their CONNECT: authentication, the session, the
 * CONNACK) get this long while connected ones wait (after the quiet ones, before the busy
 * ones); past it they wait for the busy ones. When 18,000 devices reconnect at once after a
 * network blip, a detector's alarm reading then waits for one pass, not behind 18,000
 * CONNECTs (many-connections bench, --storm: alarm p99 4.3 s before), and connecting goes on
 * at half the loop's pace. It stays 5 ms in a pass given more: a turn hands aedes the CONNECT,
 * and aedes's work on it comes later (setImmediate in its handlers/connect.js), outside any
 * budget, so a longer share would start more connects than the time it measures.
 */
const CONNECT_BUDGET_MS = 5
/**
 * Ingest counts as saturated once, of the last second, at least this long went to passes of
 * the loop that left connections waiting for the next one: half the loop's time. A burst at the
 * top of each second, as 1 Hz sensors send, stays under it; the bench's 40,000 msgs/s of QoS 1
 * and 110,000 of QoS 0 are over it.
 */
const SATURATED_MS_PER_SECOND = 500
/**
 * A quiet connection connected at least this long (a minute: the storm's all-back target) is
 * settled, and goes ahead of quiet connections younger than it. When thousands of devices come
 * back after a network blip, each sends its first readings (a DTU its whole buffer) within a
 * second or two, every one of them quiet; a detector whose connection stayed up waited behind
 * them: five consecutive alarm probes held 2.5 – 2.9 s before ingest in one bench storm
 * (docs/performance.md, the ninth round). Settled ones first, a detector that never dropped is
 * not held by the crowd that did; in steady times nearly every connection is settled, and
 * the order is as before.
 */
export const SETTLED_MS = 60_000

/**
 * Which queue a connection's turn waits in: `settled`, a connection connected for SETTLED_MS
 * that had been quiet; `quiet`, one whose bytes came after QUIET_MS without any (guarded-
 * connection.ts); `busy`, a sender's stream; `connecting`, one not yet connected (its CONNECT),
 * or ending.
 */
export type TurnQueue = 'settled' | 'quiet' | 'busy' | 'connecting'

export interface SchedulerStats {
  /** Connections' turns given since start. */
  turns: number
  /** Passes of the loop that ran out of budget with connections still waiting. */
  fullPasses: number
  /** Connections waiting for their turn now. */
  waiting: number
  /** The latest pass's budget (ms): 10, up to 50 after the rest of the loop ran long. */
  passBudgetMs: number
  /** See `saturated()`. */
  saturated: boolean
}

export class ConnectionScheduler {
  /** Connections waiting for their turn, first come first served. */
  private queue: (() => void)[] = []
  private head = 0
  /** Connections that had been quiet and are settled (`inTurn(fn, 'settled')`): served first. */
  private settled: (() => void)[] = []
  private settledHead = 0
  /** Connections that had been quiet (`inTurn(fn, 'quiet')`): served before the queue. */
  private quiet: (() => void)[] = []
  private quietHead = 0
  /** Connections not yet connected, or ending (`inTurn(fn, 'connecting')`): CONNECT_BUDGET_MS of a pass, then behind the busy ones. */
  private connecting: (() => void)[] = []
  private connectingHead = 0
  private passScheduled = false
  private turnStarted = 0
  /** When the last pass gave way with connections waiting (performance.now()). */
  private passEnded = 0
  /** This pass's budget (ms): TURN_BUDGET_MS, more after the rest of the loop ran long. */
  private budget = TURN_BUDGET_MS
  /** The current pass ran out of budget with connections still waiting. */
  private passFull = false
  private windowStart = 0
  private fullMsThisWindow = 0
  private fullMsLastWindow = 0
  private turns = 0
  private fullPasses = 0

  /**
   * Hand `fn` its turn in the loop's check phase, after every connection queued before it in
   * its queue (`TurnQueue`): settled ones first, then quiet ones (a detector's one alarm reading
   * waits for the pass, not behind every bulk sender's backlog), then busy ones; connecting
   * ones have CONNECT_BUDGET_MS of a pass before the busy ones.
   */
  inTurn(fn: () => void, queue: TurnQueue = 'busy'): void {
    if (queue === 'connecting') this.connecting.push(fn)
    else if (queue === 'settled') this.settled.push(fn)
    else if (queue === 'quiet') this.quiet.push(fn)
    else this.queue.push(fn)
    this.schedulePass()
  }

  private schedulePass(): void {
    if (this.passScheduled) return
    this.passScheduled = true
    setImmediate(this.startPass)
  }

  private readonly startPass = (): void => {
    this.passScheduled = false
    const now = performance.now()
    this.rollWindow(now)
    // The pass before left connections waiting: its whole length counts as saturated.
    if (this.passFull) this.fullMsThisWindow += now - this.turnStarted
    this.budget = this.passFull ? Math.min(MAX_TURN_BUDGET_MS, Math.max(TURN_BUDGET_MS, (now - this.passEnded) * PASS_SHARE)) : TURN_BUDGET_MS
    this.passFull = false
    this.turnStarted = now
    this.next()
  }

  /** One connection's turn; the next one's follows the broker's work on it (nextTick). */
  private readonly next = (): void => {
    const connecting = this.connectingHead < this.connecting.length
    if (this.head === this.queue.length && this.quietHead === this.quiet.length && this.settledHead === this.settled.length && !connecting) {
      this.queue = []
      this.head = 0
      this.settled = []
      this.settledHead = 0
      this.quiet = []
      this.quietHead = 0
      this.connecting = []
      this.connectingHead = 0
      return
    }
    const now = performance.now()
    const spent = now - this.turnStarted
    if (spent >= this.budget) {
      if (!this.passFull) this.fullPasses++
      this.passFull = true
      this.passEnded = now
      this.schedulePass()
      return
    }
    let fn: () => void
    if (this.settledHead < this.settled.length) fn = this.settled[this.settledHead++]!
    else if (this.quietHead < this.quiet.length) fn = this.quiet[this.quietHead++]!
    else if (connecting && (spent < CONNECT_BUDGET_MS || this.head === this.queue.length)) {
      fn = this.connecting[this.connectingHead++]!
      if (this.connectingHead >= 1024 && this.connectingHead * 2 >= this.connecting.length) {
        this.connecting = this.connecting.slice(this.connectingHead)
        this.connectingHead = 0
      }
    } else {
      fn = this.queue[this.head++]!
      // Under a lasting load the queue never empties: drop the served entries now and then.
      if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
        this.queue = this.queue.slice(this.head)
        this.head = 0
      }
    }
    this.turns++
    fn()
    process.nextTick(this.next)
  }

  private rollWindow(now: number): void {
    if (now - this.windowStart < 1000) return
    this.fullMsLastWindow = now - this.windowStart < 2000 ? this.fullMsThisWindow : 0
    this.fullMsThisWindow = 0
    this.windowStart = now
  }

  /**
   * The connections have had more than the loop could give them for about half of the last
   * second: the hub is taking bytes as fast as it can, and work that can wait (writing the
   * journal to InfluxDB) should.
   */
  saturated(): boolean {
    const now = performance.now()
    this.rollWindow(now)
    const current = this.fullMsThisWindow + (this.passFull ? now - this.turnStarted : 0)
    return Math.max(current, this.fullMsLastWindow) >= SATURATED_MS_PER_SECOND
  }

  stats(): SchedulerStats {
    return { turns: this.turns, fullPasses: this.fullPasses, waiting: this.queue.length - this.head + this.settled.length - this.settledHead + this.quiet.length - this.quietHead + this.connecting.length - this.connectingHead, passBudgetMs: Math.round(this.budget * 10) / 10, saturated: this.saturated() }
  }
}
