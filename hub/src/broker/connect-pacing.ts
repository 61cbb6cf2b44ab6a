/**
 * Paces new MQTT connections. After a network blip every device reconnects at once (18,000 in
 * the many-connections bench's --storm); each connect is aedes's CONNECT work and then the
 * hub's (the device online again, its park's risk, the dashboards told): taken as fast as they
 * arrive, they held the loop for seconds and a connected detector's alarm reading waited behind
 * them (alarm p99 2.6 – 8.6 s), and clients that waited past their 30 s CONNACK timeout
 * reconnected again (a reconnect loop: 20,000 retries).
 *
 * So connections start (aedes gets them) at a rate, a token bucket refilled at `rate()` a
 * second; the rest wait, costing nothing but their socket. The rate follows the event loop's
 * lag, measured by the pacer's own timer: above LAG_HIGH_MS it falls by a quarter, below
 * LAG_LOW_MS, with connections waiting, it rises; never under MIN_RATE, so 18,000 devices are
 * back within a minute even on a loaded machine. A connection that would wait longer than
 * MAX_WAIT_MS is refused with CONNACK "server unavailable" (the caller's `refuse`), and the
 * client backs off and retries — never left to wait out its CONNACK timeout.
 *
 * Refusals are paced too, by time: at most REFUSE_BUDGET_MS of each tick. A refusal is a
 * CONNACK written and a socket closed (on loopback the kernel runs the peer's side inline), and
 * they came in thousands at once: in the accept callbacks of a reconnect wave, and in one tick
 * when the rate fell below what the queue had been promised and its connections passed their
 * longest wait together (a profiled storm: 227 ms of one tick refusing while the loop's timers
 * waited). A connection to refuse waits in its own queue meanwhile, costing its socket.
 */

/** Connections started a second at least, however slow the loop: 18,000 in 51 s. */
export const MIN_RATE = 350
/** …and at most (a burst of this many a second is still a few ms of the loop a turn). */
export const MAX_RATE = 4000
const START_RATE = 800
/** Longest a connection waits for its start; well under a client's usual 30 s CONNACK timeout. */
export const MAX_WAIT_MS = 10_000
/** The pacer's tick: how often waiting connections are started, and how the loop's lag is read. */
const TICK_MS = 20
/** Lag of the loop (a tick late by) above which the rate falls, below which it may rise. */
const LAG_HIGH_MS = 40
const LAG_LOW_MS = 15
/** The rate changes at most this often. */
const ADJUST_EVERY_MS = 250
/** Of each tick, refusing connections takes at most this long (a fifth of the tick). */
const REFUSE_BUDGET_MS = 4

export interface PacingStats {
  /** Connections waiting for their start. */
  waiting: number
  /** Connections started a second now. */
  ratePerSecond: number
  /** Connections started since start (aedes handed them). */
  started: number
  /** Refused with CONNACK "server unavailable": their wait would have been over MAX_WAIT_MS. */
  refusedBusy: number
  /** Connections to refuse, waiting for the refusals' share of a tick. */
  refusing: number
  /** Connections started in the last whole second (what the rate let through, not the rate allowed). */
  admittedLastSecond: number
  /** How long the first connection in the queue has waited so far (0: none waits), ms. */
  oldestWaitMs: number
  /** The longest any connection waited for its start (or its refusal) since the hub started, ms. */
  longestWaitMs: number
}

interface Waiting {
  start: () => void
  refuse: () => void
  since: number
}

export class ConnectPacer {
  private readonly queue: Waiting[] = []
  private head = 0
  /** Connections to refuse (their `refuse`), oldest first. */
  private toRefuse: (() => void)[] = []
  private refuseHead = 0
  private rate = START_RATE
  private tokens = 0
  private lastRefill: number
  private timer: NodeJS.Timeout | undefined
  private lastTick = 0
  private worstLag = 0
  private lastAdjust: number
  private started = 0
  private refusedBusy = 0
  private longestWait = 0
  /** Starts counted per whole second: the second being counted, its count, and the whole second before it. */
  private readonly perSecond = { second: 0, count: 0, last: 0 }

  constructor(private readonly now: () => number = () => performance.now()) {
    this.lastRefill = now()
    this.lastAdjust = this.lastRefill
    this.tokens = this.rate * (TICK_MS / 1000)
  }

