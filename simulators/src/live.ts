/**
 * The live loop: the simulated clock moves on, the engine emits what is due, and the fleet
 * publishes it under the message-rate cap. If the cap (or the broker) is slower than the
 * devices, the backlog is bounded: the engine waits, so readings go out late but in order,
 * never dropped. Commands jump the queue.
 */
import type { Clock } from './clock.js'
import type { Command, Engine, Output } from './engine.js'
import type { Fleet } from './fleet.js'
import { sleep, type TokenBucket } from './rate-limiter.js'

export interface LiveOptions {
  engine: Engine
  fleet: Fleet
  clock: Clock
  /** Simulated ms to stop at (Infinity: until stopped). */
  until: number
  bucket: TokenBucket
  stopped: () => boolean
  maxInflight?: number
  /** Outputs held before the engine is asked for more. */
  highWater?: number
  tickMs?: number
  onNote?: (ts: number, text: string) => void
  onOutput?: (out: Output) => void
}

export class LiveRunner {
  private outbox: Output[] = []
  private head = 0
  private urgent: Output[] = []

  constructor(private readonly opts: LiveOptions) {}

  get backlog(): number {
    return this.outbox.length - this.head + this.urgent.length
  }

  /** A command from the cmd topic: the engine acts on it now; the reply goes out first. Returns false if unknown. */
  command(device: string, cmd: Command): boolean {
    const outs = this.opts.engine.command(device, cmd, this.opts.clock.now())
    this.urgent.push(...outs)
    return outs.length > 0
  }

  async run(): Promise<void> {
    const { engine, fleet, clock, bucket } = this.opts
    const maxInflight = this.opts.maxInflight ?? 2000
    const highWater = this.opts.highWater ?? 20_000
    const tick = this.opts.tickMs ?? 50
    while (!this.opts.stopped()) {
      const target = Math.min(clock.now(), this.opts.until)
      if (this.backlog < highWater && engine.time < target) {
        engine.runUntil(target, (out) => {
          if (out.type === 'note') this.opts.onNote?.(out.ts, out.text)
          else this.outbox.push(out)
        })
      }
      while (fleet.inflight < maxInflight) {
        const out = this.urgent.length > 0 ? this.urgent[0] : this.outbox[this.head]
        if (!out) break
        // Link changes are not messages; everything else spends a token.
        if (out.type !== 'link' && !bucket.take()) break
        if (this.urgent.length > 0) this.urgent.shift()
        else this.head++
        this.opts.onOutput?.(out)
        fleet.publish(out)
      }
      if (this.head > 10_000) {
        this.outbox = this.outbox.slice(this.head)
        this.head = 0
      }
      if (engine.time >= this.opts.until && this.backlog === 0) break
      await sleep(tick)
    }
  }
}
