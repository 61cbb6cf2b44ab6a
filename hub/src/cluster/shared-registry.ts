import type { Device } from '../model/device.js'
import { RegistryError, type DeviceRegistry, type SharedDeviceState, type SharedRegistryWrites } from '../registry/device-registry.js'
import type { RegistryStore } from '../registry/registry-store.js'
import { decodeJson, encodeJson, fromKeyToken, keyToken, SharedBucket, type SharedStateOptions } from './shared-bucket.js'
import { REGISTRY_BUCKET } from './subjects.js'

/**
 * The device registry shared by every node (docs/cluster.md, "Shared registry and settings"):
 * the run-time changes — devices provisioned, retired, their secrets replaced, placed on a plan —
 * live in the bucket `hub_registry`, one key per device (`dev.<id>`), and every node applies
 * them to its own DeviceRegistry as they come (shared-bucket.ts). The zone file's devices are
 * every node's by configuration; the bucket holds only what changed at run time.
 *
 * - Provisioning creates the device's key if absent (or over a retired device's record, with
 *   compare-and-set): of two nodes provisioning one id at once, one wins and the other answers
 *   409 as a single node does. Retiring, replacing a secret and placing are compare-and-set on
 *   the key's last revision, asked again on a concurrent change.
 * - Nothing is applied on any node before the bucket holds it; the API answers once it does and
 *   this node has applied it. Every other node applies it from its watcher: an added device can
 *   connect there at once, a retired one or one with a replaced secret is revoked there through
 *   the registry's revocation listeners (the broker ends its sessions).
 * - A node starting loads the bucket's values before it takes devices (app.ts starts this before
 *   the broker listens). `registry.json` is then a copy written after every change applied,
 *   never read in cluster mode — except once: the first node to find the bucket never seeded
 *   (no `meta.seeded`) copies its file's run-time changes into it (create-if-absent), so a single
 *   hub turned into a cluster keeps the devices it provisioned.
 */
export type SharedDeviceRecord = SharedDeviceState & { v: 1 }

export interface SharedRegistry {
  readonly bucket: SharedBucket
  /** Devices the bucket holds a record of (every kind), as last applied here. */
  stats(): { records: number; applied: number; loadMs: number }
  close(): void
}

export interface SharedRegistryOptions extends SharedStateOptions {
  registry: DeviceRegistry
  /** The node's registry.json: read once to seed a bucket never seeded. */
  file: RegistryStore
}

const DEV = 'dev.'
const SEEDED = 'meta.seeded'

export const deviceKey = (id: string): string => `${DEV}${keyToken(id)}`

function decodeRecord(id: string, value: Uint8Array): SharedDeviceState {
  const r = decodeJson<SharedDeviceRecord>(value)
  if (r?.v !== 1) throw new Error(`record of ${id}: not version 1`)
  if (r.kind === 'runtime') {
    if (r.device?.id !== id || typeof r.secretHash !== 'string') throw new Error(`record of ${id}: a run-time device without its id or secret hash`)
    return { kind: 'runtime', device: r.device, secretHash: r.secretHash, ...(r.hj212Pw !== undefined ? { hj212Pw: r.hj212Pw } : {}) }
  }
  if (r.kind === 'zone') return { kind: 'zone', ...(r.secretHash ? { secretHash: r.secretHash } : {}), ...(r.position ? { position: r.position } : {}) }
  if (r.kind === 'retired') return { kind: 'retired' }
  throw new Error(`record of ${id}: unknown kind ${JSON.stringify((r as { kind?: unknown }).kind)}`)
}

const record = (s: SharedDeviceState): SharedDeviceRecord => ({ v: 1, ...s })

