import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Value } from 'typebox/value'
import { describe, expect, it } from 'vitest'
import YAML from 'yaml'
import { verifyPassword, verifySecret } from '../../../hub/src/config/credentials.js'
import { loadZoneFile } from '../../../hub/src/config/zone-file.js'
import { generateZone, type Credentials } from '../../../simulators/src/zone/zone-generator.js'
import { demoNotify } from '../../../simulators/src/zone/zone-notify.js'
import { DEVICE_KINDS, METRICS_BY_KIND, TOXIC_GASES } from '../../../hub/src/model/vocabulary.js'
import { Zone, type Park, type Rect } from '../../../hub/src/model/zone.js'

const root = (p: string): string => fileURLToPath(new URL(`../../../${p}`, import.meta.url))
const demo = generateZone({ devices: 240, seed: 1 })
const { zone } = demo

const inside = (p: { x: number; y: number }, r: Rect): boolean => p.x >= r.x && p.x <= r.x + r.w && p.y >= r.y && p.y <= r.y + r.h
const inSite = (r: Rect, park: Park): boolean => r.x >= 0 && r.y >= 0 && r.x + r.w <= park.site.width && r.y + r.h <= park.site.height
const unique = (ids: string[]): boolean => new Set(ids).size === ids.length
const stripHashes = (z: Zone): unknown => ({
  ...z,
  devices: z.devices.map(({ secretHash: _s, ...d }) => d),
  gateways: z.gateways.map(({ secretHash: _s, ...g }) => g),
})

