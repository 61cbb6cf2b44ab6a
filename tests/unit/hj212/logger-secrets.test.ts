import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LoggerSecrets } from '../../../hub/src/hj212/logger-secrets.js'
import { DeviceRegistry } from '../../../hub/src/registry/device-registry.js'
import type { RegistryFile } from '../../../hub/src/registry/registry-store.js'
import type { Device } from '../../../hub/src/model/device.js'
import type { Zone } from '../../../hub/src/model/zone.js'

describe('LoggerSecrets and the registry', () => {
  let dir = ''
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('keeps PWs 0600 in a private dir, survives a reopen, forgets on delete', async () => {
    dir = await mkdtemp(join(tmpdir(), 'hj212-secrets-'))
    const file = join(dir, 'hj212', 'logger-secrets.json')
    const s = new LoggerSecrets(file)
    expect(s.get('a')).toBeUndefined()
    s.set('a', 'pw-a')
    s.set('b', 'pw-b')
    // Written once for the changes of this turn, before any I/O.
    expect(existsSync(file)).toBe(false)
    await Promise.resolve()
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect((await stat(join(dir, 'hj212'))).mode & 0o777).toBe(0o700)
    const again = new LoggerSecrets(file)
    expect(again.get('a')).toBe('pw-a')
    again.delete('a')
    await Promise.resolve()
    expect(new LoggerSecrets(file).get('a')).toBeUndefined()
    expect(new LoggerSecrets(file).get('b')).toBe('pw-b')
  })

  it('refuses a file that is not its own', async () => {
    dir = await mkdtemp(join(tmpdir(), 'hj212-secrets-'))
    const file = join(dir, 'x.json')
    await writeFile(file, JSON.stringify({ version: 2 }))
    expect(() => new LoggerSecrets(file)).toThrow(/not an HJ 212 secrets file/)
  })

  it('the registry holds devices without their PW: zone, provisioned, saved', async () => {
    dir = await mkdtemp(join(tmpdir(), 'hj212-secrets-'))
    const secrets = new LoggerSecrets(join(dir, 's.json'))
    const device = (id: string, pw: string): Device => ({ id, kind: 'emission', park: 'p', enterprise: 'e', name: id, metrics: ['so2'], position: { x: 0, y: 0 }, interval: 30, hj212: { mn: `MN-${id}`, pw } })
    const zone = { devices: [device('z1', 'zone-pw')], gateways: [] } as unknown as Zone
    let saved: RegistryFile | undefined
    const registry = new DeviceRegistry(zone, { load: async () => ({ version: 1, devices: [], retired: [] }), save: async (f) => void (saved = structuredClone(f)) }, (id, pw) => secrets.set(id, pw))
    await registry.open()
    expect(registry.get('z1')!.device.hj212).toEqual({ mn: 'MN-z1' })
    expect(zone.devices[0]!.hj212).toEqual({ mn: 'MN-z1' })
    const created = await registry.provision(device('r1', 'run-pw'))
    expect(created.device.hj212).toEqual({ mn: 'MN-r1' })
    expect(JSON.stringify(saved)).not.toContain('run-pw')
    expect(secrets.get('z1')).toBe('zone-pw')
    expect(secrets.get('r1')).toBe('run-pw')
    await Promise.resolve()
    expect(JSON.parse(await readFile(join(dir, 's.json'), 'utf8')).pw).toEqual({ z1: 'zone-pw', r1: 'run-pw' })
  })
})
