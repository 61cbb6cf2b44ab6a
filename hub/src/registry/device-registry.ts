import type { Device } from '../model/device.js'
import type { Gateway, Zone } from '../model/zone.js'
import { generateSecret, hashSecret, verifySecret } from '../config/credentials.js'
import type { RegistryFile, RegistryStore } from './registry-store.js'
import { flatJoin } from '../model/flat-join.js'

/**
 * Devices and gateways: those of the zone file plus those provisioned at run time.
 * Run-time changes (new devices, retirements) are saved through a RegistryStore so they
 * survive a restart. Only secret hashes are held.
 */
export interface DeviceState {
  online: boolean
  lastSeen: number | null
}

export interface RegisteredDevice {
  device: Device
  secretHash: string | undefined
  source: 'zone' | 'runtime'
  state: DeviceState
  /** Topic prefix `parks/{park}/{enterprise}/{device}/`. */
  prefix: string
}

export type RegistryListener = (event: { type: 'added' | 'removed'; device: Device }) => void
/** A device's credentials no longer hold: it was retired, or its secret was replaced. */
export type RevocationListener = (deviceId: string) => void

/**
 * A device's run-time state as cluster mode shares it (cluster/shared-registry.ts): a device
 * provisioned at run time (`runtime`), a zone-file device's replaced secret and position (`zone`),
 * or a retired device (`retired`). Undefined: nothing changed at run time (a zone device as the
 * zone file has it, any other id unknown).
 */
export type SharedDeviceState =
  | { kind: 'runtime'; device: Device; secretHash: string; hj212Pw?: string }
  | { kind: 'zone'; secretHash?: string; position?: { x: number; y: number } }
  | { kind: 'retired' }

/**
 * Cluster mode: where run-time changes are written before any node applies them. Each call
 * resolves once the change is held by the cluster and applied here (`applyShared`), or throws
 * (RegistryError, or the cluster's refusal) with nothing changed on this node.
 */
export interface SharedRegistryWrites {
  provision(device: Device, secretHash: string, hj212Pw: string | undefined): Promise<void>
  retire(id: string): Promise<void>
  replaceSecret(id: string, secretHash: string): Promise<void>
  place(id: string, position: { x: number; y: number }): Promise<void>
}

/** Cluster mode: how often at most the local copy of the shared registry is written. */
const COPY_EVERY_MS = 250

export class RegistryError extends Error {
  constructor(readonly code: 'exists' | 'not_found' | 'invalid', message: string) {
    super(message)
    this.name = 'RegistryError'
  }
}

export function topicPrefix(d: Pick<Device, 'park' | 'enterprise' | 'id'>): string {
  return flatJoin('/', 'parks', d.park, d.enterprise, d.id, '')
}

export class DeviceRegistry {
  private readonly devices = new Map<string, RegisteredDevice>()
  private readonly gateways = new Map<string, Gateway>()
  private readonly byGateway = new Map<string, Set<string>>()
  private readonly listeners: RegistryListener[] = []
  private readonly revocationListeners: RevocationListener[] = []
  private saved: RegistryFile = { version: 1, devices: [], retired: [] }
  private changes = 0
  /** Devices online, kept as their state changes: health asks often, and a walk of 100,000 devices held the loop. */
  private onlineCount = 0
  /** Cluster mode: run-time changes go through the cluster (`share`); undefined on a single node. */
  private shared: SharedRegistryWrites | undefined
  /** Saves of the local copy, one at a time (cluster mode writes it after every applied change). */
  private saving: Promise<void> = Promise.resolve()
  private saveQueued = false
  /** Cluster mode: each device's state as the cluster holds it (the local copy is written from it). */
  private readonly sharedStates = new Map<string, SharedDeviceState>()
  /** The zone file's devices by id, made at the first cluster change (a lookup per record, not a walk of the zone). */
  private zoneById: Map<string, Zone['devices'][number]> | undefined
  /** The zone file's secret hashes (its devices keep none once the registry is open). */
  private readonly zoneSecrets = new Map<string, string>()

  /**
   * `keepHj212Pw`: where an HJ 212 logger's PW goes (a secret kept in the data dir, 0600): a
   * device's `hj212.pw` is handed to it and the device is held without it, so no API reply,
   * log or registry.json carries it.
   */
  constructor(private readonly zone: Zone, private readonly store: RegistryStore, private readonly keepHj212Pw?: (deviceId: string, pw: string) => void) {}

