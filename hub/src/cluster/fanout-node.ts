import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Broker } from '../broker/broker.js'
import type { DeviceRegistry } from '../registry/device-registry.js'
import type { LiveFeed } from '../safety-loop.js'
import type { InfluxConnection } from '../store/influx-client.js'
import type { Snapshot } from '../model/live-events.js'
import { ActionBridge, type ActionHandler } from './action-bridge.js'
import { brokerHolds, CommandRelay } from './command-relay.js'
import { InfluxConsumer, type InfluxConsumerStats } from './influx-consumer.js'
import { LiveMirror, SNAPSHOT_OP, withMirror } from './live-mirror.js'
import { LiveRelay, type LiveRelayStats } from './live-relay.js'
import { INFLUX2_CONSUMER, INFLUX_CONSUMER } from './subjects.js'

/**
 * A cluster node's shared consumers and fan-out in one piece (docs/cluster.md), for the cluster
 * composition to start beside the readings log:
 *
 *   const fanout = await startFanout({ nc: link.nc, js: link.js, jsm: link.jsm, node,
 *     live: liveServer, snapshot: (p) => safety.snapshotFor(p), parks: () => zoneParkIds,
 *     ownedHere: (p) => ownership.owned().includes(p), broker, registry, log })
 *     // + influx (and influx2Url, holdBack) unless the composition runs the InfluxDB pullers itself
 *   new SafetyLoop({ …, live: fanout.live, commands: (topic, payload) => fanout.sendCommand(topic, payload) })
 *   live sources: snapshot: (parks) => fanout.snapshot(parks)   // own parks + the mirror of the others
 *   fanout.servePark(park, handler)           // when this node acquires a park; unservePark on loss
 *   health.cluster.fanout = fanout.stats()
 *   await fanout.close()                      // before the NATS link closes
 *
 * - InfluxDB (with `influx`): this node pulls the shared durable `influx` (and `influx2` when a
 *   second InfluxDB is set, with the same database and credentials).
 * - live: a LiveFeed for the safety loop; this node's sockets see every park's pushes.
 * - commands: the owner's device commands, delivered by the node holding the connection.
 * - actions: operator actions carried to a park's owner.
 * - mirror: the other nodes' parks (open alarms, incidents, risk) for this node's socket snapshots,
 *   seeded from each owner (SNAPSHOT_OP, answered by servePark) and kept current by the relay.
 */
export interface FanoutOptions {
  nc: NatsConnection
  js: JetStreamClient
  jsm: JetStreamManager
  node: string
  /**
   * This hub's InfluxDB (the managed influxd's URL, or INFLUX_URL), database and credentials: this
   * node's pullers of the shared consumers are started here. Leave it out where the composition
   * runs them itself (cluster-node.ts `startStorage`).
   */
  influx?: InfluxConnection | undefined
  /** HUB_INFLUX2_URL: a second InfluxDB written by its own consumer. */
  influx2Url?: string | undefined
  retention?: string
  /** True while this node's ingest is saturated (broker/loop-turns.ts): its InfluxDB pullers slow down, the other nodes take the work. */
  holdBack?: () => boolean
  /** This node's socket server. */
  live: LiveFeed
  /** This node's own snapshot (the safety loop's `snapshotFor`): the parks it owns. */
  snapshot: (parks: string[] | undefined) => Snapshot
  /** Every park of the zone, and whether this node owns one now: the others are mirrored. */
  parks: () => string[]
  ownedHere: (park: string) => boolean
  broker: Pick<Broker, 'aedes' | 'publish'>
  registry: Pick<DeviceRegistry, 'mayActFor'>
  log: { info(o: object, m: string): void; warn(o: object, m: string): void }
}

export interface FanoutStats {
  influx: InfluxConsumerStats[]
  live: LiveRelayStats
  mirror: LiveMirror['stats']
  actions: ActionBridge['stats']
  commands: CommandRelay['stats']
}

export interface Fanout {
  /** Hand to the safety loop as its `live`. */
  readonly live: LiveRelay
  readonly actions: ActionBridge
  readonly commands: CommandRelay
  readonly consumers: readonly InfluxConsumer[]
  readonly mirror: LiveMirror
  /** The LiveServer's `snapshot`: this node's parks from its safety loop, the others from the mirror. */
  snapshot(parks: string[] | undefined): Snapshot
  /** This node acquired the park: answer its actions with `handler` (and its snapshot for other nodes' mirrors). */
  servePark(park: string, handler: ActionHandler): void
  /** This node lost or released the park: stop answering; the mirror follows its next owner. */
  unservePark(park: string): void
  /** The safety loop's `commands`: the device id is the topic's fourth level (CONTRACT.md, `parks/{park}/{enterprise}/{device}/cmd`). */
  sendCommand(topic: string, payload: string): Promise<void>
  stats(): FanoutStats
  close(): Promise<void>
}

export async function startFanout(o: FanoutOptions): Promise<Fanout> {
  const actions = new ActionBridge({ nc: o.nc, node: o.node, log: o.log })
  const mirror = new LiveMirror({ bridge: actions, ownedHere: o.ownedHere, log: o.log })
  const live = new LiveRelay({ nc: o.nc, node: o.node, local: o.live, mirror, log: o.log })
  live.start()
  mirror.follow(() => o.parks().filter((p) => !o.ownedHere(p)))
  const commands = new CommandRelay({
    nc: o.nc, node: o.node, log: o.log,
    holds: brokerHolds(o.broker.aedes, o.registry),
    deliver: (topic, payload) => o.broker.publish(topic, payload, 1, false),
  })
  commands.start()
  const targets: [string, InfluxConnection][] = []
  if (o.influx) targets.push([INFLUX_CONSUMER, o.influx])
  if (o.influx && o.influx2Url) targets.push([INFLUX2_CONSUMER, { ...o.influx, url: o.influx2Url }])
  const consumers = targets.map(([name, target]) => new InfluxConsumer({ js: o.js, jsm: o.jsm, node: o.node, name, target, log: o.log, ...(o.retention ? { retention: o.retention } : {}), ...(o.holdBack ? { holdBack: o.holdBack } : {}) }))
  // Not awaited: a consumer waits for the READINGS stream on its own and starts pulling once it exists.
  for (const c of consumers) void c.start().catch((err: Error) => o.log.warn({ err: err.message, consumer: c.stats().consumer }, 'influx consumer did not start'))
  let closing: Promise<void> | undefined
  return {
    live, actions, commands, consumers, mirror,
    snapshot: (parks) => withMirror(o.snapshot(parks), mirror.snapshot(parks)),
    servePark(park, handler) {
      mirror.forget(park)
      actions.serve(park, (a) => (a.op === SNAPSHOT_OP ? o.snapshot([park]) : handler(a)))
    },
    unservePark(park) {
      actions.unserve(park)
      void mirror.seedSoon(park)
    },
    async sendCommand(topic, payload) {
      const levels = topic.split('/')
      const device = levels[3]
      if (levels.length !== 5 || levels[0] !== 'parks' || levels[4] !== 'cmd' || !device) throw new Error(`not a device command topic: ${topic}`)
      await commands.send(device, topic, payload)
    },
    stats: () => ({ influx: consumers.map((c) => c.stats()), live: live.stats(), mirror: { ...mirror.stats }, actions: { ...actions.stats }, commands: { ...commands.stats } }),
    close() {
      closing ??= (async () => {
        mirror.stop()
        actions.stop()
        commands.stop()
        await live.stop()
        await Promise.all(consumers.map((c) => c.stop()))
      })()
      return closing
    },
  }
}
