/**
 * The discrete-event core: every device's next sample, the scenario's timeline and the
 * world's fixed steps, processed in time order. It knows nothing of MQTT; it emits outputs
 * (telemetry, events, link changes, notes) that the fleet publishes, backfill batches, or a
 * test inspects. Given the same zone, seed and timeline it emits the same outputs, however
 * fast or slowly it is driven.
 */
import type { Device } from '../../hub/src/model/device.js'
import type { DataFlag } from '../../hub/src/model/vocabulary.js'
import { actionPark, type Action, type TimedAction } from './actions.js'
import { createModel, raisesEvents } from './device-factory.js'
import { FaultBook } from './models/faults.js'
import type { CommandName, DeviceModel, EventOut } from './models/types.js'
import { COMMANDS } from './models/types.js'
import { createRng, type Rng } from './prng.js'
import { World, WORLD_DT_SEC } from './world.js'

export type Output =
  | { type: 'telemetry'; device: string; ts: number; values: Record<string, number>; flags?: Record<string, DataFlag> }
  | { type: 'event'; device: string; ts: number; event: EventOut['type']; state: 'on' | 'off' }
  | { type: 'ack'; device: string; ts: number; command: string; id: string }
  | { type: 'link'; device: string; ts: number; up: boolean }
  | { type: 'logger_fault'; device: string; ts: number; fault: 'disconnect' | 'bad_crc'; durationMs: number; packets: number }
  | { type: 'note'; ts: number; text: string }

export interface Command {
  id: string
  command: string
  params?: Record<string, unknown>
}

export interface EngineOptions {
  seed: number
  /** Simulated ms at which the engine starts. */
  start: number
  /** A quiet world: no random incidents (normal-day). */
  quiet?: boolean
  tzOffsetMin?: number
  /** Interval jitter, as a fraction of the interval (±). */
  jitter?: number
  /** Only these devices sample from the start; others wait for `activate`. */
  activeFrom?: (device: Device) => boolean
}

interface SimDevice {
  device: Device
  model: DeviceModel
  rng: Rng
  index: number
  next: number
  active: boolean
}

type Internal = { kind: 'link_up'; device: string }
interface Queued {
  t: number
  seq: number
  action: Action | Internal
  label: string | undefined
}

export class Engine {
  readonly world: World
  readonly faults = new FaultBook()
  private readonly sims: SimDevice[]
  private readonly byId = new Map<string, SimDevice>()
  private readonly eventDevices = new Map<string, SimDevice[]>()
  private readonly heap: SimDevice[] = []
  private queue: Queued[] = []
  private seq = 0
  private readonly jitter: number
  /** Floor on sample intervals (backfill thins real-time devices to minute data). */
  minIntervalMs = 0
  time: number

  constructor(devices: readonly Device[], opts: EngineOptions) {
    const root = createRng(opts.seed)
    this.time = opts.start
    this.jitter = opts.jitter ?? 0.1
    this.world = new World(root.fork('world'), { start: opts.start, quiet: opts.quiet ?? false, tzOffsetMin: opts.tzOffsetMin ?? 480 })
    this.sims = devices.map((device, index) => {
      const rng = root.fork(`device:${device.id}`)
      const sim: SimDevice = { device, model: createModel(device, rng.fork('model')), rng, index, next: Infinity, active: false }
      this.byId.set(device.id, sim)
      if (raisesEvents(device)) {
        const list = this.eventDevices.get(device.park) ?? []
        list.push(sim)
        this.eventDevices.set(device.park, list)
      }
      return sim
    })
    const first = opts.activeFrom ?? (() => true)
    for (const sim of this.sims) if (first(sim.device)) this.activateOne(sim, opts.start)
  }

  get devices(): readonly Device[] {
    return this.sims.map((s) => s.device)
  }

  device(id: string): Device | undefined {
    return this.byId.get(id)?.device
  }

  model(id: string): DeviceModel | undefined {
    return this.byId.get(id)?.model
  }

  /** Start sampling the devices not yet active, from time t. */
  activate(t: number, which: (device: Device) => boolean = () => true): void {
    for (const sim of this.sims) if (!sim.active && which(sim.device)) this.activateOne(sim, t)
  }

  private activateOne(sim: SimDevice, t: number): void {
    sim.active = true
    // First sample at a random phase within one interval: no burst when thousands start.
    sim.next = t + sim.rng.next() * this.intervalOf(sim)
    this.heapPush(sim)
  }

  private intervalOf(sim: SimDevice): number {
    return Math.max(sim.device.interval * 1000, this.minIntervalMs)
  }

  /** Put a timeline on the queue, its offsets counted from `start`. */
  schedule(timeline: readonly TimedAction[], start: number): void {
    for (const step of timeline) this.enqueue(start + step.at * 1000, step.action, step.label)
  }

  private enqueue(t: number, action: Action | Internal, label?: string): void {
    const q: Queued = { t, seq: this.seq++, action, label }
    // Insert in order (timelines are short; a linear search from the end is plenty).
    let i = this.queue.length
    while (i > 0 && (this.queue[i - 1]?.t ?? 0) > t) i--
    this.queue.splice(i, 0, q)
  }

