import { describe, expect, it } from 'vitest'
import { parseZone, ZoneFileError } from '../../../hub/src/config/zone-file.js'

const zone = (muster: string): string => `
id: z
name: 区
nameEn: Zone
parks:
  - id: p
    name: 园
    nameEn: Park
    kind: chemical
    site: { width: 100, height: 100, buildings: [] }
    areas: []
    enterprises: []
${muster}
gateways: []
devices: []
users: []
`

describe('assembly points in the zone file (docs/hazard.md)', () => {
  it('takes a park\'s assembly points in metres on its site plan', () => {
    const z = parseZone(zone('    musterPoints: [ { id: m1, name: 西门集合点, nameEn: West gate assembly point, position: { x: 5, y: 50 } } ]'))
    expect(z.parks[0]!.musterPoints).toEqual([{ id: 'm1', name: '西门集合点', nameEn: 'West gate assembly point', position: { x: 5, y: 50 } }])
  })

  it('refuses one without a position, or the same id twice in a park, naming where', () => {
    expect(() => parseZone(zone('    musterPoints: [ { id: m1, name: 集合点 } ]'), 'zone.yaml')).toThrow(/musterPoints\/0/)
    const twice = () => parseZone(zone('    musterPoints: [ { id: m1, name: a, position: { x: 1, y: 1 } }, { id: m1, name: b, position: { x: 2, y: 2 } } ]'), 'zone.yaml')
    expect(twice).toThrow(ZoneFileError)
    expect(twice).toThrow(/\/parks\/0\/musterPoints\/1\/id: duplicate assembly point id m1/)
  })
})