export async function startSharedRegistry(o: SharedRegistryOptions): Promise<SharedRegistry> {
  const started = Date.now()
  const bucket = await SharedBucket.open({ js: o.js, jsm: o.jsm, name: REGISTRY_BUCKET, replicas: o.replicas, log: o.log, deadlineMs: 60_000 })
  const { registry } = o
  await seedOnce(bucket, o)
  let applied = 0
  const records = new Set<string>()
  await bucket.start((key, value) => {
    if (!key.startsWith(DEV)) return
    const id = fromKeyToken(key.slice(DEV.length))
    let state: SharedDeviceState | undefined
    try {
      state = value ? decodeRecord(id, value) : undefined
    } catch (err) {
      o.log.error({ err: (err as Error).message, key }, 'shared registry record not applied')
      return
    }
    if (state) records.add(id)
    else records.delete(id)
    applied++
    registry.applyShared(id, state).catch((err: Error) => o.log.warn({ err: err.message }, 'registry.json (the local copy) not written'))
  })
  const loadMs = Date.now() - started
  o.log.info({ records: records.size, ms: loadMs }, 'shared registry loaded')

  /** The record a change starts from: the bucket's, else a zone device's own state, else none. */
  const base = (id: string, r: SharedDeviceRecord | undefined): SharedDeviceState | undefined => {
    if (r) return r.kind === 'retired' ? undefined : r
    return registry.inZone(id) ? { kind: 'zone' } : undefined
  }
  const missing = (id: string): RegistryError => new RegistryError('not_found', `device ${id} not found`)

  const writes: SharedRegistryWrites = {
    async provision(device: Device, secretHash: string, hj212Pw: string | undefined) {
      const next = record({ kind: 'runtime', device, secretHash, ...(hj212Pw !== undefined ? { hj212Pw } : {}) })
      const key = deviceKey(device.id)
      const made = await bucket.create(key, encodeJson(next))
      if (made !== 'exists') return
      // The key holds a record: provisioning goes on only over a retired device's.
      await bucket.change<SharedDeviceRecord>(key, (current) => {
        if (current && current.kind !== 'retired') throw new RegistryError('exists', `device ${device.id} already exists`)
        return next
      })
    },
    async retire(id: string) {
      await bucket.change<SharedDeviceRecord>(deviceKey(id), (current) => {
        if (!base(id, current)) throw missing(id)
        return record({ kind: 'retired' })
      })
    },
    async replaceSecret(id: string, secretHash: string) {
      await bucket.change<SharedDeviceRecord>(deviceKey(id), (current) => {
        const b = base(id, current)
        if (!b || b.kind === 'retired') throw missing(id)
        return record({ ...b, secretHash })
      })
    },
    async place(id: string, position: { x: number; y: number }) {
      await bucket.change<SharedDeviceRecord>(deviceKey(id), (current) => {
        const b = base(id, current)
        if (!b || b.kind === 'retired') throw missing(id)
        return record(b.kind === 'runtime' ? { ...b, device: { ...b.device, position } } : { ...b, position })
      })
    },
  }
  registry.share(writes)
  return {
    bucket,
    stats: () => ({ records: records.size, applied, loadMs }),
    close: () => bucket.stop(),
  }
}

/**
 * A bucket never seeded takes this node's registry.json (its run-time changes from single-node
 * days) with create-if-absent, then `meta.seeded`: done once per cluster. Two nodes seeding at
 * once merge, the first record of a device winning.
 */
async function seedOnce(bucket: SharedBucket, o: SharedRegistryOptions): Promise<void> {
  if (await bucket.get(SEEDED)) return
  const file = await o.file.load()
  const states = new Map<string, SharedDeviceState>()
  for (const id of file.retired) states.set(id, { kind: 'retired' })
  for (const { id, secretHash } of file.secrets ?? []) states.set(id, { kind: 'zone', secretHash })
  for (const { id, position } of file.positions ?? []) {
    const s = states.get(id)
    states.set(id, { ...(s?.kind === 'zone' ? s : { kind: 'zone' }), position })
  }
  for (const { device, secretHash } of file.devices) states.set(device.id, { kind: 'runtime', device, secretHash })
  let copied = 0
  for (const [id, s] of states) if ((await bucket.create(deviceKey(id), encodeJson(record(s)))) !== 'exists') copied++
  await bucket.create(SEEDED, encodeJson({ node: o.node, at: Date.now(), copied }))
  if (copied > 0) o.log.info({ devices: copied, node: o.node }, 'shared registry seeded from this node\'s registry.json')
}
