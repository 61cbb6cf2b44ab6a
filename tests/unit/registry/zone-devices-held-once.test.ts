import { describe, expect, it } from 'vitest'
import { hashSecret } from '../../../hub/src/config/credentials.js'
import { DeviceRegistry } from '../../../hub/src/registry/device-registry.js'
import { ZONE, devices } from '../risk/fixtures.js'

/**
 * The zone's devices are held once: the registry's device is the zone's own object (not a copy
 * beside it: ≈ 14 MB in a 100,000-device zone, docs/performance.md), and the zone the hub holds
 * keeps no secret hash — the registry does, and still authenticates with it, also after a
 * cluster's change gives the device back as the zone file has it.
 */
describe('the registry holds the zone file\'s devices once', () => {
  it('takes the zone\'s device objects without their secret hashes, and authenticates with the hashes it keeps', async () => {
    const zone = { ...ZONE, devices: devices().map((s, i) => ({ ...s.device, secretHash: hashSecret(`secret-${i}`) })) }
    const r = new DeviceRegistry(zone, { load: async () => ({ version: 1, devices: [], retired: [] }), save: async () => {} })
    await r.open()
    expect(zone.devices.length).toBeGreaterThan(2)
    zone.devices.forEach((d, i) => {
      expect(d).not.toHaveProperty('secretHash')
      expect(r.get(d.id)!.device).toBe(d)
      expect(r.authenticate(d.id, `secret-${i}`)).toBe('device')
      expect(r.authenticate(d.id, `secret-${i + 1}`)).toBeUndefined()
    })
    // A cluster's record that moves the device and keeps the zone's secret: the zone's hash still holds.
    const first = zone.devices[0]!
    await r.applyShared(first.id, { kind: 'zone', position: { x: 1, y: 2 } })
    expect(r.get(first.id)!.device.position).toEqual({ x: 1, y: 2 })
    expect(r.authenticate(first.id, 'secret-0')).toBe('device')
    // Retired, then given back as the zone file has it: the zone's own object and hash.
    await r.applyShared(first.id, { kind: 'retired' })
    expect(r.get(first.id)).toBeUndefined()
    await r.applyShared(first.id, undefined)
    expect(r.get(first.id)!.device).toBe(first)
    expect(r.authenticate(first.id, 'secret-0')).toBe('device')
  })
})
