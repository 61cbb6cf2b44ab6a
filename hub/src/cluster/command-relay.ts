import type { NatsConnection, Subscription } from '@nats-io/transport-node'
import type { Aedes } from 'aedes'
import { connectedClients } from '../broker/aedes-internals.js'
import { identityOf } from '../broker/identity.js'
import type { DeviceRegistry } from '../registry/device-registry.js'
import { commandSubject, fromToken } from './subjects.js'

/**
 * Device commands in cluster mode (docs/cluster.md, "Device commands"). The park's owner decides
 * a command; the device may be connected to any node. The owner sends it as a NATS request on
 * `commands.<device>` (`{topic, payload}`); every node subscribes `commands.>` and only a node
 * holding the device's MQTT connection (the device's own, or its gateway's) publishes it through
 * its broker (QoS 1, not retained, as in single-node mode) and answers. The owner's send resolves
 * on that answer and rejects when no node answers within the timeout: a command for a device
 * connected to no node is refused, not queued (the incident records the failure and the operator
 * sees it), unlike single-node mode where a persistent session would hold it.
 *
 * Two nodes may both think they hold a device for a moment (a connection that moved and whose old
 * socket has not yet been seen to close): both deliver, the command carries its id and expiry
 * (response/types.ts CommandPayload) and a device acts on an id once.
 *
 *   const relay = new CommandRelay({ nc, node, holds: brokerHolds(broker.aedes, registry), deliver: (t, p) => broker.publish(t, p, 1, false), log })
 *   relay.start()
 *   await relay.send(device, topic, JSON.stringify(payload))   // on the owner
 */
export interface CommandRelayOptions {
  nc: NatsConnection
  node: string
  /** Is this device's connection (or its gateway's) on this node? */
  holds(device: string): boolean
  /** Publish to the device through this node's broker. */
  deliver(topic: string, payload: string): Promise<void>
  /** How long the owner waits for a node holding the device (default 3 s). */
  timeoutMs?: number
  log: { warn(o: object, m: string): void }
}

type Reply = { ok: true; node: string } | { ok: false; node: string; error: string }

/** The owner waits this long for the holding node: the NATS round trip is ~1 ms on a LAN; the rest is the broker's QoS 1 hand-over. */
const DEFAULT_TIMEOUT_MS = 3000
const encoder = new TextEncoder()
const decoder = new TextDecoder()

export class CommandRelay {
  private sub: Subscription | undefined
  readonly stats = { sent: 0, delivered: 0, notConnected: 0, failed: 0 }

  constructor(private readonly o: CommandRelayOptions) {}

  /** Deliver the commands meant for devices connected here. */
  start(): void {
    if (this.sub) return
    this.sub = this.o.nc.subscribe('commands.>', {
      callback: (err, msg) => {
        if (err) return this.o.log.warn({ err: err.message }, 'command subscription failed')
        const device = fromToken(msg.subject.slice('commands.'.length))
        if (!this.o.holds(device)) return
        let c: { topic: string; payload: string }
        try {
          c = JSON.parse(decoder.decode(msg.data)) as { topic: string; payload: string }
          if (typeof c.topic !== 'string' || typeof c.payload !== 'string') throw new Error('expected {topic, payload}')
        } catch (e) {
          this.o.log.warn({ err: (e as Error).message, device }, 'device command not understood')
          return
        }
        this.o.deliver(c.topic, c.payload).then(
          () => {
            this.stats.delivered++
            return { ok: true, node: this.o.node } satisfies Reply
          },
          (e: Error) => ({ ok: false, node: this.o.node, error: e.message }) satisfies Reply,
        ).then((r: Reply) => {
          try {
            if (msg.reply) msg.respond(encoder.encode(JSON.stringify(r)))
          } catch {
            // The owner gave up waiting; the device has the command anyway.
          }
        })
      },
    })
  }

  /** On the park's owner: resolves with the node that delivered it; rejects when none holds the device or the broker refused. */
  async send(device: string, topic: string, payload: string): Promise<string> {
    this.stats.sent++
    let r: Reply
    try {
      const msg = await this.o.nc.request(commandSubject(device), encoder.encode(JSON.stringify({ topic, payload })), { timeout: this.o.timeoutMs ?? DEFAULT_TIMEOUT_MS })
      r = JSON.parse(decoder.decode(msg.data)) as Reply
    } catch (err) {
      // Every node subscribes, so silence (a timeout, or no responders when NATS has no node at all) means no node holds the device.
      this.stats.notConnected++
      throw new Error(`device ${device} is connected to no hub node (${(err as Error).message})`)
    }
    if (!r.ok) {
      this.stats.failed++
      throw new Error(`node ${r.node} could not deliver the command: ${r.error}`)
    }
    return r.node
  }

  stop(): void {
    this.sub?.unsubscribe()
    this.sub = undefined
  }
}

/** `holds` for a broker: a connected client authenticated as the device, or as a gateway acting for it. */
export function brokerHolds(aedes: Aedes, registry: Pick<DeviceRegistry, 'mayActFor'>): (device: string) => boolean {
  return (device) => {
    for (const client of Object.values(connectedClients(aedes))) {
      const who = identityOf(client)
      if (who && client.connected && registry.mayActFor(who.id, device)) return true
    }
    return false
  }
}
