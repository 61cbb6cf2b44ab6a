import type { Alarm } from '../model/alarm.js'
import type { Incident } from '../model/incident.js'
import type { Snapshot } from '../model/live-events.js'
import type { ParkRisk } from '../model/risk.js'
import { byNewest } from '../alarms/query.js'
import type { ActionBridge } from './action-bridge.js'

/**
 * What the parks other nodes own look like now, for this node's socket snapshots
 * (docs/cluster.md, "Live view"). A dashboard connecting to node B gets a snapshot on connect
 * (live-server.ts); B's own safety loop knows only the parks B owns, so the rest comes from this
 * mirror: each remote park's open alarms, open incidents and risk, first as its owner answers
 * SNAPSHOT_OP on `actions.<park>` (the owner's action handler answers it with its
 * `snapshotFor([park])`), then kept current by the pushes the live relay receives from other
 * nodes (live-relay.ts `mirror`). Pushes that arrive while a park's snapshot is on its way are
 * applied again after it, so an older snapshot never hides a newer push. Core NATS may drop a push
 * while a node is cut off, so every park is asked again every `resyncMs` (60 s).
 *
 *   const mirror = new LiveMirror({ bridge, log })
 *   new LiveRelay({ …, mirror })
 *   mirror.follow(() => zoneParks.filter((p) => !ownedHere(p)))   // seeds now, then every resyncMs
 *   mirror.forget(park)                                            // this node took the park
 *   snapshot: (parks) => merge(safety.snapshotFor(parks), mirror.snapshot(parks))
 */
export const SNAPSHOT_OP = 'live.snapshot'

export interface LiveMirrorOptions {
  bridge: Pick<ActionBridge, 'request'>
  resyncMs?: number
  /** Parks this node owns: their pushes are not mirrored (its own safety loop answers for them). */
  ownedHere?: (park: string) => boolean
  log: { warn(o: object, m: string): void }
}

type Push = { kind: 'alarm'; d: Alarm } | { kind: 'incident'; d: Incident } | { kind: 'risk'; d: ParkRisk }

interface ParkView {
  alarms: Map<string, Alarm>
  incidents: Map<string, Incident>
  risk: ParkRisk | undefined
}

const SYSTEM_USER = { name: 'system', roles: ['admin'] }
/** A minute: a push lost while a node was cut off is corrected within it. */
const DEFAULT_RESYNC_MS = 60_000
/** A park without an owner (a failover) is asked again at the next round rather than waited for. */
const SEED_TIMEOUT_MS = 2000

export class LiveMirror {
  private readonly parks = new Map<string, ParkView>()
  /** Parks whose snapshot is on its way: the pushes received meanwhile, to apply again after it. */
  private readonly seeding = new Map<string, Push[]>()
  private timer: NodeJS.Timeout | undefined
  private stopped = false
  readonly stats = { seeded: 0, seedFailures: 0 }

  constructor(private readonly o: LiveMirrorOptions) {}

  alarm(a: Alarm): void {
    this.apply({ kind: 'alarm', d: a })
  }

  incident(i: Incident): void {
    this.apply({ kind: 'incident', d: i })
  }

  risk(r: ParkRisk): void {
    this.apply({ kind: 'risk', d: r })
  }

  private view(park: string): ParkView {
    let v = this.parks.get(park)
    if (!v) this.parks.set(park, (v = { alarms: new Map(), incidents: new Map(), risk: undefined }))
    return v
  }

  private apply(p: Push): void {
    const park = p.d.park
    if (this.o.ownedHere?.(park)) return
    this.seeding.get(park)?.push(p)
    const v = this.view(park)
    if (p.kind === 'alarm') {
      // The snapshot's alarms are the open ones (alarms/query.ts 'open': not closed).
      if (p.d.workflow === 'closed') v.alarms.delete(p.d.id)
      else v.alarms.set(p.d.id, p.d)
    } else if (p.kind === 'incident') {
      if (p.d.state !== 'open') v.incidents.delete(p.d.id)
      else v.incidents.set(p.d.id, p.d)
    } else v.risk = p.d
  }