  /** Load the zone's devices, then the run-time changes on top. */
  async open(): Promise<void> {
    for (const g of this.zone.gateways) this.gateways.set(g.id, g)
    // The zone the hub holds keeps no secret hashes: each zone device becomes the registry's
    // own (one object a device, not the zone file's and a copy), its hash kept here.
    this.zone.devices.forEach(({ secretHash, ...device }, i) => {
      if (secretHash !== undefined) this.zoneSecrets.set(device.id, secretHash)
      this.zone.devices[i] = device
      this.put(device, secretHash, 'zone')
    })
    // The zone the hub holds keeps no HJ 212 PW either (the keeper has it).
    if (this.keepHj212Pw) for (const d of this.zone.devices) if (d.hj212) delete d.hj212.pw
    this.saved = await this.store.load()
    for (const id of this.saved.retired) this.drop(id)
    for (const { id, secretHash } of this.saved.secrets ?? []) {
      const rec = this.devices.get(id)
      if (rec) rec.secretHash = secretHash
    }
    for (const { id, position } of this.saved.positions ?? []) {
      const rec = this.devices.get(id)
      if (rec) rec.device = { ...rec.device, position }
    }
    for (const r of this.saved.devices) this.put(r.device, r.secretHash, 'runtime')
  }

  get(id: string): RegisteredDevice | undefined {
    return this.devices.get(id)
  }

  gateway(id: string): Gateway | undefined {
    return this.gateways.get(id)
  }

  all(): IterableIterator<RegisteredDevice> {
    return this.devices.values()
  }

  get size(): number {
    return this.devices.size
  }

  /** How many devices are online now (counted as they change, not by a walk). */
  get online(): number {
    return this.onlineCount
  }

  onChange(listener: RegistryListener): void {
    this.listeners.push(listener)
  }

  /** Told when a device is retired or its secret replaced (the broker ends its sessions). */
  onRevoked(listener: RevocationListener): void {
    this.revocationListeners.push(listener)
  }

  /** Constant-time check of a device's or gateway's secret. */
  authenticate(id: string, secret: Buffer | string): 'device' | 'gateway' | undefined {
    const dev = this.devices.get(id)
    if (dev) return verifySecret(secret, dev.secretHash) ? 'device' : undefined
    const gw = this.gateways.get(id)
    if (gw) return verifySecret(secret, gw.secretHash) ? 'gateway' : undefined
    // Spend the same work on an unknown id, so timing does not tell which ids exist.
    verifySecret(secret, 'sha256$AAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')
    return undefined
  }

  /** May `client` (a device or gateway id) publish for `deviceId`? Own device, or a device configured behind the gateway. */
  mayActFor(client: string, deviceId: string): boolean {
    if (client === deviceId) return this.devices.has(deviceId)
    return this.byGateway.get(client)?.has(deviceId) ?? false
  }

  /** Provision a device at run time; returns the secret, shown once. */
  async provision(given: Device): Promise<{ device: Device; secret: string }> {
    // Shared: the PW is kept when the cluster's record is applied (applyShared), not before it is written.
    const device = this.shared ? stripPw(given) : this.withoutPw(given)
    if (this.devices.has(device.id) || this.gateways.has(device.id)) throw new RegistryError('exists', `device ${device.id} already exists`)
    if (device.gateway !== undefined && !this.gateways.has(device.gateway)) throw new RegistryError('invalid', `unknown gateway ${device.gateway}`)
    const secret = generateSecret()
    const secretHash = hashSecret(secret)
    if (this.shared) {
      await this.shared.provision(device, secretHash, given.hj212?.pw)
      return { device: this.devices.get(device.id)?.device ?? device, secret }
    }
    this.put(device, secretHash, 'runtime')
    this.saved.devices.push({ device, secretHash })
    this.saved.retired = this.saved.retired.filter((id) => id !== device.id)
    await this.store.save(this.saved)
    this.emit({ type: 'added', device })
    return { device, secret }
  }

  /** Retire a device: it can no longer connect or publish; its history stays in InfluxDB. */
  async retire(id: string): Promise<Device> {
    const rec = this.devices.get(id)
    if (!rec) throw new RegistryError('not_found', `device ${id} not found`)
    if (this.shared) {
      await this.shared.retire(id)
      return rec.device
    }
    this.drop(id)
    this.saved.devices = this.saved.devices.filter((r) => r.device.id !== id)
    if (this.saved.secrets) this.saved.secrets = this.saved.secrets.filter((r) => r.id !== id)
    if (rec.source === 'zone' && !this.saved.retired.includes(id)) this.saved.retired.push(id)
    await this.store.save(this.saved)
    this.emit({ type: 'removed', device: rec.device })
    for (const l of this.revocationListeners) l(id)
    return rec.device
  }

