import type { Aedes, Client } from 'aedes'
import type { DeviceRegistry } from '../registry/device-registry.js'
import { judgeClientId } from './client-ids.js'
import { identityOf, type Identity } from './identity.js'
import { BoundedPersistence } from './bounded-persistence.js'
import { mayReceive } from './authorize-subscribe.js'
import { connectedClients } from './aedes-internals.js'
import { SessionBook, type SessionLimits, type SessionStats } from './session-book.js'

/**
 * Sessions tied to devices (docs/contract.md, MQTT sessions): which client ids a device may
 * use, who may resume a stored session, the caps on stored sessions, and the end of every
 * session of a device that is retired or whose secret is replaced.
 */
export type Admission = { ok: true } | { ok: false; returnCode: 2 | 3 | 5; why: string }

export class BrokerSessions {
  readonly book: SessionBook
  readonly persistence: BoundedPersistence
  private aedes: Aedes | undefined

  constructor(private readonly registry: DeviceRegistry, limits: SessionLimits, private readonly log: (msg: string, data: object) => void) {
    this.book = new SessionBook(limits)
    this.persistence = new BoundedPersistence({
      book: this.book,
      mayReceive: (who, topic) => mayReceive(registry, who, topic),
      onQueueFull: (clientId) => this.closeLive(clientId, 'its queue of unacknowledged messages is full'),
    })
    // A device retired or given a new secret: its connections end now, its stored sessions go.
    registry.onRevoked((id) => void this.revoke(id))
    // A device added whose id names an existing client id's namespace takes it over.
    registry.onChange((e) => {
      if (e.type === 'added') void this.dropNamespace(e.device.id)
    })
  }

  attach(aedes: Aedes): void {
    this.aedes = aedes
  }

  /** aedes' connected clients by client id (a null-prototype object). */
  private clients(): Record<string, Client> {
    return connectedClients(this.aedes)
  }

  /** aedes' authorizeForward: a message reaches a client only on its own devices' `cmd` topics. */
  forward = (client: Client, packet: { topic: string }): typeof packet | null => (mayReceive(this.registry, identityOf(client), packet.topic) ? packet : null)

  /** Checked before ingest sees a QoS 2 publish: would its device's cap take it? Counted when not. */
  mayTakeQos2(client: Client, packet: { messageId?: number }): boolean {
    // A will message (published by the broker at an unclean close) has no packet id and holds no slot.
    if (packet.messageId === undefined) return true
    const owner = identityOf(client)?.id ?? client.id
    if (this.book.mayTakeQos2(owner, client.id, packet.messageId)) return true
    this.book.count('qos2_inflight')
    this.log('mqtt connection closed', { clientId: client.id, device: owner, why: 'QoS 2 publishes awaiting PUBREL over the cap' })
    return false
  }

  /**
   * After the secret is checked, at CONNECT: the client id must be the identity's (or a clean
   * session's third-party id), no other device may hold it live or stored, and a new stored
   * session must fit the device's and the hub's caps.
   */
  async admit(client: Client, who: Identity): Promise<Admission> {
    const id = client.id
    const clean = client.clean !== false
    const verdict = judgeClientId(this.registry, who.id, id, clean)
    if (!verdict.ok) return this.refuse('client_id', verdict.returnCode, verdict.why)
    const live = this.clients()[id]
    const liveOwner = live ? identityOf(live)?.id : undefined
    if (live && liveOwner !== who.id) return this.refuse('session_owner', 2, `client id ${id.slice(0, 64)} is in use by another device`)
    const storedOwner = this.book.ownerOf(id)
    if (storedOwner !== undefined && storedOwner !== who.id) return this.refuse('session_owner', 2, `the session ${id.slice(0, 64)} belongs to another device`)
    // MQTT 3.1.1 §3.1.2.4: a clean session discards what was stored (aedes cleans it).
    if (clean) {
      if (storedOwner !== undefined) await this.persistence.dropSession(id)
      return { ok: true }
    }
    if (storedOwner === who.id) {
      this.book.keep(who.id, id)
      return { ok: true }
    }
    // A loop: another CONNECT of the same device may have added one while this one waited.
    for (let mine = this.book.storedOf(who.id); mine.length >= this.book.limits.sessionsPerDevice; mine = this.book.storedOf(who.id)) {
      // The oldest of the device's stored sessions with no live connection goes; if all are live, the new one is refused.
      const oldest = mine.find((cid) => this.clients()[cid] === undefined)
      if (oldest === undefined) return this.refuse('sessions_per_device', 3, `${who.id} already has ${mine.length} live persistent sessions`)
      await this.persistence.dropSession(oldest)
      this.book.count('session_dropped')
      this.log('mqtt stored session dropped', { device: who.id, clientId: oldest, why: `over ${this.book.limits.sessionsPerDevice} stored sessions a device` })
    }
    if (this.book.storedTotal >= this.book.limits.sessionsTotal) return this.refuse('sessions_total', 3, `the hub holds ${this.book.storedTotal} stored sessions`)
    this.book.keep(who.id, id)
    return { ok: true }
  }

  private refuse(reason: 'client_id' | 'session_owner' | 'sessions_per_device' | 'sessions_total', returnCode: 2 | 3 | 5, why: string): Admission {
    this.book.count(reason)
    return { ok: false, returnCode, why }
  }

  /** End every live connection of `deviceId` and drop its stored sessions. */
  async revoke(deviceId: string): Promise<void> {
    const closing: Promise<void>[] = []
    for (const client of Object.values(this.clients())) {
      if (identityOf(client)?.id !== deviceId) continue
      this.book.count('revoked')
      closing.push(new Promise<void>((resolve) => client.close(() => resolve())))
    }
    await Promise.all(closing)
    for (const cid of this.book.storedOf(deviceId)) await this.persistence.dropSession(cid)
    if (closing.length) this.log('mqtt sessions ended', { device: deviceId, connections: closing.length, why: 'retired or secret replaced' })
  }

  /** A newly registered id: sessions of others under it or its `<id>-` namespace end. */
  private async dropNamespace(newId: string): Promise<void> {
    for (const client of Object.values(this.clients())) {
      if ((client.id === newId || client.id.startsWith(`${newId}-`)) && identityOf(client)?.id !== newId) client.close()
    }
    for (const cid of this.book.storedIds()) {
      if ((cid === newId || cid.startsWith(`${newId}-`)) && this.book.ownerOf(cid) !== newId) await this.persistence.dropSession(cid)
    }
  }

  private closeLive(clientId: string, why: string): void {
    const client = this.clients()[clientId]
    if (!client) return
    this.log('mqtt connection closed', { clientId, why })
    client.close()
  }

  stats(): SessionStats {
    return this.book.stats()
  }
}