  /** Everything due up to and including t, in time order. */
  runUntil(t: number, emit: (out: Output) => void): void {
    for (;;) {
      const action = this.queue[0]
      const sample = this.heap[0]
      const busy = this.world.busy
      const tStep = busy ? this.world.time + WORLD_DT_SEC * 1000 : Infinity
      const tAction = action?.t ?? Infinity
      const tSample = sample?.next ?? Infinity
      const tNext = Math.min(tAction, tStep, tSample)
      if (tNext > t) break
      if (!busy) this.world.skipTo(tNext)
      this.time = Math.max(this.time, tNext)
      if (tAction === tNext && action) {
        this.queue.shift()
        this.perform(action, emit)
      } else if (tStep === tNext) {
        this.world.step(WORLD_DT_SEC)
        for (const park of this.world.busyParks()) this.pollPark(park, this.world.time, WORLD_DT_SEC, emit)
      } else if (sample) {
        this.heapPop()
        this.sampleDevice(sample, emit)
      }
    }
    if (!this.world.busy) this.world.skipTo(t)
    this.time = Math.max(this.time, t)
  }

  private perform(q: Queued, emit: (out: Output) => void): void {
    const a = q.action
    if (q.label) emit({ type: 'note', ts: q.t, text: q.label })
    if (a.kind === 'link_up') {
      emit({ type: 'link', device: a.device, ts: q.t, up: true })
      return
    }
    if (a.kind === 'logger_fault') {
      emit({ type: 'logger_fault', device: a.device, ts: q.t, fault: a.fault, durationMs: a.durationSec * 1000, packets: a.packets ?? 3 })
      return
    }
    if (a.kind === 'fault') {
      if (!this.byId.has(a.device)) return
      this.faults.set(a.device, a.fault, q.t, q.t + a.durationSec * 1000, a.metric)
      if (a.fault === 'offline') {
        emit({ type: 'link', device: a.device, ts: q.t, up: false })
        this.enqueue(q.t + a.durationSec * 1000, { kind: 'link_up', device: a.device })
      }
      return
    }
    this.world.apply(a, q.t)
    const park = actionPark(a) ?? this.byId.get('device' in a ? a.device : '')?.device.park
    if (park) this.pollPark(park, q.t, 0, emit)
  }

  private pollPark(park: string, t: number, dt: number, emit: (out: Output) => void): void {
    for (const sim of this.eventDevices.get(park) ?? []) {
      const events = sim.model.poll?.(t, this.world, dt) ?? []
      if (events.length === 0 || this.silenced(sim.device.id, t)) continue
      for (const e of events) emit({ type: 'event', device: sim.device.id, ts: Math.round(t), event: e.type, state: e.state })
    }
  }

  /** A device that is offline or dropped out sends nothing. */
  private silenced(device: string, t: number): boolean {
    const f = this.faults.active(device, t)
    return f === 'offline' || f === 'dropout'
  }

  private sampleDevice(sim: SimDevice, emit: (out: Output) => void): void {
    const t = sim.next
    const raw = sim.model.sample(t, this.world)
    const sample = this.faults.apply(sim.device.id, t, raw, sim.model)
    if (sample) {
      emit({ type: 'telemetry', device: sim.device.id, ts: Math.round(t), values: sample.values, ...(sample.flags ? { flags: sample.flags } : {}) })
    }
    const interval = this.intervalOf(sim)
    sim.next = t + interval * (1 + sim.rng.uniform(-this.jitter, this.jitter))
    this.heapPush(sim)
  }

  /**
   * A command from the cmd topic, applied at simulated time t. Returns what the device
   * sends back: the `command_ack`, then any events the command caused. Unknown commands and
   * unknown devices return nothing.
   */
  command(deviceId: string, cmd: Command, t: number): Output[] {
    const sim = this.byId.get(deviceId)
    if (!sim || !(COMMANDS as readonly string[]).includes(cmd.command)) return []
    const name = cmd.command as CommandName
    const at = Math.max(t, this.time)
    switch (name) {
      case 'close_valve':
        this.world.leakFor(sim.device)?.closeValve()
        break
      case 'open_valve':
        this.world.leakFor(sim.device)?.openValve()
        break
      case 'sound_siren':
        this.world.sirens.add(deviceId)
        break
      case 'silence_siren':
        this.world.sirens.delete(deviceId)
        break
      case 'reset':
        this.world.releaseCallPoint(deviceId)
        break
    }
    const out: Output[] = [{ type: 'ack', device: deviceId, ts: Math.round(at), command: name, id: cmd.id }]
    for (const e of sim.model.command?.(name, at, this.world) ?? []) {
      out.push({ type: 'event', device: deviceId, ts: Math.round(at), event: e.type, state: e.state })
    }
    return out
  }

  /** Time of the next thing the engine will do (Infinity when nothing is left). */
  nextDue(): number {
    return Math.min(this.queue[0]?.t ?? Infinity, this.heap[0]?.next ?? Infinity, this.world.busy ? this.world.time + WORLD_DT_SEC * 1000 : Infinity)
  }

  // ---- binary heap on (next, index) ----

  private less(a: SimDevice, b: SimDevice): boolean {
    return a.next < b.next || (a.next === b.next && a.index < b.index)
  }

  private heapPush(sim: SimDevice): void {
    const h = this.heap
    h.push(sim)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      const parent = h[p] as SimDevice
      if (!this.less(sim, parent)) break
      h[i] = parent
      i = p
    }
    h[i] = sim
  }

  private heapPop(): SimDevice | undefined {
    const h = this.heap
    const top = h[0]
    const last = h.pop()
    if (!top || !last || h.length === 0) return top
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      let best = last
      const hl = h[l]
      const hr = h[r]
      if (hl && this.less(hl, best)) {
        m = l
        best = hl
      }
      if (hr && this.less(hr, best)) m = r
      if (m === i) break
      h[i] = h[m] as SimDevice
      i = m
    }
    h[i] = last
    return top
  }
}
