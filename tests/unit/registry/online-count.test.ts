import { describe, expect, it } from 'vitest'
import { DeviceRegistry } from '../../../hub/src/registry/device-registry.js'
import { NOW, ZONE, devices } from '../risk/fixtures.js'

async function registry(): Promise<DeviceRegistry> {
  const zone = { ...ZONE, devices: devices().map((s) => s.device) }
  const r = new DeviceRegistry(zone, { load: async () => ({ version: 1, devices: [], retired: [] }), save: async () => {} })
  await r.open()
  return r
}

const walked = (r: DeviceRegistry) => [...r.all()].filter((d) => d.state.online).length

describe('the registry counts devices online as they change', () => {
  it('follows touch, setOnline and retirement, and always equals a walk of every device', async () => {
    const r = await registry()
    const ids = [...r.all()].map((d) => d.device.id)
    expect(r.online).toBe(0)
    r.touch(ids[0]!, NOW)
    r.touch(ids[0]!, NOW + 1) // already online: no second count
    r.setOnline(ids[1]!, true, NOW)
    r.touch(ids[2]!, NOW)
    expect(r.online).toBe(3)
    r.setOnline(ids[1]!, false, NOW + 2)
    r.setOnline(ids[1]!, false, NOW + 3) // already offline
    expect(r.online).toBe(2)
    await r.retire(ids[2]!)
    expect(r.online).toBe(1)
    r.touch('no-such-device', NOW)
    expect(r.online).toBe(walked(r))
    expect(r.online).toBe(1)
  })
})
