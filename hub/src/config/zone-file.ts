import { readFile } from 'node:fs/promises'
import YAML from 'yaml'
import { firstSchemaError } from '../model/schema-errors.js'
import { Zone } from '../model/zone.js'
import { isMetricOfKind } from '../model/vocabulary.js'
import { notifyProblem } from '../model/notify.js'
import { deviceGasProblem, layerProblem, type SettingProblem } from '../catalogue/device-gas-settings.js'
import { gasCatalogue } from '../catalogue/gas-catalogue.js'

/**
 * The zone file (YAML or JSON): parks, enterprises, areas, devices, gateways, users.
 * Validated once at boot; an error names the file, the path inside it and the problem.
 */
export class ZoneFileError extends Error {
  constructor(readonly file: string, readonly path: string, readonly problem: string) {
    super(`${file}: ${path || '(root)'}: ${problem}`)
    this.name = 'ZoneFileError'
  }
}

export async function loadZoneFile(file: string): Promise<Zone> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    throw new ZoneFileError(file, '', `cannot read: ${(err as Error).message}`)
  }
  return parseZone(text, file)
}

export function parseZone(text: string, file = '(zone)'): Zone {
  let raw: unknown
  try {
    // Large generated zones are JSON: parsed natively, far faster and leaner than YAML.
    raw = file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text, { maxAliasCount: 100 })
  } catch (err) {
    throw new ZoneFileError(file, '', `not valid ${file.endsWith('.json') ? 'JSON' : 'YAML/JSON'}: ${(err as Error).message.split('\n')[0]}`)
  }
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const r = raw as Record<string, unknown>
    r.gateways ??= []
    r.users ??= []
    r.timezone ??= 'Asia/Shanghai'
  }
  const first = firstSchemaError(Zone, raw)
  if (first) throw new ZoneFileError(file, first.path, first.problem)
  const zone = raw as Zone
  gasCatalogue() // the catalogue's gases are gas-device metrics from here on
  checkReferences(zone, file)
  checkGasSettings(zone, file)
  checkHj212Upstreams(zone, file)
  // Notifications: channel ids, roster people and crews, parks and policies' channels (model/notify.ts).
  const notify = zone.notify ? notifyProblem(zone.notify, new Set(zone.parks.map((p) => p.id))) : undefined
  if (notify) throw new ZoneFileError(file, notify.path, notify.problem)
  return zone
}

/** Cross-references the schema cannot express: unique ids, known parks, enterprises, areas, gateways, metrics. */
function checkReferences(zone: Zone, file: string): void {
  const parks = new Map(zone.parks.map((p) => [p.id, p]))
  if (parks.size !== zone.parks.length) throw new ZoneFileError(file, '/parks', 'duplicate park id')
  const enterprises = new Map<string, string>()
  const areas = new Map<string, string>()
  zone.parks.forEach((p, pi) => {
    p.enterprises.forEach((e, ei) => {
      if (enterprises.has(e.id)) throw new ZoneFileError(file, `/parks/${pi}/enterprises/${ei}/id`, `duplicate enterprise id ${e.id}`)
      enterprises.set(e.id, p.id)
    })
    p.areas.forEach((a, ai) => {
      if (areas.has(a.id)) throw new ZoneFileError(file, `/parks/${pi}/areas/${ai}/id`, `duplicate area id ${a.id}`)
      if (a.enterprise !== undefined && enterprises.get(a.enterprise) !== p.id)
        throw new ZoneFileError(file, `/parks/${pi}/areas/${ai}/enterprise`, `unknown enterprise ${a.enterprise} in park ${p.id}`)
      areas.set(a.id, p.id)
    })
    // Assembly points (docs/hazard.md): named by id in a footprint's list, so one id once per park.
    const muster = new Set<string>()
    p.musterPoints?.forEach((m, mi) => {
      if (muster.has(m.id)) throw new ZoneFileError(file, `/parks/${pi}/musterPoints/${mi}/id`, `duplicate assembly point id ${m.id}`)
      muster.add(m.id)
    })
  })
  const gateways = new Map<string, string>()
  zone.gateways.forEach((g, gi) => {
    if (gateways.has(g.id)) throw new ZoneFileError(file, `/gateways/${gi}/id`, `duplicate gateway id ${g.id}`)
    if (!parks.has(g.park)) throw new ZoneFileError(file, `/gateways/${gi}/park`, `unknown park ${g.park}`)
    gateways.set(g.id, g.park)
  })
  const ids = new Set<string>()
  zone.devices.forEach((d, di) => {
    const at = `/devices/${di}`
    if (ids.has(d.id) || gateways.has(d.id)) throw new ZoneFileError(file, `${at}/id`, `duplicate device id ${d.id}`)
    ids.add(d.id)
    if (!parks.has(d.park)) throw new ZoneFileError(file, `${at}/park`, `unknown park ${d.park}`)
    if (enterprises.get(d.enterprise) !== d.park) throw new ZoneFileError(file, `${at}/enterprise`, `unknown enterprise ${d.enterprise} in park ${d.park}`)
    if (d.area !== undefined && areas.get(d.area) !== d.park) throw new ZoneFileError(file, `${at}/area`, `unknown area ${d.area} in park ${d.park}`)
    if (d.gateway !== undefined && gateways.get(d.gateway) !== d.park) throw new ZoneFileError(file, `${at}/gateway`, `unknown gateway ${d.gateway} in park ${d.park}`)
    d.metrics.forEach((m, mi) => {
      if (!isMetricOfKind(d.kind, m)) throw new ZoneFileError(file, `${at}/metrics/${mi}`, `metric ${m} is not one of a ${d.kind} device's metrics`)
    })
  })
}

/**
 * Gas detectors' declared units, and set-point overrides at every layer under the standard's
 * ceilings (GB/T 50493-2019 §5.5.2) unless they say `exceedsStandard` with a `reason`.
 */
/** HJ 212 upstreams (docs/hj212.md): unique ids, and the devices they name exist. */
function checkHj212Upstreams(zone: Zone, file: string): void {
  const devices = new Set(zone.devices.map((d) => d.id))
  const ids = new Set<string>()
  zone.hj212?.upstreams?.forEach((u, ui) => {
    const at = `/hj212/upstreams/${ui}`
    if (ids.has(u.id)) throw new ZoneFileError(file, `${at}/id`, `duplicate upstream id ${u.id}`)
    ids.add(u.id)
    u.devices?.forEach((d, di) => {
      if (!devices.has(d)) throw new ZoneFileError(file, `${at}/devices/${di}`, `unknown device ${d}`)
    })
    for (const d of Object.keys(u.deviceMns ?? {})) if (!devices.has(d)) throw new ZoneFileError(file, `${at}/deviceMns/${d}`, `unknown device ${d}`)
  })
}

function checkGasSettings(zone: Zone, file: string): void {
  const fail = (at: string, p: SettingProblem | undefined): void => {
    if (p) throw new ZoneFileError(file, `${at}${p.path}`, p.problem)
  }
  fail('', layerProblem(zone.setpoints))
  zone.parks.forEach((p, pi) => {
    fail(`/parks/${pi}`, layerProblem(p.setpoints))
    p.areas.forEach((a, ai) => fail(`/parks/${pi}/areas/${ai}`, layerProblem(a.setpoints)))
  })
  zone.devices.forEach((d, di) => fail(`/devices/${di}`, deviceGasProblem(d)))
}
