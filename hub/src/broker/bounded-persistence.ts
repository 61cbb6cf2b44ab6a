import type { Readable } from 'node:stream'
import type { Client } from 'aedes'
import { identityOf, type Identity } from './identity.js'
import { aedesMemoryStore } from './aedes-internals.js'
import type { SessionBook } from './session-book.js'

/**
 * aedes's session state (MQTT 3.1.1 §4.1: subscriptions, messages queued for a stored session,
 * QoS 2 publishes received and awaiting PUBREL, the will), kept in aedes-persistence's memory
 * store, through a layer that
 * - stores only the subscriptions the client was granted: aedes stores the whole SUBSCRIBE's
 *   list when one topic of it is granted, and a negated topic kept there would queue another
 *   device's commands for this session (§3.9.3: a negated topic gets nothing);
 * - refuses a QoS 2 publish past the device's or the hub's cap (the store throws, aedes closes
 *   the connection without PUBREC: MQTT 3.1.1 §4.3.3 gives a receiver no way to take a QoS 2
 *   publish at a lower QoS, so the connection is what is refused);
 * - queues no more than the session's and the hub's cap of messages for stored sessions;
 * - can drop a client id's whole stored state (a retired device, a replaced secret, a session
 *   past the device's cap).
 */
interface Packet { messageId?: number; topic: string; [k: string]: unknown }
interface Sub { topic: string; qos: number; [k: string]: unknown }
type Who = Client | { id: string }

/** The promise API of aedes-persistence's memory store (types/asyncPersistence.d.ts). */
interface MemoryStore {
  setup(broker: unknown): Promise<void>
  storeRetained(p: Packet): Promise<void>
  createRetainedStreamCombi(patterns: string[]): Readable
  createRetainedStream(pattern: string): Readable
  addSubscriptions(c: Who, subs: Sub[]): Promise<void>
  removeSubscriptions(c: Who, topics: string[]): Promise<void>
  subscriptionsByClient(c: Who): Promise<Sub[]>
  countOffline(): Promise<{ subsCount: number; clientsCount: number }>
  subscriptionsByTopic(pattern: string): Promise<({ clientId: string } & Sub)[]>
  cleanSubscriptions(c: Who): Promise<void>
  outgoingEnqueue(sub: { clientId: string }, p: Packet): Promise<void>
  outgoingEnqueueCombi(subs: { clientId: string }[], p: Packet): Promise<void>
  outgoingUpdate(c: Who, p: Packet): Promise<void>
  outgoingClearMessageId(c: Who, p: Packet): Promise<Packet | undefined>
  outgoingStream(c: Who): Readable
  incomingStorePacket(c: Who, p: Packet): Promise<void>
  incomingGetPacket(c: Who, p: Packet): Promise<Packet>
  incomingDelPacket(c: Who, p: Packet): Promise<void>
  cleanIncoming(c: Who): Promise<void>
  putWill(c: Who, p: Packet): Promise<void>
  getWill(c: Who): Promise<Packet | undefined>
  delWill(c: Who): Promise<Packet | undefined>
  streamWill(brokers?: object): Readable
  getClientList(topic: string): Readable
  destroy(): Promise<void>
}

const memoryStore = aedesMemoryStore<MemoryStore>()

export interface BoundedPersistenceOptions {
  book: SessionBook
  /** May this identity receive a message on `topic` (its own devices' `cmd` topics)? */
  mayReceive(who: Identity | undefined, topic: string): boolean
  /** A stored session's queue is full: the live client under that id, if any, is closed. */
  onQueueFull(clientId: string): void
}

export class BoundedPersistence {
  private readonly store = new memoryStore()

  constructor(private readonly o: BoundedPersistenceOptions) {}

  // aedes checks that setup is an async function.
  async setup(broker: unknown): Promise<void> {
    await this.store.setup(broker)
  }

  storeRetained(p: Packet) { return this.store.storeRetained(p) }
  createRetainedStreamCombi(patterns: string[]) { return this.store.createRetainedStreamCombi(patterns) }
  createRetainedStream(pattern: string) { return this.store.createRetainedStream(pattern) }