  /** Ask the park's owner for its snapshot and make it this park's view; false when no owner answered. */
  async seed(park: string): Promise<boolean> {
    if (this.seeding.has(park)) return false
    const during: Push[] = []
    this.seeding.set(park, during)
    try {
      const s = await this.o.bridge.request<Snapshot>(park, SNAPSHOT_OP, { park }, SYSTEM_USER, SEED_TIMEOUT_MS)
      const v: ParkView = { alarms: new Map(), incidents: new Map(), risk: undefined }
      for (const a of s.alarms) if (a.park === park) v.alarms.set(a.id, a)
      for (const i of s.incidents) if (i.park === park) v.incidents.set(i.id, i)
      v.risk = s.risk.find((r) => r.park === park)
      this.parks.set(park, v)
      this.seeding.delete(park)
      for (const p of during) this.apply(p)
      this.stats.seeded++
      return true
    } catch (err) {
      this.seeding.delete(park)
      this.stats.seedFailures++
      this.o.log.warn({ park, err: (err as Error).message }, 'live view of a park not seeded from its owner; pushes still apply')
      return false
    }
  }

  /**
   * The park left this node (lost, moved): ask its next owner until one answers, for up to
   * `withinMs` (a failover takes a lease time and a check, ~6 s with a 5 s lease), then leave it
   * to the next round.
   */
  async seedSoon(park: string, withinMs = 15_000): Promise<boolean> {
    const until = Date.now() + withinMs
    while (!this.stopped && Date.now() < until) {
      if (await this.seed(park)) return true
      await new Promise((r) => setTimeout(r, 1000))
    }
    return false
  }

  /** Seed the parks `remote()` names now and every `resyncMs`; parks no longer named are forgotten. */
  follow(remote: () => string[]): void {
    let running = false
    const round = async (): Promise<void> => {
      // A round still asking (owners slow, parks without one) is not doubled by the next.
      if (running) return
      running = true
      try {
        const parks = remote()
        for (const p of [...this.parks.keys()]) if (!parks.includes(p)) this.forget(p)
        // One at a time: a zone of hundreds of parks asks its owners gently.
        for (const p of parks) if (!this.stopped) await this.seed(p)
      } finally {
        running = false
      }
    }
    void round()
    this.timer = setInterval(() => void round(), this.o.resyncMs ?? DEFAULT_RESYNC_MS)
    this.timer.unref()
  }

  /** This node owns the park now (its own safety loop answers for it). */
  forget(park: string): void {
    this.parks.delete(park)
  }

  /** The mirrored parks' part of a snapshot (all mirrored parks when `parks` is undefined). */
  snapshot(parks: string[] | undefined): Omit<Snapshot, 'serverTime'> {
    const out: Omit<Snapshot, 'serverTime'> = { alarms: [], risk: [], incidents: [] }
    for (const [park, v] of this.parks) {
      if (parks !== undefined && !parks.includes(park)) continue
      out.alarms.push(...v.alarms.values())
      out.incidents.push(...v.incidents.values())
      if (v.risk) out.risk.push(v.risk)
    }
    return out
  }

  stop(): void {
    this.stopped = true
    clearInterval(this.timer)
    this.timer = undefined
  }
}

/** A node's own snapshot with the mirror's parks added (alarms newest first, as the alarm book lists them). */
export function withMirror(own: Snapshot, mirrored: Omit<Snapshot, 'serverTime'>): Snapshot {
  const alarms = [...own.alarms, ...mirrored.alarms].sort(byNewest)
  return { alarms, risk: [...own.risk, ...mirrored.risk], incidents: [...own.incidents, ...mirrored.incidents], serverTime: own.serverTime }
}
