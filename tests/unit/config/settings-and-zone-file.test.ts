import { describe, expect, it } from 'vitest'
import { loadSettings, SettingsError } from '../../../hub/src/config/settings.js'
import { parseZone, ZoneFileError } from '../../../hub/src/config/zone-file.js'

describe('settings from the environment', () => {
  it('has the contract defaults', () => {
    const s = loadSettings({})
    expect(s).toMatchObject({ httpPort: 8080, mqttPort: 1883, influx: { url: undefined, db: 'smartpark' }, maxPayloadBytes: 65536, maxBatch: 1000 })
  })
  it.each([
    ['HUB_HTTP_PORT', 'eighty'],
    ['HUB_MQTT_PORT', '70000'],
    ['INFLUX_URL', 'not a url'],
    ['INFLUX_URL', 'ftp://x'],
    ['INFLUX_DB', 'a b'],
    ['HUB_LOG_LEVEL', 'loud'],
    ['HUB_TLS_KEY', '/tmp/key.pem'],
    ['HUB_JWT_SECRET', 'short'],
  ])('stops on a bad %s and names it', (name, value) => {
    let err: unknown
    try {
      loadSettings({ [name]: value })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(SettingsError)
    expect((err as Error).message).toContain(name === 'HUB_TLS_KEY' ? 'HUB_TLS_CERT' : name)
  })
})

const minimal = (devices: string, extra = '') => `
id: z
name: 区
nameEn: Zone
parks:
  - id: p
    name: 园
    nameEn: Park
    kind: chemical
    grade: C
    site: { width: 100, height: 100, buildings: [] }
    areas: [ { id: a, name: 区域, rect: { x: 0, y: 0, w: 10, h: 10 } } ]
    enterprises: [ { id: e, name: 企业, nameEn: Ent, landMu: 10, outputValue: 100 } ]
devices:
${devices}
${extra}`

const base = { id: 'd1', kind: 'gas', park: 'p', enterprise: 'e', area: 'a', name: '探测器', metrics: ['lel'], position: { x: 1, y: 1 }, interval: 5 }
const dev = (over: Record<string, unknown> = {}) => `  - ${JSON.stringify({ ...base, ...over })}`

describe('zone file validation names the file, the path and the problem', () => {
  it('accepts a minimal zone', () => {
    const z = parseZone(minimal(dev()), 'zone.yaml')
    expect(z.devices).toHaveLength(1)
    expect(z.timezone).toBe('Asia/Shanghai')
  })
  it.each([
    ['YAML syntax', minimal(dev()) + '\n  bad: [', '(root)', /not valid YAML/],
    ['unknown kind', minimal(dev({ kind: 'toaster' })), '/devices/0/kind', /./],
    ['unknown field', minimal(dev({ colour: 'red' })), '/devices/0', /unknown field colour/],
    ['metric of another kind', minimal(dev({ metrics: ['kwh'] })), '/devices/0/metrics/0', /not one of a gas device/],
    ['unknown park', minimal(dev({ park: 'q' })), '/devices/0/park', /unknown park q/],
    ['unknown enterprise', minimal(dev({ enterprise: 'x' })), '/devices/0/enterprise', /unknown enterprise x/],
    ['unknown area', minimal(dev({ area: 'nowhere' })), '/devices/0/area', /unknown area nowhere/],
    ['duplicate device', minimal(`${dev()}\n${dev()}`), '/devices/1/id', /duplicate device id d1/],
    ['negative interval', minimal(dev({ interval: -5 })), '/devices/0/interval', /./],
    ['grade E', minimal(dev()).replace('grade: C', 'grade: E'), '/parks/0/grade', /./],
    // Names of Object.prototype's own properties cannot be ids or metric names (docs/security.md).
    ['device id constructor', minimal(dev({ id: 'constructor' })), '/devices/0/id', /./],
    ['metric toString', minimal(dev({ metrics: ['lel', 'toString'] })), '/devices/0/metrics/1', /./],
    ['park id valueOf', minimal(dev()).replace('  - id: p\n', '  - id: valueOf\n'), '/parks/0/id', /./],
  ])('%s', (_name, text, path, problem) => {
    let err: unknown
    try {
      parseZone(text, 'zone.yaml')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ZoneFileError)
    const z = err as ZoneFileError
    expect(z.file).toBe('zone.yaml')
    expect(z.path || '(root)').toBe(path)
    expect(z.problem).toMatch(problem)
    expect(z.message.startsWith('zone.yaml: ')).toBe(true)
  })
})
