import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chmod, lstat, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { api, startTestHub, type TestHub } from '../support/hub-harness.js'

/** Every file and dir under the data dir (the managed InfluxDB's tree aside), with its mode. */
async function modes(dir: string, top = true): Promise<[string, number][]> {
  const out: [string, number][] = []
  const st = await lstat(dir)
  out.push([dir, st.mode & 0o777])
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (top && e.name === 'influxdb') continue
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...(await modes(p, false)))
    else if (e.isFile()) out.push([p, (await lstat(p)).mode & 0o777])
  }
  return out
}

describe('a smaller surface: health without a token, private files', () => {
  let t: TestHub
  let dataDir: string

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'smartpark-surface-'))
    t = await startTestHub({ dataDir })
  })
  afterAll(async () => {
    await t.stop()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('says only up or degraded without a token (or with a forged one), and the details to an admin', async () => {
    const anon = await fetch(`${t.http}/api/v1/health`)
    expect(anon.status).toBe(200)
    const body = (await anon.json()) as Record<string, unknown>
    expect(Object.keys(body)).toEqual(['status'])
    expect(['ok', 'degraded']).toContain(body.status)
    const forged = await fetch(`${t.http}/api/v1/health`, { headers: { authorization: 'Bearer not.a.token' } })
    expect(Object.keys((await forged.json()) as object)).toEqual(['status'])
    const admin = await api<{ status: string; broker: unknown; influx: unknown; ingest: unknown; journal: unknown; uptimeSec: number }>(t, 'GET', '/api/v1/health')
    expect(admin.body).toMatchObject({ status: body.status, broker: expect.any(Object), influx: expect.any(Object), ingest: expect.any(Object), journal: expect.any(Object) })
  })

  it('creates the audit log, registry, token key, users and state files 0600 in 0700 dirs, and tightens older ones at start', async () => {
    // Something in each file: a provisioned device (registry, audit).
    const r = await api(t, 'POST', '/api/v1/devices', { id: 'surface-gas-1', kind: 'gas', type: 'combustible', park: 'vtc', enterprise: 'vtc-ti01', name: 's', metrics: ['lel'], position: { x: 1, y: 1 }, interval: 5 })
    expect(r.status).toBe(201)
    const names = (await modes(dataDir)).map(([p]) => p.slice(dataDir.length + 1))
    for (const f of ['registry.json', 'audit.jsonl', 'jwt-secret']) expect(names).toContain(f)
    for (const [p, m] of await modes(dataDir)) {
      const st = await lstat(p)
      expect([p, m], p).toEqual([p, st.isDirectory() ? 0o700 : 0o600])
    }
    // An older hub's files, readable by all: private again after a restart, with a log line.
    await t.stop({ keepData: true })
    await chmod(join(dataDir, 'registry.json'), 0o644)
    await chmod(join(dataDir, 'audit.jsonl'), 0o664)
    await chmod(dataDir, 0o755)
    await writeFile(join(dataDir, 'left-by-hand.json'), '{}', { mode: 0o644 })
    t = await startTestHub({ dataDir })
    for (const [p, m] of await modes(dataDir)) {
      const st = await lstat(p)
      expect([p, m], p).toEqual([p, st.isDirectory() ? 0o700 : 0o600])
    }
  })
})
