import { describe, expect, it } from 'vitest'
import { DeviceRegistry } from '../../../hub/src/registry/device-registry.js'
import type { RegistryFile } from '../../../hub/src/registry/registry-store.js'
import { hashSecret } from '../../../hub/src/config/credentials.js'
import type { Device } from '../../../hub/src/model/device.js'
import type { Zone } from '../../../hub/src/model/zone.js'
import { fromKeyToken, keyToken } from '../../../hub/src/cluster/shared-bucket.js'

/**
 * The registry's side of the shared registry (cluster/shared-registry.ts): a device state from
 * the cluster's bucket applied as the local change would have been — listeners told, a retired
 * device or a replaced secret revoked, connection state kept across a secret or position change
 * — and the local copy (registry.json) following the bucket.
 */
const device = (id: string, o: Partial<Device> = {}): Device => ({ id, kind: 'gas', park: 'p', enterprise: 'e', name: id, metrics: ['lel'], interval: 5, ...o })

async function registry(): Promise<{ r: DeviceRegistry; saved: () => RegistryFile | undefined; events: string[] }> {
  const zone = { devices: [{ ...device('z1'), secretHash: hashSecret('zone-secret') }], gateways: [] } as unknown as Zone
  let saved: RegistryFile | undefined
  const r = new DeviceRegistry(zone, { load: async () => ({ version: 1, devices: [], retired: [] }), save: async (f) => void (saved = structuredClone(f)) })
  await r.open()
  const events: string[] = []
  r.onChange((e) => events.push(`${e.type} ${e.device.id}`))
  r.onRevoked((id) => events.push(`revoked ${id}`))
  return { r, saved: () => saved, events }
}

describe('shared registry: states applied to a node\'s registry', () => {
  it('a run-time device added, its secret replaced (revoked, still online), retired (removed, revoked)', async () => {
    const { r, saved, events } = await registry()
    await r.applyShared('d1', { kind: 'runtime', device: device('d1'), secretHash: hashSecret('s1') })
    expect(r.authenticate('d1', 's1')).toBe('device')
    expect(events).toEqual(['added d1'])
    r.setOnline('d1', true, 1)
    const s2 = hashSecret('s2')
    await r.applyShared('d1', { kind: 'runtime', device: device('d1'), secretHash: s2 })
    expect(r.authenticate('d1', 's1')).toBeUndefined()
    expect(r.authenticate('d1', 's2')).toBe('device')
    expect(r.get('d1')!.state.online).toBe(true)
    expect(events).toEqual(['added d1', 'revoked d1'])
    await r.applyShared('d1', { kind: 'runtime', device: device('d1', { position: { x: 3, y: 4 } }), secretHash: s2 })
    expect(r.get('d1')!.device.position).toEqual({ x: 3, y: 4 })
    expect(events).toHaveLength(2)
    await r.applyShared('d1', { kind: 'retired' })
    expect(r.get('d1')).toBeUndefined()
    expect(r.online).toBe(0)
    expect(events).toEqual(['added d1', 'revoked d1', 'removed d1', 'revoked d1'])
    expect(saved()).toEqual({ version: 1, devices: [], retired: [] })
  })

  it('a zone device: secret and position over the zone file\'s, retired, and back to the zone file\'s when the record goes', async () => {
    const { r, saved, events } = await registry()
    await r.applyShared('z1', { kind: 'zone', secretHash: hashSecret('new'), position: { x: 1, y: 2 } })
    expect(r.authenticate('z1', 'zone-secret')).toBeUndefined()
    expect(r.authenticate('z1', 'new')).toBe('device')
    expect(r.get('z1')!.device.position).toEqual({ x: 1, y: 2 })
    expect(saved()!.secrets).toHaveLength(1)
    expect(saved()!.positions).toEqual([{ id: 'z1', position: { x: 1, y: 2 } }])
    await r.applyShared('z1', { kind: 'retired' })
    expect(r.get('z1')).toBeUndefined()
    expect(saved()!.retired).toEqual(['z1'])
    await r.applyShared('z1', undefined)
    expect(r.authenticate('z1', 'zone-secret')).toBe('device')
    expect(events).toEqual(['revoked z1', 'removed z1', 'revoked z1', 'added z1'])
  })

  it('once shared, changes go through the writes and nothing is applied when they fail', async () => {
    const { r } = await registry()
    r.share({
      provision: async () => { throw new Error('no quorum') },
      retire: async () => { throw new Error('no quorum') },
      replaceSecret: async () => { throw new Error('no quorum') },
      place: async () => { throw new Error('no quorum') },
    })
    await expect(r.provision(device('d2'))).rejects.toThrow('no quorum')
    expect(r.get('d2')).toBeUndefined()
    await expect(r.retire('z1')).rejects.toThrow('no quorum')
    await expect(r.replaceSecret('z1')).rejects.toThrow('no quorum')
    await expect(r.place('z1', { x: 9, y: 9 })).rejects.toThrow('no quorum')
    expect(r.authenticate('z1', 'zone-secret')).toBe('device')
    expect(r.get('z1')!.device.position).toBeUndefined()
  })

  it('an HJ 212 logger\'s PW goes with the shared record: kept where it is applied, never before the write', async () => {
    const kept: string[] = []
    const zone = { devices: [], gateways: [] } as unknown as Zone
    const r = new DeviceRegistry(zone, { load: async () => ({ version: 1, devices: [], retired: [] }), save: async () => undefined }, (id, pw) => kept.push(`${id}:${pw}`))
    await r.open()
    const written: { device: Device; pw: string | undefined }[] = []
    r.share({
      provision: async (device, secretHash, pw) => {
        written.push({ device, pw })
        expect(kept).toEqual([])
        await r.applyShared(device.id, { kind: 'runtime', device, secretHash, ...(pw ? { hj212Pw: pw } : {}) })
      },
      retire: async () => undefined, replaceSecret: async () => undefined, place: async () => undefined,
    })
    const made = await r.provision(device('l1', { kind: 'emission', metrics: ['so2'], hj212: { mn: 'MN-l1', pw: 'pw-1' } }))
    expect(made.device.hj212).toEqual({ mn: 'MN-l1' })
    expect(written[0]!.device.hj212).toEqual({ mn: 'MN-l1' })
    expect(written[0]!.pw).toBe('pw-1')
    expect(kept).toEqual(['l1:pw-1'])
  })

  it('keys: ids travel as KV tokens and come back', () => {
    for (const id of ['a.b', 'x_y-z', 'a..b', '.lead']) {
      expect(keyToken(id)).toMatch(/^[A-Za-z0-9_=-]+$/)
      expect(fromKeyToken(keyToken(id))).toBe(id)
    }
  })
})
