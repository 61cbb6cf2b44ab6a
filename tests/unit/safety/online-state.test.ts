import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DeviceRegistry } from '../../../hub/src/registry/device-registry.js'
import { SafetyLoop, type LiveFeed } from '../../../hub/src/safety-loop.js'
import { NOW, ZONE, devices } from '../risk/fixtures.js'

const quiet = { info: () => {}, warn: () => {}, error: () => {} }
const dirs: string[] = []
const loops: SafetyLoop[] = []

afterEach(() => {
  for (const l of loops.splice(0)) l.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A safety loop over the risk fixtures' zone (vtc: 16 devices, 10 s interval, deadman after 3 intervals). */
async function loop(clock: { now: number }): Promise<{ safety: SafetyLoop; registry: DeviceRegistry; sent: { device: string; online: boolean }[] }> {
  const zone = { ...ZONE, devices: devices().map((s) => s.device) }
  const registry = new DeviceRegistry(zone, { load: async () => ({ version: 1, devices: [], retired: [] }), save: async () => {} })
  await registry.open()
  const dataDir = mkdtempSync(join(tmpdir(), 'online-state-'))
  dirs.push(dataDir)
  const sent: { device: string; online: boolean }[] = []
  const live: LiveFeed = { telemetry: () => {}, alarm: () => {}, risk: () => {}, incident: () => {}, device: (d) => sent.push(d) }
  const safety = new SafetyLoop({
    zone, registry, dataDir, clock: () => clock.now, deadmanIntervals: 3, writeLines: () => {}, live,
    commands: async () => {}, log: quiet,
  })
  loops.push(safety)
  return { safety, registry, sent }
}

const vtc = (s: SafetyLoop) => s.risk.all().find((r) => r.park === 'vtc')

describe('a device online state, decided once', () => {
  it('at start: the registry has heard from none, park risk counts every device not offline as online', async () => {
    const { safety, registry } = await loop({ now: NOW })
    expect([...registry.all()].filter((r) => r.state.online)).toHaveLength(0)
    expect(vtc(safety)?.devicesOnline).toBe(16)
  })

  it('a device never heard from since start that the deadman times out is offline in park risk too', async () => {
    const clock = { now: NOW }
    const { safety, registry, sent } = await loop(clock)
    // Every vtc device but vc-gas-1 reports; vc-gas-1 stays silent past 3 × 10 s.
    const readings = (t: number) => devices().filter((s) => s.device.park === 'vtc' && s.device.id !== 'vc-gas-1')
      .map((s) => ({ device: s.device.id, park: 'vtc', enterprise: s.device.enterprise, ts: t, values: s.device.kind === 'energy' ? { kwh: 1 } : s.device.kind === 'fire' ? { temp: 20 } : { lel: 0 } }))
    for (let t = NOW + 10_000; t <= NOW + 40_000; t += 10_000) {
      clock.now = t
      safety.onReadings(readings(t) as never)
      safety.apply(safety.rules.tick(t))
      safety.risk.flush()
    }
    expect(registry.get('vc-gas-1')?.state.online).toBe(false)
    expect(safety.alarms.list({ state: 'open' }).some((a) => a.device === 'vc-gas-1')).toBe(true)
    expect(vtc(safety)?.devicesOnline).toBe(15)
    expect(sent).toContainEqual(expect.objectContaining({ device: 'vc-gas-1', online: false }))
  })
})