describe('generateZone: the demo zone (240 devices, seed 1)', () => {
  it('validates against the Zone schema', () => {
    expect([...Value.Errors(Zone, zone)]).toEqual([])
    expect(Value.Check(Zone, zone)).toBe(true)
  })

  it('is the Panzhihua vanadium-titanium zone', () => {
    expect(zone.id).toBe('pzh-vti')
    expect(zone.timezone).toBe('Asia/Shanghai')
  })

  it('has the requested device count and every kind and type', () => {
    // 240 planned, the chlorination tail-gas stack and the two chemical parks' wastewater outlets generated last (zone-catalogue.ts), then a weather station per park
    expect(zone.devices.length).toBe(243 + zone.parks.length)
    const types = new Set(zone.devices.map((d) => `${d.kind}/${d.type}`))
    for (const kind of DEVICE_KINDS) expect(zone.devices.some((d) => d.kind === kind)).toBe(true)
    for (const t of ['gas/combustible', 'gas/toxic', 'gas/oxygen', 'fire/smoke', 'fire/heat', 'fire/flame', 'fire/call_point', 'fire/panel',
      'emission/stack', 'energy/electricity', 'energy/gas', 'energy/steam', 'energy/water', 'wastewater/outlet', 'weather/station']) {
      expect(types, t).toContain(t)
    }
    const toxics = new Set(zone.devices.filter((d) => d.type === 'toxic').map((d) => d.metrics[0]))
    for (const gas of TOXIC_GASES) expect(toxics, gas).toContain(gas)
  })

  it('places every device inside its park site and its area, in its own enterprise', () => {
    const parks = new Map(zone.parks.map((p) => [p.id, p]))
    for (const d of zone.devices) {
      const park = parks.get(d.park)
      expect(park, d.id).toBeDefined()
      expect(park!.enterprises.some((e) => e.id === d.enterprise), d.id).toBe(true)
      expect(inside(d.position!, { x: 0, y: 0, w: park!.site.width, h: park!.site.height }), d.id).toBe(true)
      // A weather station serves the whole park, in no area.
      if (d.kind === 'weather') continue
      const area = park!.areas.find((a) => a.id === d.area)
      expect(area, d.id).toBeDefined()
      expect(area!.enterprise).toBe(d.enterprise)
      expect(inside(d.position!, { x: 0, y: 0, w: park!.site.width, h: park!.site.height }), d.id).toBe(true)
      expect(inside(d.position!, area!.rect), d.id).toBe(true)
    }
    for (const park of zone.parks) {
      for (const a of park.areas) expect(inSite(a.rect, park), a.id).toBe(true)
      for (const b of park.site.buildings) expect(inSite(b.rect, park), b.id).toBe(true)
    }
  })

  it('gives unique, readable ids', () => {
    expect(unique(zone.devices.map((d) => d.id))).toBe(true)
    expect(unique(zone.parks.flatMap((p) => p.areas.map((a) => a.id)))).toBe(true)
    expect(unique(zone.parks.flatMap((p) => p.enterprises.map((e) => e.id)))).toBe(true)
    expect(unique(zone.parks.flatMap((p) => p.site.buildings.map((b) => b.id)))).toBe(true)
    expect(unique(zone.gateways.map((g) => g.id))).toBe(true)
    for (const d of zone.devices) expect(d.id).toMatch(/^[a-z]+-[a-z]+\d{2,}-(gas|fire|cems|meter|outlet)-\d{3,}$|^[a-z]+-weather-\d{3}$/)
  })

  it('uses metrics from the vocabulary, matched to the device type', () => {
    const expected: Record<string, string[]> = {
      combustible: ['lel'], oxygen: ['o2'], smoke: ['smoke'], heat: ['temp'], flame: [], call_point: [], panel: [],
      stack: ['so2', 'nox', 'pm', 'o2', 'flow', 'temp'], outlet: ['cod', 'nh3n', 'tp', 'tn', 'ph', 'flow_w'], station: ['wind_speed', 'wind_dir', 'air_temp', 'stability'], electricity: ['kwh', 'kw'], gas: ['gas_m3'], steam: ['steam_t'], water: ['water_m3'],
    }
    for (const d of zone.devices) {
      for (const m of d.metrics) expect(METRICS_BY_KIND[d.kind], d.id).toContain(m)
      if (d.type === 'toxic') {
        expect(d.metrics).toHaveLength(1)
        expect(TOXIC_GASES as readonly string[]).toContain(d.metrics[0])
      } else if (d.emissionStandard === 'GB31573-2015/tail-gas') {
        expect(d.metrics, d.id).toEqual(['hcl', 'cl2', 'so2', 'pm', 'o2', 'flow', 'temp', 'humidity'])
      } else {
        expect(d.metrics, d.id).toEqual(expected[d.type!])
      }
    }
  })

  it('sets intervals, safety flags, stack limits and actuators', () => {
    const interval = { gas: 5, fire: 10, emission: 30, energy: 60, wastewater: 30, weather: 10 }
    for (const d of zone.devices) {
      expect(d.interval, d.id).toBe(interval[d.kind])
      expect(d.safety, d.id).toBe(d.kind === 'gas' || d.kind === 'fire')
      expect(d.name.length).toBeGreaterThan(0)
      expect(d.nameEn?.length).toBeGreaterThan(0)
    }
    // Each stack selects an emission standard (hub/src/emissions/standards.ts), no limits of its own.
    expect(zone.devices.filter((d) => d.kind === 'emission').map((s) => [s.id, s.emissionStandard, s.basis ?? 'dry', s.limits])).toEqual([
      ['vtc-ti01-cems-001', 'GB13271-2014/gas', 'dry', undefined], // the TiO2 plant's gas-fired boiler
      ['vtc-v02-cems-001', 'ultra-low/sinter-head', 'dry', undefined], // roasting kiln, held to the sinter-head row
      ['nsc-rc01-cems-001', 'ultra-low/sinter-head', 'dry', undefined],
      ['nsc-pw02-cems-001', 'ultra-low/coal-power', 'dry', undefined],
      ['ybv-v01-cems-001', 'ultra-low/sinter-head', 'dry', undefined],
      ['vtc-ti01-cems-002', 'GB31573-2015/tail-gas', 'wet', undefined], // chlorination tail gas, last
    ])
    expect(zone.devices.find((d) => d.id === 'vtc-ti01-cems-002')).toMatchObject({ area: 'vtc-ti01-chl', metrics: ['hcl', 'cl2', 'so2', 'pm', 'o2', 'flow', 'temp', 'humidity'] })
    // One wastewater outlet per chemical park, with its discharge permit's limits (mg/L).
    expect(zone.devices.filter((d) => d.kind === 'wastewater').map((w) => [w.id, w.park, w.limits])).toEqual([
      ['vtc-ti01-outlet-001', 'vtc', { cod: 50, nh3n: 5, tp: 0.5, tn: 15 }],
      ['glc-ca01-outlet-001', 'glc', { cod: 50, nh3n: 5, tp: 0.5, tn: 15 }],
    ])
    // Every stack and outlet speaks HJ 212 through its data logger: a unique MN, its PW in the credentials too.
    const loggers = zone.devices.filter((d) => d.kind === 'emission' || d.kind === 'wastewater')
    expect(loggers.map((d) => d.hj212?.mn)).toEqual(loggers.map((_, i) => `510400${String(i + 1).padStart(8, '0')}`))
    for (const d of loggers) expect(d.hj212?.pw, d.id).toBe(demo.credentials.hj212[d.id])
    expect(zone.devices.filter((d) => d.hj212).length).toBe(loggers.length)
    expect(unique(Object.values(demo.credentials.hj212))).toBe(true)
    const enterprises = zone.parks.flatMap((p) => p.enterprises)
    const panels = zone.devices.filter((d) => d.type === 'panel')
    expect(panels.map((p) => p.enterprise).sort()).toEqual(enterprises.map((e) => e.id).sort())
    for (const p of panels) expect(p.actuators).toEqual(['siren'])
    const valves = zone.devices.filter((d) => d.actuators?.includes('valve'))
    expect(valves.length).toBeGreaterThan(0)
    for (const v of valves) expect(['combustible', 'toxic']).toContain(v.type)
  })

  it('has at least four parks and exactly the two chemical parks at grade C', () => {
    expect(zone.parks.length).toBeGreaterThanOrEqual(4)
    const graded = zone.parks.filter((p) => p.grade === 'C')
    expect(graded.map((p) => p.name).sort()).toEqual(['格里坪化工园区', '钒钛化工园区'].sort())
    for (const p of graded) {
      expect(p.kind).toBe('chemical')
      expect(p.gradeScore).toBeGreaterThanOrEqual(70)
      expect(p.gradeScore).toBeLessThan(85)
      expect(p.targetGrade).toBe('D')
    }
    expect(zone.parks.filter((p) => p.kind === 'chemical')).toHaveLength(2)
    for (const p of zone.parks) expect(p.nameEn.length).toBeGreaterThan(0)
  })

  it('lets correlation confirm in the chemical parks: two gas, two fire detectors and a call point share an area', () => {
    for (const park of zone.parks.filter((p) => p.kind === 'chemical')) {
      const confirming = park.areas.filter((a) => {
        const here = zone.devices.filter((d) => d.area === a.id)
        return here.filter((d) => d.kind === 'gas').length >= 2
          && here.filter((d) => ['smoke', 'heat', 'flame'].includes(d.type!)).length >= 2
          && here.some((d) => d.type === 'call_point')
      })
      expect(confirming.length, park.id).toBeGreaterThanOrEqual(3)
    }
  })

  it('gives chemical parks the densest gas and fire coverage', () => {
    const perEnterprise = (p: Park): number =>
      zone.devices.filter((d) => d.park === p.id && (d.kind === 'gas' || d.kind === 'fire')).length / p.enterprises.length
    const chemical = zone.parks.filter((p) => p.kind === 'chemical').map(perEnterprise)
    const others = zone.parks.filter((p) => p.kind !== 'chemical').map(perEnterprise)
    expect(Math.min(...chemical)).toBeGreaterThan(Math.max(...others))
  })

  it('routes some energy meters through gateways', () => {
    expect(zone.gateways.length).toBeGreaterThan(0)
    for (const d of zone.devices.filter((x) => x.gateway)) {
      const gw = zone.gateways.find((g) => g.id === d.gateway)
      expect(gw, d.id).toBeDefined()
      expect(gw!.enterprise).toBe(d.enterprise)
      expect(d.kind).toBe('energy')
    }
    expect(zone.devices.some((d) => d.gateway)).toBe(true)
  })
})

