import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Broker } from '../broker/broker.js'
import type { DeviceRegistry } from '../registry/device-registry.js'
import type { LiveFeed } from '../safety-loop.js'
import type { InfluxConnection } from '../store/influx-client.js'
import { ActionBridge } from './action-bridge.js'
import { brokerHolds, CommandRelay } from './command-relay.js'
import { InfluxConsumer, type InfluxConsumerStats } from './influx-consumer.js'
import { LiveRelay, type LiveRelayStats } from './live-relay.js'
import { INFLUX2_CONSUMER, INFLUX_CONSUMER } from './subjects.js'

/**
 * A cluster node's shared consumers and fan-out in one piece (docs/cluster.md), for the cluster
 * composition to start beside the readings log:
 *
 *   const fanout = await startFanout({ nc: link.nc, js: link.js, jsm: link.jsm, node, influx,
 *     influx2Url: settings.cluster.influx2Url, live: liveServer, broker, registry, log })
 *   new SafetyLoop({ …, live: fanout.live, commands: (topic, payload) => fanout.sendCommand(topic, payload) })
 *   fanout.actions.serve(park, handler)      // when this node acquires a park; unserve on loss
 *   health.cluster.fanout = fanout.stats()
 *   await fanout.close()                      // before the NATS link closes
 *
 * - InfluxDB: this node pulls the shared durable `influx` (and `influx2` when a second InfluxDB
 *   is set, with the same database and credentials); the local journal's writer then carries only
 *   what is not on the readings log (alarm steps, rejects, HJ 212 logger rows).
 * - live: a LiveFeed for the safety loop; this node's sockets see every park's pushes.
 * - commands: the owner's device commands, delivered by the node holding the connection.
 * - actions: operator actions carried to a park's owner.
 */
export interface FanoutOptions {
  nc: NatsConnection
  js: JetStreamClient
  jsm: JetStreamManager
  node: string
  /** This hub's InfluxDB (the managed influxd's URL, or INFLUX_URL), database and credentials. */
  influx: InfluxConnection
  /** HUB_INFLUX2_URL: a second InfluxDB written by its own consumer. */
  influx2Url?: string | undefined
  retention?: string
  /** This node's socket server. */
  live: LiveFeed
  broker: Pick<Broker, 'aedes' | 'publish'>
  registry: Pick<DeviceRegistry, 'mayActFor'>
  log: { info(o: object, m: string): void; warn(o: object, m: string): void }
}

export interface FanoutStats {
  influx: InfluxConsumerStats[]
  live: LiveRelayStats
  actions: ActionBridge['stats']
  commands: CommandRelay['stats']
}

export interface Fanout {
  /** Hand to the safety loop as its `live`. */
  readonly live: LiveRelay
  readonly actions: ActionBridge
  readonly commands: CommandRelay
  readonly consumers: readonly InfluxConsumer[]
  /** The safety loop's `commands`: the device id is the topic's fourth level (CONTRACT.md, `parks/{park}/{enterprise}/{device}/cmd`). */
  sendCommand(topic: string, payload: string): Promise<void>
  stats(): FanoutStats
  close(): Promise<void>
}

export async function startFanout(o: FanoutOptions): Promise<Fanout> {
  const live = new LiveRelay({ nc: o.nc, node: o.node, local: o.live, log: o.log })
  live.start()
  const actions = new ActionBridge({ nc: o.nc, node: o.node, log: o.log })
  const commands = new CommandRelay({
    nc: o.nc, node: o.node, log: o.log,
    holds: brokerHolds(o.broker.aedes, o.registry),
    deliver: (topic, payload) => o.broker.publish(topic, payload, 1, false),
  })
  commands.start()
  const targets: [string, InfluxConnection][] = [[INFLUX_CONSUMER, o.influx]]
  if (o.influx2Url) targets.push([INFLUX2_CONSUMER, { ...o.influx, url: o.influx2Url }])
  const consumers = targets.map(([name, target]) => new InfluxConsumer({ js: o.js, jsm: o.jsm, node: o.node, name, target, log: o.log, ...(o.retention ? { retention: o.retention } : {}) }))
  // Not awaited: a consumer waits for the READINGS stream on its own and starts pulling once it exists.
  for (const c of consumers) void c.start().catch((err: Error) => o.log.warn({ err: err.message, consumer: c.stats().consumer }, 'influx consumer did not start'))
  let closing: Promise<void> | undefined
  return {
    live, actions, commands, consumers,
    async sendCommand(topic, payload) {
      const levels = topic.split('/')
      const device = levels[3]
      if (levels.length !== 5 || levels[0] !== 'parks' || levels[4] !== 'cmd' || !device) throw new Error(`not a device command topic: ${topic}`)
      await commands.send(device, topic, payload)
    },
    stats: () => ({ influx: consumers.map((c) => c.stats()), live: live.stats(), actions: { ...actions.stats }, commands: { ...commands.stats } }),
    close() {
      closing ??= (async () => {
        actions.stop()
        commands.stop()
        await live.stop()
        await Promise.all(consumers.map((c) => c.stop()))
      })()
      return closing
    },
  }
}
