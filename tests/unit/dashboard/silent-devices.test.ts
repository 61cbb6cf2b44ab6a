import { describe, expect, it } from 'vitest'
import { deviceCountKey, silentDeviceCount, silentDeviceRows, type SilentAreaRef, type SilentDeviceRef } from '../../../dashboard/src/lib/silent-devices.js'

const devices = new Map<string, SilentDeviceRef>([
  ['gas-1', { id: 'gas-1', name: '可燃气体探测器 1', nameEn: 'Gas detector 1', park: 'p1', area: 'a1' }],
  ['gas-2', { id: 'gas-2', name: '可燃气体探测器 2', park: 'p2' }],
])
const areas = new Map<string, SilentAreaRef>([['p1/a1', { id: 'a1', name: '罐区', nameEn: 'Tank farm' }]])
const areaOf = (park: string, area: string) => areas.get(`${park}/${area}`)

describe('a communications alarm’s silent devices', () => {
  it('counts the devices of a communications alarm and none of any other alarm', () => {
    expect(silentDeviceCount({ devices: ['gas-1', 'gas-2', 'x'] })).toBe(3)
    expect(silentDeviceCount({ devices: [] })).toBe(0)
    expect(silentDeviceCount({})).toBeUndefined()
    expect(silentDeviceCount({ devices: undefined })).toBeUndefined()
  })

  it('resolves each device and its area from the zone store, in the hub’s order', () => {
    const rows = silentDeviceRows({ park: 'p1', devices: ['gas-2', 'gas-1'] }, devices, areaOf)
    expect(rows.map((r) => r.id)).toEqual(['gas-2', 'gas-1'])
    expect(rows[0]).toEqual({ id: 'gas-2', device: devices.get('gas-2'), area: undefined, park: 'p2' })
    expect(rows[1]!.area?.name).toBe('罐区')
    expect(rows[1]!.park).toBe('p1')
  })

  it('keeps a device the registry does not know, under the alarm’s park', () => {
    const rows = silentDeviceRows({ park: 'p9', devices: ['ghost'] }, devices, areaOf)
    expect(rows).toEqual([{ id: 'ghost', device: undefined, area: undefined, park: 'p9' }])
  })

  it('lists a duplicated id once and nothing for an alarm without devices', () => {
    expect(silentDeviceRows({ park: 'p1', devices: ['gas-1', 'gas-1'] }, devices, areaOf)).toHaveLength(1)
    expect(silentDeviceRows({ park: 'p1' }, devices, areaOf)).toEqual([])
  })

  it('resolves hundreds of devices in one pass', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `d${i}`)
    const rows = silentDeviceRows({ park: 'p1', devices: ids }, devices, areaOf)
    expect(rows).toHaveLength(500)
    expect(rows[499]!.id).toBe('d499')
  })

  it('says “1 device” in the singular and N devices otherwise', () => {
    expect(deviceCountKey(1)).toBe('alarm.devicesOne')
    expect(deviceCountKey(0)).toBe('alarm.devicesN')
    expect(deviceCountKey(240)).toBe('alarm.devicesN')
  })
})