describe('generateZone: credentials and determinism', () => {
  it('holds only hashes, and the plain secrets verify against them', () => {
    const { credentials } = demo
    expect(credentials.zone).toBe(zone.id)
    for (const d of zone.devices) {
      if (d.gateway) {
        expect(d.secretHash, d.id).toBeUndefined()
        expect(credentials.devices[d.id]).toBeUndefined()
      } else {
        const secret = credentials.devices[d.id]!
        expect(secret, d.id).toMatch(/^[A-Za-z0-9_-]{22}$/)
        expect(d.secretHash).not.toContain(secret)
        expect(verifySecret(secret, d.secretHash)).toBe(true)
        expect(verifySecret(`${secret}x`, d.secretHash)).toBe(false)
      }
    }
    for (const g of zone.gateways) expect(verifySecret(credentials.gateways[g.id]!, g.secretHash), g.id).toBe(true)
    expect(unique(Object.values(credentials.devices))).toBe(true)
  })

  it('gives the same zone and secrets for the same seed, and different ones for another', () => {
    const again = generateZone({ devices: 240, seed: 1 })
    expect(stripHashes(again.zone)).toEqual(stripHashes(zone))
    expect(again.credentials).toEqual(demo.credentials)
    const other = generateZone({ devices: 240, seed: 2 })
    expect(other.credentials.devices).not.toEqual(demo.credentials.devices)
  })

  it('passes users through and never goes below the minimum set', () => {
    const users = [{ name: 'safety', roles: ['safety' as const], passwordHash: 'scrypt$16384$8$1$c2FsdA==$aGFzaA==' }]
    expect(generateZone({ devices: 240, users }).zone.users).toEqual(users)
    expect(generateZone({ devices: 10 }).zone.devices.length).toBeGreaterThanOrEqual(200)
    expect(() => generateZone({ devices: 0 })).toThrow(RangeError)
  })
})

