/**
 * The broker's state per session and per device, counted so it can be capped
 * (docs/security.md, broker sessions): who owns each stored (persistent) session, the QoS 2
 * publishes awaiting PUBREL, the messages queued for each stored session, and what was
 * refused or dropped at a cap. Pure bookkeeping: bounded-persistence.ts and authenticate.ts
 * consult and update it; nothing here touches a socket.
 */
export interface SessionLimits {
  /** QoS 2 publishes received and awaiting PUBREL, per device (over all its client ids) and in all. */
  qos2PerDevice: number
  qos2Total: number
  /** Stored sessions (clean session 0) per device and in all. */
  sessionsPerDevice: number
  sessionsTotal: number
  /** Messages queued for one stored session, and for all. */
  queuePerSession: number
  queueTotal: number
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  qos2PerDevice: 100,
  qos2Total: 10_000,
  sessionsPerDevice: 4,
  sessionsTotal: 20_000,
  queuePerSession: 100,
  queueTotal: 100_000,
}

export type RefusalReason = 'client_id' | 'session_owner' | 'sessions_per_device' | 'sessions_total' | 'session_dropped' | 'qos2_inflight' | 'queue_full' | 'revoked'

export interface SessionStats {
  storedSessions: number
  qos2InFlight: number
  queued: number
  refused: Record<string, number>
}

export class SessionBook {
  /** Stored sessions: client id → owner (device or gateway id). */
  private readonly owners = new Map<string, string>()
  /** Each owner's stored sessions, oldest use first (a Set keeps insertion order). */
  private readonly byOwner = new Map<string, Set<string>>()
  /** QoS 2 packet ids awaiting PUBREL, per client id, with the owner they count against. */
  private readonly qos2 = new Map<string, { owner: string; ids: Set<number> }>()
  private readonly qos2ByOwner = new Map<string, number>()
  private qos2All = 0
  private readonly queues = new Map<string, number>()
  private queuedAll = 0
  private readonly refusals = new Map<RefusalReason, number>()

  constructor(readonly limits: SessionLimits) {}

  count(reason: RefusalReason): void {
    this.refusals.set(reason, (this.refusals.get(reason) ?? 0) + 1)
  }

  /** The device or gateway a stored session under `clientId` belongs to. */
  ownerOf(clientId: string): string | undefined {
    return this.owners.get(clientId)
  }

  storedOf(owner: string): string[] {
    return [...(this.byOwner.get(owner) ?? [])]
  }

  storedIds(): string[] {
    return [...this.owners.keys()]
  }

  get storedTotal(): number {
    return this.owners.size
  }

  /** Record (or refresh, as the newest) `owner`'s stored session under `clientId`. */
  keep(owner: string, clientId: string): void {
    this.owners.set(clientId, owner)
    let set = this.byOwner.get(owner)
    if (!set) this.byOwner.set(owner, (set = new Set()))
    set.delete(clientId)
    set.add(clientId)
  }

  forget(clientId: string): void {
    const owner = this.owners.get(clientId)
    if (owner === undefined) return
    this.owners.delete(clientId)
    const set = this.byOwner.get(owner)
    set?.delete(clientId)
    if (set?.size === 0) this.byOwner.delete(owner)
  }

  /** Reserve a QoS 2 slot; false past the device's or the hub's cap (nothing reserved). */
  admitQos2(owner: string, clientId: string, messageId: number): boolean {
    const entry = this.qos2.get(clientId)
    if (entry?.ids.has(messageId)) return true
    if (!this.hasQos2Room(owner)) return false
    if (entry) entry.ids.add(messageId)
    else this.qos2.set(clientId, { owner, ids: new Set([messageId]) })
    this.qos2ByOwner.set(owner, (this.qos2ByOwner.get(owner) ?? 0) + 1)
    this.qos2All++
    return true
  }

  /** Would a QoS 2 publish with this id be admitted (already held, or room for it)? */
  mayTakeQos2(owner: string, clientId: string, messageId: number): boolean {
    return this.qos2.get(clientId)?.ids.has(messageId) === true || this.hasQos2Room(owner)
  }

  hasQos2Room(owner: string): boolean {
    return (this.qos2ByOwner.get(owner) ?? 0) < this.limits.qos2PerDevice && this.qos2All < this.limits.qos2Total
  }

  releaseQos2(clientId: string, messageId?: number): void {
    const entry = this.qos2.get(clientId)
    if (!entry) return
    const n = messageId === undefined ? entry.ids.size : entry.ids.delete(messageId) ? 1 : 0
    if (messageId === undefined) entry.ids.clear()
    if (n === 0) return
    this.qos2All -= n
    const left = (this.qos2ByOwner.get(entry.owner) ?? n) - n
    if (left > 0) this.qos2ByOwner.set(entry.owner, left)
    else this.qos2ByOwner.delete(entry.owner)
    if (entry.ids.size === 0) this.qos2.delete(clientId)
  }

  /** Room for one more message in `clientId`'s queue? */
  hasQueueRoom(clientId: string): boolean {
    return (this.queues.get(clientId) ?? 0) < this.limits.queuePerSession && this.queuedAll < this.limits.queueTotal
  }

  queued(clientId: string, delta: number): void {
    const n = Math.max(0, (this.queues.get(clientId) ?? 0) + delta)
    this.queuedAll += n - (this.queues.get(clientId) ?? 0)
    if (n > 0) this.queues.set(clientId, n)
    else this.queues.delete(clientId)
  }

  stats(): SessionStats {
    return { storedSessions: this.owners.size, qos2InFlight: this.qos2All, queued: this.queuedAll, refused: Object.fromEntries(this.refusals) }
  }
}
