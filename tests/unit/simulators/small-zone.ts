/** A small hand-made zone for the simulator tests: two parks, a handful of each device kind. */
import type { Device } from '../../../hub/src/model/device.js'
import type { Zone } from '../../../hub/src/model/zone.js'

function dev(id: string, park: string, enterprise: string, area: string | undefined, kind: Device['kind'], type: string, metrics: string[], x: number, y: number, interval: number, extra: Partial<Device> = {}): Device {
  return { id, kind, type, park, enterprise, ...(area ? { area } : {}), name: id, metrics, position: { x, y }, interval, ...extra }
}

const site = { width: 400, height: 300, buildings: [] }

export function smallZone(): Zone {
  const devices: Device[] = [
    // Chemical park, hydrogen area: three combustible detectors, an O2 cell, fire devices.
    dev('g-h2-1', 'chem', 'e-h2', 'a-h2', 'gas', 'combustible', ['lel'], 20, 20, 5),
    dev('g-h2-2', 'chem', 'e-h2', 'a-h2', 'gas', 'combustible', ['lel'], 45, 20, 5),
    dev('g-h2-3', 'chem', 'e-h2', 'a-h2', 'gas', 'combustible', ['lel'], 30, 45, 5),
    dev('g-o2-1', 'chem', 'e-h2', 'a-h2', 'gas', 'oxygen', ['o2'], 25, 30, 5),
    dev('f-sm-1', 'chem', 'e-h2', 'a-h2', 'fire', 'smoke', ['smoke', 'temp'], 30, 20, 10),
    dev('f-ht-1', 'chem', 'e-h2', 'a-h2', 'fire', 'heat', ['temp'], 36, 26, 10),
    dev('f-fl-1', 'chem', 'e-h2', 'a-h2', 'fire', 'flame', [], 55, 35, 30),
    dev('f-cp-1', 'chem', 'e-h2', 'a-h2', 'fire', 'call_point', [], 42, 10, 60),
    dev('f-pn-1', 'chem', 'e-h2', 'a-h2', 'fire', 'panel', [], 5, 5, 60),
    // Chemical park, chlorination area: chlorine and HCl detectors.
    dev('g-cl-1', 'chem', 'e-ti', 'a-cl', 'gas', 'toxic', ['cl2'], 220, 40, 5),
    dev('g-cl-2', 'chem', 'e-ti', 'a-cl', 'gas', 'toxic', ['cl2'], 245, 40, 5),
    dev('g-hcl-1', 'chem', 'e-ti', 'a-cl', 'gas', 'toxic', ['hcl'], 230, 65, 5),
    dev('g-co-1', 'chem', 'e-ti', 'a-cl', 'gas', 'toxic', ['co'], 260, 70, 5),
    dev('s-1', 'chem', 'e-ti', undefined, 'emission', 'stack', ['so2', 'nox', 'pm', 'o2', 'flow', 'temp'], 300, 200, 60, {
      limits: { so2: 35, nox: 50, pm: 10 },
      referenceO2: 6,
    }),
    dev('m-e-1', 'chem', 'e-ti', undefined, 'energy', 'electricity', ['kwh', 'kw'], 310, 210, 60),
    dev('m-g-1', 'chem', 'e-ti', undefined, 'energy', 'gas', ['gas_m3'], 312, 210, 300),
    dev('m-s-1', 'chem', 'e-ti', undefined, 'energy', 'steam', ['steam_t'], 314, 210, 300),
    // Industrial park behind one gateway.
    dev('i-g-1', 'ind', 'e-cast', 'a-work', 'gas', 'combustible', ['lel'], 50, 50, 5, { gateway: 'gw-1' }),
    dev('i-g-2', 'ind', 'e-cast', 'a-work', 'gas', 'combustible', ['lel'], 70, 50, 5, { gateway: 'gw-1' }),
    dev('i-sm-1', 'ind', 'e-cast', 'a-work', 'fire', 'smoke', ['smoke'], 60, 60, 10, { gateway: 'gw-1' }),
    dev('i-sm-2', 'ind', 'e-cast', 'a-work', 'fire', 'smoke', ['smoke'], 75, 62, 10, { gateway: 'gw-1' }),
    dev('i-ht-1', 'ind', 'e-cast', 'a-work', 'fire', 'heat', ['temp'], 66, 58, 10, { gateway: 'gw-1' }),
    dev('i-cp-1', 'ind', 'e-cast', 'a-work', 'fire', 'call_point', [], 62, 70, 60, { gateway: 'gw-1' }),
    dev('i-m-1', 'ind', 'e-cast', undefined, 'energy', 'electricity', ['kwh', 'kw'], 90, 90, 60, { gateway: 'gw-1' }),
  ]
  return {
    id: 'test-zone',
    name: '测试区',
    nameEn: 'Test zone',
    timezone: 'Asia/Shanghai',
    parks: [
      {
        id: 'chem',
        name: '化工园区',
        nameEn: 'Chemical park',
        kind: 'chemical',
        grade: 'C',
        site,
        areas: [
          { id: 'a-h2', name: '氢气区', nameEn: 'Hydrogen area', enterprise: 'e-h2', rect: { x: 0, y: 0, w: 100, h: 60 } },
          { id: 'a-cl', name: '氯化区', nameEn: 'Chlorination area', enterprise: 'e-ti', rect: { x: 200, y: 20, w: 80, h: 60 } },
        ],
        enterprises: [
          { id: 'e-h2', name: '氢能公司', nameEn: 'Hydrogen Co', landMu: 50, outputValue: 20000 },
          { id: 'e-ti', name: '钛白公司', nameEn: 'TiO2 Co', industry: 'titanium dioxide by chlorination', landMu: 200, outputValue: 90000 },
        ],
      },
      {
        id: 'ind',
        name: '工业园区',
        nameEn: 'Industrial park',
        kind: 'industrial',
        site,
        areas: [{ id: 'a-work', name: '铸造车间', nameEn: 'Casting shop', enterprise: 'e-cast', rect: { x: 40, y: 40, w: 60, h: 40 } }],
        enterprises: [{ id: 'e-cast', name: '铸造公司', nameEn: 'Casting Co', landMu: 80, outputValue: 30000 }],
      },
    ],
    gateways: [{ id: 'gw-1', park: 'ind', enterprise: 'e-cast' }],
    devices,
    users: [],
  }
}

export function smallCredentials(zone: Zone): { zone: string; devices: Record<string, string>; gateways: Record<string, string> } {
  return {
    zone: zone.id,
    devices: Object.fromEntries(zone.devices.map((d) => [d.id, `secret-${d.id}`])),
    gateways: Object.fromEntries(zone.gateways.map((g) => [g.id, `secret-${g.id}`])),
  }
}