describe('generateZone: large scale', () => {
  it('reaches 10,000 devices with unique ids and a valid zone', () => {
    const { zone: big, credentials } = generateZone({ devices: 10_000, seed: 7 })
    expect(Math.abs(big.devices.length - 10_000)).toBeLessThanOrEqual(100)
    expect(unique(big.devices.map((d) => d.id))).toBe(true)
    expect(unique(big.parks.flatMap((p) => p.areas.map((a) => a.id)))).toBe(true)
    expect(unique(big.parks.flatMap((p) => p.enterprises.map((e) => e.name)))).toBe(true)
    expect(Value.Check(Zone, big)).toBe(true)
    const areas = new Map(big.parks.flatMap((p) => p.areas.map((a) => [a.id, a.rect] as const)))
    for (const d of big.devices) if (d.kind !== 'weather') expect(inside(d.position!, areas.get(d.area!)!)).toBe(true)
    expect(Object.keys(credentials.devices).length).toBe(big.devices.filter((d) => !d.gateway).length)
  })
})

describe('the committed demo zone', () => {
  const committed = YAML.parse(readFileSync(root('hub/zones/demo-zone.yaml'), 'utf8')) as Zone
  const creds = JSON.parse(readFileSync(root('simulators/credentials/demo-zone.json'), 'utf8')) as Credentials

  it('parses, validates and matches a fresh generation', () => {
    expect([...Value.Errors(Zone, committed)]).toEqual([])
    expect(committed.devices.map((d) => d.id)).toEqual(zone.devices.map((d) => d.id))
    expect(committed.parks.map((p) => p.id)).toEqual(zone.parks.map((p) => p.id))
    expect(stripHashes({ ...committed, users: [], notify: undefined })).toEqual(stripHashes(zone))
    // --demo-notify: the demo's rosters, channels and policies, pointing at the local sink.
    expect(committed.notify).toEqual(demoNotify({ parks: zone.parks.map((p) => p.id), sink: 'http://127.0.0.1:8091', publicUrl: 'http://localhost:8080' }))
    expect(creds).toEqual(demo.credentials)
  })

  it('loads through the hub\'s zone-file loader (cross-references included)', async () => {
    const loaded = await loadZoneFile(root('hub/zones/demo-zone.yaml'))
    expect(loaded.devices).toHaveLength(250) // 243 and a weather station per park (7)
  })

  it('ships secrets that verify against its hashes', () => {
    for (const d of committed.devices.filter((x) => !x.gateway)) expect(verifySecret(creds.devices[d.id]!, d.secretHash), d.id).toBe(true)
    for (const g of committed.gateways) expect(verifySecret(creds.gateways[g.id]!, g.secretHash), g.id).toBe(true)
  })

  it('has the five demo users with the documented passwords, vtc-safety limited to the vtc park', async () => {
    expect(committed.users.map((u) => [u.name, u.roles])).toEqual([
      ['safety', ['safety']], ['responder', ['responder']], ['energy', ['energy']], ['viewer', ['viewer']], ['vtc-safety', ['safety']],
    ])
    const safety = committed.users.find((u) => u.name === 'safety')!
    expect(await verifyPassword('safety-demo', safety.passwordHash)).toBe(true)
    expect(await verifyPassword('safety', safety.passwordHash)).toBe(false)
    const scoped = committed.users.find((u) => u.name === 'vtc-safety')!
    expect(scoped.scope).toEqual({ parks: ['vtc'] })
    expect(await verifyPassword('vtc-safety-demo', scoped.passwordHash)).toBe(true)
  })
})

describe('generateZone: weather and assembly points for the hazard footprint (docs/hazard.md)', () => {
  it('gives every park one weather station and four assembly points inside its site', () => {
    for (const park of zone.parks) {
      const stations = zone.devices.filter((d) => d.park === park.id && d.kind === 'weather')
      expect(stations.map((d) => d.metrics), park.id).toEqual([['wind_speed', 'wind_dir', 'air_temp', 'stability']])
      expect(park.musterPoints?.length, park.id).toBe(4)
      for (const m of park.musterPoints ?? []) expect(inside(m.position, { x: 0, y: 0, w: park.site.width, h: park.site.height }), m.id).toBe(true)
    }
  })
})
