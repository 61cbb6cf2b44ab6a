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
 * It also tells when ingest is saturated (`connectionsSaturated`), so that work that can wait
 * does.
 */
const TURN_BUDGET_MS = 10
/**
 * Ingest counts as saturated once, of the last second, at least this long went to passes of
 * the loop that left connections waiting for the next one: half the loop's time. A burst at the
 * top of each second, as 1 Hz sensors send, stays under it; the bench's 40,000 msgs/s of QoS 1
 * and 110,000 of QoS 0 are over it.
 */
const SATURATED_MS_PER_SECOND = 500

/** Connections waiting for their turn, first come first served. */
let queue: (() => void)[] = []
let head = 0
/** Connections that had been quiet (`inTurn(fn, true)`): served before the queue. */
let quiet: (() => void)[] = []
let quietHead = 0
let passScheduled = false
let turnStarted = 0
/** The current pass ran out of budget with connections still waiting. */
let passFull = false
let windowStart = 0
let fullMsThisWindow = 0
let fullMsLastWindow = 0

/**
 * Hand `fn` its turn: in the loop's check phase, after every connection queued before it. A
 * connection that had been quiet goes ahead of the busy ones (`wasQuiet`): a detector's one
 * alarm reading waits for the pass, not behind every bulk sender's backlog.
 */
export function inTurn(fn: () => void, wasQuiet = false): void {
  if (wasQuiet) quiet.push(fn)
  else queue.push(fn)
  if (!passScheduled) {
    passScheduled = true
    setImmediate(startPass)
  }
}

function startPass(): void {
  passScheduled = false
  const now = performance.now()
  rollWindow(now)
  // The pass before left connections waiting: its whole length counts as saturated.
  if (passFull) fullMsThisWindow += now - turnStarted
  passFull = false
  turnStarted = now
  next()
}

/** One connection's turn; the next one's follows the broker's work on it (nextTick). */
function next(): void {
  if (head === queue.length && quietHead === quiet.length) {
    queue = []
    head = 0
    quiet = []
    quietHead = 0
    return
  }
  if (performance.now() - turnStarted >= TURN_BUDGET_MS) {
    passFull = true
    if (!passScheduled) {
      passScheduled = true
      setImmediate(startPass)
    }
    return
  }
  let fn: () => void
  if (quietHead < quiet.length) fn = quiet[quietHead++]!
  else {
    fn = queue[head++]!
    // Under a lasting load the queue never empties: drop the served entries now and then.
    if (head >= 1024 && head * 2 >= queue.length) {
      queue = queue.slice(head)
      head = 0
    }
  }
  fn()
  process.nextTick(next)
}

function rollWindow(now: number): void {
  if (now - windowStart < 1000) return
  fullMsLastWindow = now - windowStart < 2000 ? fullMsThisWindow : 0
  fullMsThisWindow = 0
  windowStart = now
}

/**
 * The connections have had more than the loop could give them for about half of the last
 * second: the hub is taking bytes as fast as it can, and work that can wait (writing the
 * journal to InfluxDB) should.
 */
export function connectionsSaturated(): boolean {
  const now = performance.now()
  rollWindow(now)
  const current = fullMsThisWindow + (passFull ? now - turnStarted : 0)
  return Math.max(current, fullMsLastWindow) >= SATURATED_MS_PER_SECOND
}
