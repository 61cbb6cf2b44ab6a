/**
 * Shares the event loop between the MQTT connections and everything else. Bytes are handed to
 * the broker in the loop's check phase (setImmediate), and once one pass of the loop has spent
 * TURN_BUDGET_MS on them, the rest waits for the next pass: timers (the safety tick, live
 * telemetry, the writer's flush) and other I/O (HTTP, the writes to InfluxDB) have their turn
 * at least that often, however many connections have bytes waiting.
 *
 * Measured (bench, QoS 0 at 110,000 msgs/s from 200 connections): with each delivery chained
 * to the next through process.nextTick, the loop did not get past the connections for seconds —
 * timers ran up to 4.8 s late, the health endpoint did not answer and nothing was written to
 * InfluxDB until the load stopped.
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

let turnStarted = 0
let startQueued = false
/** A connection found the current pass out of room. */
let passFull = false
let windowStart = 0
let fullMsThisWindow = 0
let fullMsLastWindow = 0

function startTurn(): void {
  startQueued = false
  const now = performance.now()
  rollWindow(now)
  // The pass that just ended left connections waiting: its whole length counts as saturated.
  if (passFull) fullMsThisWindow += now - turnStarted
  passFull = false
  turnStarted = now
}

function rollWindow(now: number): void {
  if (now - windowStart < 1000) return
  fullMsLastWindow = now - windowStart < 2000 ? fullMsThisWindow : 0
  fullMsThisWindow = 0
  windowStart = now
}

/** This pass of the loop still has room for the connections. */
export function turnHasRoom(): boolean {
  return performance.now() - turnStarted < TURN_BUDGET_MS
}

/** A connection found this pass out of room and waits for the next one. */
export function passWasFull(): void {
  passFull = true
}

/**
 * Run `fn` in the loop's check phase. The marker of a new pass is queued ahead of it, so the
 * budget counts from the start of the pass that runs it; `fn` should check `turnHasRoom()` and
 * queue itself again when there is none.
 */
export function inNextCheck(fn: () => void): void {
  if (!startQueued) {
    startQueued = true
    setImmediate(startTurn)
  }
  setImmediate(fn)
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