  addSubscriptions(c: Who, subs: Sub[]): Promise<void> {
    const who = identityOf(c as Client)
    const granted = subs.filter((s) => this.o.mayReceive(who, s.topic))
    return granted.length ? this.store.addSubscriptions(c, granted) : Promise.resolve()
  }

  removeSubscriptions(c: Who, topics: string[]) { return this.store.removeSubscriptions(c, topics) }
  subscriptionsByClient(c: Who) { return this.store.subscriptionsByClient(c) }
  countOffline() { return this.store.countOffline() }
  subscriptionsByTopic(pattern: string) { return this.store.subscriptionsByTopic(pattern) }
  cleanSubscriptions(c: Who) { return this.store.cleanSubscriptions(c) }

  outgoingEnqueue(sub: { clientId: string }, p: Packet): Promise<void> {
    return this.outgoingEnqueueCombi([sub], p)
  }

  outgoingEnqueueCombi(subs: { clientId: string }[], p: Packet): Promise<void> {
    const room: { clientId: string }[] = []
    for (const s of subs) {
      if (this.o.book.hasQueueRoom(s.clientId)) {
        this.o.book.queued(s.clientId, 1)
        room.push(s)
      } else {
        this.o.book.count('queue_full')
        this.o.onQueueFull(s.clientId)
      }
    }
    return room.length ? this.store.outgoingEnqueueCombi(room, p) : Promise.resolve()
  }

  outgoingUpdate(c: Who, p: Packet) { return this.store.outgoingUpdate(c, p) }

  async outgoingClearMessageId(c: Who, p: Packet): Promise<Packet | undefined> {
    const cleared = await this.store.outgoingClearMessageId(c, p)
    if (cleared && c.id) this.o.book.queued(c.id, -1)
    return cleared
  }

  outgoingStream(c: Who) { return this.store.outgoingStream(c) }

  incomingStorePacket(c: Who, p: Packet): Promise<void> {
    const owner = identityOf(c as Client)?.id ?? c.id
    if (p.messageId === undefined || !this.o.book.admitQos2(owner, c.id, p.messageId)) {
      this.o.book.count('qos2_inflight')
      return Promise.reject(new Error(`QoS 2 publishes awaiting PUBREL over the cap (${this.o.book.limits.qos2PerDevice} a device, ${this.o.book.limits.qos2Total} in all)`))
    }
    return this.store.incomingStorePacket(c, p)
  }

  incomingGetPacket(c: Who, p: Packet) { return this.store.incomingGetPacket(c, p) }

  async incomingDelPacket(c: Who, p: Packet): Promise<void> {
    await this.store.incomingDelPacket(c, p)
    if (p.messageId !== undefined) this.o.book.releaseQos2(c.id, p.messageId)
  }

  async cleanIncoming(c: Who): Promise<void> {
    await this.store.cleanIncoming(c)
    this.o.book.releaseQos2(c.id)
  }

  putWill(c: Who, p: Packet) { return this.store.putWill(c, p) }
  getWill(c: Who) { return this.store.getWill(c) }
  delWill(c: Who) { return this.store.delWill(c) }
  streamWill(brokers?: object) { return this.store.streamWill(brokers) }
  getClientList(topic: string) { return this.store.getClientList(topic) }
  destroy() { return this.store.destroy() }

  /** Drop everything kept for `clientId`: subscriptions, queued messages, QoS 2 state, will. */
  async dropSession(clientId: string): Promise<void> {
    const who = { id: clientId }
    const queued: Packet[] = []
    for await (const p of this.store.outgoingStream(who)) queued.push(p as Packet)
    for (const p of queued) await this.outgoingClearMessageId(who, p)
    this.o.book.queued(clientId, -Number.MAX_SAFE_INTEGER)
    await this.store.cleanSubscriptions(who)
    await this.cleanIncoming(who)
    await this.store.delWill(who)
    this.o.book.forget(clientId)
  }
}
