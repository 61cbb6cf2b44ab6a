import { describe, expect, it } from 'vitest'
import { DeviceRegistry } from '../../../hub/src/registry/device-registry.js'
import { ActuatorIndex } from '../../../hub/src/registry/actuator-index.js'
import { ZONE, devices } from '../risk/fixtures.js'

async function registry(): Promise<DeviceRegistry> {
  const all = devices().map((s) => s.device)
  // Two of the zone's devices drive a shut-off valve.
  const zone = { ...ZONE, devices: all.map((d, i) => (i < 2 ? { ...d, actuators: ['shutoff_valve'] } : d)) }
  const r = new DeviceRegistry(zone as never, { load: async () => ({ version: 1, devices: [], retired: [] }), save: async () => {} })
  await r.open()
  return r
}

const ids = (index: ActuatorIndex): string[] => [...index.devices()].map((d) => d.id).sort()
const walked = (r: DeviceRegistry): string[] => [...r.all()].filter((x) => x.device.actuators?.length).map((x) => x.device.id).sort()

describe('the devices that drive an actuator', () => {
  it('are the registry\'s as it changes: provisioned, retired, moved', async () => {
    const r = await registry()
    const index = new ActuatorIndex(r)
    expect(ids(index)).toHaveLength(2)
    expect(ids(index)).toEqual(walked(r))
    const first = [...r.all()][0]!.device
    const { device } = await r.provision({ ...first, id: 'new-valve-1', actuators: ['shutoff_valve'] })
    expect(ids(index)).toContain(device.id)
    await r.retire(first.id)
    expect(ids(index)).not.toContain(first.id)
    expect(ids(index)).toEqual(walked(r))
    // A position change keeps the device and hands out the record's current copy.
    await r.place('new-valve-1', { x: 1, y: 2 })
    expect([...index.devices()].find((d) => d.id === 'new-valve-1')?.position).toEqual({ x: 1, y: 2 })
  })
})