  /** Replace a device's secret; returns the new one, shown once. The old one stops working at once. */
  async replaceSecret(id: string): Promise<{ device: Device; secret: string }> {
    const rec = this.devices.get(id)
    if (!rec) throw new RegistryError('not_found', `device ${id} not found`)
    const secret = generateSecret()
    const secretHash = hashSecret(secret)
    if (this.shared) {
      await this.shared.replaceSecret(id, secretHash)
      return { device: this.devices.get(id)?.device ?? rec.device, secret }
    }
    rec.secretHash = secretHash
    const saved = this.saved.devices.find((r) => r.device.id === id)
    if (saved) saved.secretHash = secretHash
    else {
      // A zone device: only its secret is kept here, its other fields stay the zone file's.
      this.saved.secrets = (this.saved.secrets ?? []).filter((r) => r.id !== id)
      this.saved.secrets.push({ id, secretHash })
    }
    await this.store.save(this.saved)
    for (const l of this.revocationListeners) l(id)
    return { device: rec.device, secret }
  }

  /** Place a device on its park's plan (metres), kept across restarts; the device as it is now. */
  async place(id: string, position: { x: number; y: number }): Promise<Device> {
    const rec = this.devices.get(id)
    if (!rec) throw new RegistryError('not_found', `device ${id} not found`)
    if (this.shared) {
      await this.shared.place(id, position)
      return this.devices.get(id)?.device ?? { ...rec.device, position }
    }
    rec.device = { ...rec.device, position }
    const saved = this.saved.devices.find((r) => r.device.id === id)
    if (saved) saved.device = { ...saved.device, position }
    else this.saved.positions = [...(this.saved.positions ?? []).filter((r) => r.id !== id), { id, position }]
    await this.store.save(this.saved)
    return rec.device
  }

  /**
   * Cluster mode: from now on provision, retire, replaceSecret and place write through `writes`
   * (the cluster's bucket) and are applied by `applyShared`; the local store is then a copy.
   */
  share(writes: SharedRegistryWrites): void {
    this.shared = writes
  }

  /** Is `id` a device of the zone file (retired or not)? */
  inZone(id: string): boolean {
    return this.zoneDevice(id) !== undefined
  }

  private zoneDevice(id: string): Zone['devices'][number] | undefined {
    this.zoneById ??= new Map(this.zone.devices.map((d) => [d.id, d]))
    return this.zoneById.get(id)
  }

  /**
   * Cluster mode: a device's state as the cluster holds it, applied here — the same effects as
   * the local change had (listeners told of added and removed devices; a retired device or a
   * replaced secret revoked, so the broker ends its sessions) — and kept in the local copy.
   * Returns the local copy's save (errors are the caller's to log).
   */
  applyShared(id: string, state: SharedDeviceState | undefined): Promise<void> {
    const rec = this.devices.get(id)
    const zoneDevice = this.zoneDevice(id)
    let next: { device: Device; secretHash: string | undefined; source: 'zone' | 'runtime' } | undefined
    if (state?.kind === 'runtime') {
      if (state.hj212Pw !== undefined) this.keepHj212Pw?.(id, state.hj212Pw)
      next = { device: state.device, secretHash: state.secretHash, source: 'runtime' }
    } else if (state?.kind !== 'retired' && zoneDevice) {
      next = { device: state?.position ? { ...zoneDevice, position: state.position } : zoneDevice, secretHash: state?.secretHash ?? this.zoneSecrets.get(id), source: 'zone' }
    }
    if (!next) {
      if (rec) {
        this.drop(id)
        this.emit({ type: 'removed', device: rec.device })
        for (const l of this.revocationListeners) l(id)
      }
    } else if (rec && rec.prefix === topicPrefix(next.device) && rec.device.gateway === next.device.gateway) {
      // The same device in the same place: its connection state stays; a new secret revokes the old one.
      const revoked = rec.secretHash !== next.secretHash
      // What the device drives is part of who it is (actuator-index.ts).
      if (String(rec.device.actuators) !== String(next.device.actuators)) this.changes++
      rec.device = next.device
      rec.secretHash = next.secretHash
      rec.source = next.source
      if (revoked) for (const l of this.revocationListeners) l(id)
    } else {
      if (rec) {
        this.drop(id)
        for (const l of this.revocationListeners) l(id)
      }
      this.put(next.device, next.secretHash, next.source)
      this.emit({ type: 'added', device: this.devices.get(id)!.device })
    }
    this.keepShared(id, state)
    return this.saveCopy()
  }

