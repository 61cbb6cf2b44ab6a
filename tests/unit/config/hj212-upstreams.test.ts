import { describe, expect, it } from 'vitest'
import YAML from 'yaml'
import { parseZone, ZoneFileError } from '../../../hub/src/config/zone-file.js'

/** The zone file's hj212.upstreams (docs/hj212.md, "Forwarding"): a bad one stops start-up, named. */
const park = { id: 'p', name: '园', nameEn: 'Park', kind: 'chemical', site: { width: 100, height: 100, buildings: [] }, areas: [], enterprises: [{ id: 'e', name: '企业', nameEn: 'Ent', landMu: 10, outputValue: 100 }] }
const stack = { id: 'stk', kind: 'emission', park: 'p', enterprise: 'e', name: '烟囱', metrics: ['so2'], position: { x: 1, y: 1 }, interval: 30 }
const zone = (upstreams: object[]): string => YAML.stringify({ id: 'z', name: '区', nameEn: 'Zone', parks: [park], devices: [stack], hj212: { upstreams } })
const up = (over: Record<string, unknown> = {}) => ({ id: 'sepb', host: '10.0.0.1', port: 8080, ...over })

describe('hj212.upstreams in the zone file', () => {
  it('accepts upstreams with their options', () => {
    const z = parseZone(zone([up({ mn: 'PARK01', devices: ['stk'], deviceMns: { stk: 'MN0001' }, commands: ['2011', '2061'], answer: true, answerTimeoutSec: 5, retries: 3, window: 1, maxDataBytes: 1024 })]), 'zone.yaml')
    expect(z.hj212?.upstreams?.[0]?.commands).toEqual(['2011', '2061'])
  })

  it.each([
    ['duplicate id', [up(), up()], '/hj212/upstreams/1/id', /duplicate upstream id sepb/],
    ['unknown device', [up({ devices: ['nope'] })], '/hj212/upstreams/0/devices/0', /unknown device nope/],
    ['unknown device in deviceMns', [up({ deviceMns: { nope: 'MN1' } })], '/hj212/upstreams/0/deviceMns/nope', /unknown device nope/],
    ['a PW in the zone file', [up({ pw: 'secret' })], '/hj212/upstreams/0', /pw/],
    ['a command not forwarded', [up({ commands: ['9014'] })], '/hj212/upstreams/0/commands/0', /./],
    ['an MN too long', [up({ mn: 'M'.repeat(25) })], '/hj212/upstreams/0/mn', /./],
    ['port 0', [up({ port: 0 })], '/hj212/upstreams/0/port', /./],
  ])('refuses %s', (_name, upstreams, path, problem) => {
    let err: unknown
    try {
      parseZone(zone(upstreams), 'zone.yaml')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ZoneFileError)
    expect((err as ZoneFileError).path).toBe(path)
    expect((err as ZoneFileError).problem).toMatch(problem)
  })
})