  /** Start the connection when its turn comes (`start`), or refuse it at once (`refuse`) when it would wait too long. */
  offer(start: () => void, refuse: () => void): void {
    this.refill()
    const waiting = this.queue.length - this.head
    if (waiting === 0 && this.tokens >= 1) {
      this.tokens--
      this.admitted()
      start()
      return
    }
    // Its wait: everyone ahead of it at the current rate.
    if (((waiting + 1) / this.rate) * 1000 > MAX_WAIT_MS) {
      this.toRefuse.push(refuse)
      this.schedule()
      return
    }
    this.queue.push({ start, refuse, since: this.now() })
    this.schedule()
  }

  stats(): PacingStats {
    const now = this.now()
    this.countSecond(now)
    const first = this.queue[this.head]
    return {
      waiting: this.queue.length - this.head,
      ratePerSecond: Math.round(this.rate),
      started: this.started,
      refusedBusy: this.refusedBusy,
      refusing: this.toRefuse.length - this.refuseHead,
      admittedLastSecond: this.perSecond.last,
      oldestWaitMs: first ? Math.round(now - first.since) : 0,
      longestWaitMs: Math.round(this.longestWait),
    }
  }

  /** One more connection started now. */
  private admitted(): void {
    this.started++
    this.countSecond(this.now())
    this.perSecond.count++
  }

  /** Moves the per-second count on to the second `now` is in. */
  private countSecond(now: number): void {
    const p = this.perSecond
    const s = Math.floor(now / 1000)
    if (s === p.second) return
    p.last = s === p.second + 1 ? p.count : 0
    p.count = 0
    p.second = s
  }

  /** Stop the timer (the broker closes); waiting connections are left to their sockets' close. */
  close(): void {
    clearTimeout(this.timer)
    this.timer = undefined
  }

  private refill(): void {
    const now = this.now()
    // At most one tick's worth saved up: no burst after a quiet while.
    this.tokens = Math.min(this.tokens + ((now - this.lastRefill) / 1000) * this.rate, Math.max(1, this.rate * (TICK_MS / 1000)))
    this.lastRefill = now
  }

  private schedule(): void {
    if (this.timer) return
    this.lastTick = this.now()
    this.timer = setTimeout(this.tick, TICK_MS)
  }

  /** One tick: read the loop's lag, adjust the rate, start what the tokens allow. */
  readonly tick = (): void => {
    this.timer = undefined
    const now = this.now()
    this.worstLag = Math.max(this.worstLag, now - this.lastTick - TICK_MS)
    if (now - this.lastAdjust >= ADJUST_EVERY_MS) {
      if (this.worstLag > LAG_HIGH_MS) this.rate = Math.max(MIN_RATE, this.rate * 0.75)
      else if (this.worstLag < LAG_LOW_MS) this.rate = Math.min(MAX_RATE, this.rate * 1.1 + 10)
      this.worstLag = 0
      this.lastAdjust = now
    }
    this.refill()
    while (this.head < this.queue.length && this.tokens >= 1) {
      const w = this.queue[this.head++]!
      this.longestWait = Math.max(this.longestWait, now - w.since)
      if (now - w.since > MAX_WAIT_MS) {
        this.toRefuse.push(w.refuse)
        continue
      }
      this.tokens--
      this.admitted()
      w.start()
    }
    if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue.splice(0, this.head)
      this.head = 0
    }
    if (this.head < this.queue.length) this.schedule()
    else {
      this.queue.length = 0
      this.head = 0
    }
    this.refuseSome()
  }

  /** Refuse the oldest connections to refuse for at most REFUSE_BUDGET_MS (at least one a tick). */
  private refuseSome(): void {
    const until = this.now() + REFUSE_BUDGET_MS
    const q = this.toRefuse
    do {
      if (this.refuseHead >= q.length) break
      this.refusedBusy++
      q[this.refuseHead++]!()
    } while (this.now() < until)
    if (this.refuseHead < q.length) {
      if (this.refuseHead >= 1024 && this.refuseHead * 2 >= q.length) {
        q.splice(0, this.refuseHead)
        this.refuseHead = 0
      }
      this.schedule()
    } else {
      this.toRefuse = []
      this.refuseHead = 0
    }
  }
}