  /** The local copy follows the cluster's state of one device (the file is made from the states when saved). */
  private keepShared(id: string, state: SharedDeviceState | undefined): void {
    if (state) this.sharedStates.set(id, state)
    else this.sharedStates.delete(id)
  }

  /** The cluster's states as a registry file (what a single node would have kept for the same changes). */
  private sharedFile(): RegistryFile {
    const file: RegistryFile = { version: 1, devices: [], retired: [] }
    for (const [id, state] of this.sharedStates) {
      if (state.kind === 'runtime') file.devices.push({ device: state.device, secretHash: state.secretHash })
      else if (state.kind === 'retired') {
        if (this.inZone(id)) file.retired.push(id)
      } else {
        if (state.secretHash) (file.secrets ??= []).push({ id, secretHash: state.secretHash })
        if (state.position) (file.positions ??= []).push({ id, position: state.position })
      }
    }
    return file
  }

  /**
   * The local copy written at most every COPY_EVERY_MS, one save at a time, with every change
   * made meanwhile: at start a node applies the whole bucket, and a save after each record
   * (the whole file each time) applied 39,513 of 100,000 records in 30 s.
   */
  private saveCopy(): Promise<void> {
    if (this.saveQueued) return this.saving
    this.saveQueued = true
    this.saving = this.saving.catch(() => undefined)
      .then(() => new Promise((r) => setTimeout(r, COPY_EVERY_MS).unref()))
      .then(() => {
        this.saveQueued = false
        this.saved = this.sharedFile()
        return this.store.save(this.saved)
      })
    return this.saving
  }

  /** Mark a device heard from at `ts` (a reading or event arrived). Returns true when it came back online. */
  touch(id: string, ts: number): boolean {
    const rec = this.devices.get(id)
    if (!rec) return false
    if (rec.state.lastSeen === null || ts > rec.state.lastSeen) rec.state.lastSeen = ts
    if (rec.state.online) return false
    rec.state.online = true
    this.onlineCount++
    return true
  }

  /** Set a device's online state; returns true when it changed. */
  setOnline(id: string, online: boolean, ts: number): boolean {
    const rec = this.devices.get(id)
    if (!rec) return false
    if (online) return this.touch(id, ts)
    if (!rec.state.online) return false
    rec.state.online = false
    this.onlineCount--
    return true
  }

  /** Bumped by every change of who the devices are and where they belong (caches of authorisation check it). */
  get version(): number {
    return this.changes
  }

  /** The device without its HJ 212 PW, which goes to `keepHj212Pw`. */
  private withoutPw(device: Device): Device {
    const pw = device.hj212?.pw
    if (pw === undefined || !this.keepHj212Pw) return device
    this.keepHj212Pw(device.id, pw)
    return stripPw(device)
  }

  private put(given: Device, secretHash: string | undefined, source: 'zone' | 'runtime'): void {
    const device = this.withoutPw(given)
    this.drop(device.id)
    this.changes++
    this.devices.set(device.id, { device, secretHash, source, state: { online: false, lastSeen: null }, prefix: topicPrefix(device) })
    if (device.gateway !== undefined) {
      let set = this.byGateway.get(device.gateway)
      if (!set) this.byGateway.set(device.gateway, (set = new Set()))
      set.add(device.id)
    }
  }

  private drop(id: string): void {
    const rec = this.devices.get(id)
    if (!rec) return
    this.changes++
    this.devices.delete(id)
    if (rec.state.online) this.onlineCount--
    if (rec.device.gateway !== undefined) this.byGateway.get(rec.device.gateway)?.delete(id)
  }

  private emit(event: { type: 'added' | 'removed'; device: Device }): void {
    for (const l of this.listeners) l(event)
  }
}

function stripPw(device: Device): Device {
  if (device.hj212?.pw === undefined) return device
  const { pw: _kept, ...identity } = device.hj212
  return { ...device, hj212: identity }
}
