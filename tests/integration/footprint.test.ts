import { spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import type { ParkFootprint } from '../../hub/src/model/footprint.js'
import { ADMIN_PASSWORD, api, connectMqtt, eventually, login, startTestHub, type TestHub } from '../support/hub-harness.js'
import { connectLive, type LiveClient } from '../support/live-client.js'
import credentials from '../../simulators/credentials/demo-zone.json' with { type: 'json' }

const footprint = (t: TestHub, park: string, token = t.adminToken): Promise<{ status: number; body: ParkFootprint }> =>
  api<ParkFootprint>(t, 'GET', `/api/v1/parks/${park}/footprint`, undefined, token)

/**
 * A chlorine release in the vtc park's chlorination workshop, through a real hub: readings over
 * MQTT raise the alarm, the park's weather station's wind arrives, and the footprint follows at
 * GET /api/v1/parks/vtc/footprint and as the live `footprint` event (docs/hazard.md).
 */
describe('hazard footprint: a chlorine release under the park\'s wind', () => {
  let t: TestHub
  const clients: MqttClient[] = []
  let socket: LiveClient
  const pushed: ParkFootprint[] = []
  const secrets = credentials.devices as Record<string, string>

  async function publish(device: string, enterprise: string, values: Record<string, number>): Promise<void> {
    const mq = await connectMqtt(t.mqttUrl, { username: device, password: secrets[device]! })
    clients.push(mq)
    await mq.publishAsync(`parks/vtc/${enterprise}/${device}/telemetry`, JSON.stringify({ ts: Date.now(), values }), { qos: 1 })
  }
  const footprintOf = (token = t.adminToken, park = 'vtc'): Promise<{ status: number; body: ParkFootprint }> => footprint(t, park, token)

  beforeAll(async () => {
    t = await startTestHub({ env: {} })
    ;({ socket } = await connectLive(t.http, await login(t.http, 'safety', 'safety-demo')))
    socket.on('footprint', (f) => pushed.push(f))
  })
  afterAll(async () => {
    socket?.close()
    for (const c of clients) c.end(true)
    await t.stop()
  })

  it('draws nothing before a gas alarm, and says why', async () => {
    expect((await footprintOf()).body).toMatchObject({ park: 'vtc', state: 'none', reason: 'no_gas_alarm', plumes: [] })
  })

  it('without a weather reading, a chlorine alarm gets no footprint and the reason', async () => {
    // vtc-ti01-gas-002 near the workshop's west wall reads 30 mg/m³ (2 × OEL = 2: red); two more chlorine detectors of the workshop.
    await publish('vtc-ti01-gas-002', 'vtc-ti01', { cl2: 30 })
    await publish('vtc-ti01-gas-001', 'vtc-ti01', { cl2: 1.5 })
    await publish('vtc-ti01-gas-003', 'vtc-ti01', { cl2: 0 })
    const f = await eventually(async () => {
      const r = (await footprintOf()).body
      return r.reason === 'no_weather_reading' && r
    }, 10_000, 'the no-weather reason')
    expect(f).toMatchObject({ state: 'none', gases: ['cl2'] })
  })

  it('with wind from the west, the plume runs east from the workshop with its band, places and assembly points', async () => {
    await publish('vtc-weather-001', 'vtc-ti01', { wind_speed: 2, wind_dir: 270, air_temp: 24, stability: 4 })
    const f = await eventually(async () => {
      const r = (await footprintOf()).body
      return r.state === 'estimate' && r
    }, 10_000, 'an estimate')
    expect(f.wind).toMatchObject({ station: 'vtc-weather-001', speed: 2, fromDeg: 270, stability: 'D', stabilitySource: 'station' })
    expect(f.terrain).toBe('urban')
    const plume = f.plumes[0]!
    expect(plume.gas).toBe('cl2')
    expect(plume.unit).toBe('mg/m³')
    const devices = (await api<{ devices: { id: string; position: { x: number; y: number } }[] }>(t, 'GET', '/api/v1/devices?park=vtc&kind=gas&limit=1000')).body.devices
    const strongest = devices.find((d) => d.id === 'vtc-ti01-gas-002')!.position
    expect(plume.source.x).toBeLessThan(strongest.x) // upwind (west) of the strongest detector
    expect(Math.abs(plume.source.y - strongest.y)).toBeLessThan(15)
    expect(plume.contours.map((c) => c.label)).toEqual(['AEGL-1', 'AEGL-2', 'AEGL-3'])
    const aegl1 = plume.contours[0]!
    expect(aegl1.reachM).toBeGreaterThan(20)
    // The plume's east-most point lies east of the source: downwind.
    expect(Math.max(...aegl1.polygon.map(([x]) => x))).toBeGreaterThan(plume.source.x + aegl1.reachM * 0.9)
    expect(aegl1.band.length).toBeGreaterThan(3)
    expect(plume.caveats).toContain('dense_gas')
    expect(plume.places.map((p) => p.id)).toContain('vtc-ti01-chl')
    expect(plume.detectors.find((d) => d.device === 'vtc-ti01-gas-002')).toMatchObject({ value: 30, alarming: true })
    // The park's four assembly points; the first is a west one (upwind, outside every band).
    expect(f.muster).toHaveLength(4)
    expect(f.muster[0]).toMatchObject({ upwind: true, inside: false })
    expect(f.muster[0]!.id).toMatch(/-muster-(nw|sw)$/)
    // Pushed live to a whole-park socket.
    await eventually(() => pushed.find((p) => p.park === 'vtc' && p.state === 'estimate'), 10_000, 'the live footprint')
  })

  it('turns with the wind', async () => {
    await publish('vtc-weather-001', 'vtc-ti01', { wind_speed: 2, wind_dir: 0, air_temp: 24, stability: 4 })
    const f = await eventually(async () => {
      const r = (await footprintOf()).body
      return r.state === 'estimate' && r.wind?.fromDeg === 0 && r
    }, 10_000, 'the north wind')
    // From the north the gas goes south: the AEGL-1 outline reaches south (+y) of its source.
    const plume = f.plumes[0]!
    expect(Math.max(...plume.contours[0]!.polygon.map(([, y]) => y))).toBeGreaterThan(plume.source.y + 10)
    await eventually(() => pushed.find((p) => p.state === 'estimate' && p.wind?.fromDeg === 0), 10_000, 'the turned footprint live')
  })

  it('goes when the gas does, and its end is pushed once', async () => {
    await publish('vtc-ti01-gas-002', 'vtc-ti01', { cl2: 0 })
    await publish('vtc-ti01-gas-001', 'vtc-ti01', { cl2: 0 })
    // While the alarm stays active (its off-delay) nothing reads the gas any more: `no_readings`; then no alarm.
    const f = await eventually(async () => {
      const r = (await footprintOf()).body
      return r.reason === 'no_gas_alarm' && r
    }, 20_000, 'the footprint gone')
    expect(f).toMatchObject({ state: 'none', plumes: [] })
    await eventually(() => pushed.at(-1)?.reason === 'no_gas_alarm', 10_000, 'the end pushed live')
  })

  it('reads as absent to a user limited to another park, and refuses the unsigned', async () => {
    const vtcOnly = await login(t.http, 'vtc-safety', 'vtc-safety-demo')
    expect((await footprintOf(vtcOnly, 'glc')).status).toBe(404)
    expect((await footprintOf(vtcOnly, 'vtc')).status).toBe(200)
    expect((await footprintOf(t.adminToken, 'nowhere')).status).toBe(404)
    expect((await fetch(`${t.http}/api/v1/parks/vtc/footprint`)).status).toBe(401)
  })
})

describe('hazard footprint: the simulators\' chlorine release, through MQTT, with the park\'s simulated weather station', () => {
  let t: TestHub
  beforeAll(async () => void (t = await startTestHub()))
  afterAll(async () => t.stop())

  // An accelerated run replays the past and ends when it has caught up with the present; the
  // footprint takes only readings of the last minute (hub time). At ×2 for 60 s the run starts
  // 60 s in the past: the alarm comes about 76 simulated seconds in (38 s of wall clock), its
  // readings then 22 s old and younger, and the release goes on for the run's 120 s.
  it('the toxic-release scenario gives an estimate under the wind its weather station reports', async () => {
    const root = new URL('../..', import.meta.url).pathname
    const child = spawn(`${root}node_modules/.bin/tsx`, [`${root}simulators/src/cli.ts`, '--url', t.mqttUrl, '--api', t.http, '--user', 'admin', '--password', ADMIN_PASSWORD, '--quiet', '--scenario', 'toxic-release', '--speed', '2', '--duration', '60s', '--seed', '1'], { cwd: root, stdio: 'ignore' })
    const exited = new Promise((resolve) => child.once('exit', resolve))
    try {
      const parks = (await api<{ parks: { id: string }[] }>(t, 'GET', '/api/v1/zone')).body.parks.map((p) => p.id)
      const f = await eventually(async () => {
        for (const park of parks) {
          const r = (await footprint(t, park)).body
          if (r.state === 'estimate') return r
        }
        return undefined
      }, 190_000, 'an estimate during the release')
      expect(f.wind!.station).toBe(`${f.park}-weather-001`)
      expect(f.wind!.stabilitySource).toBe('station')
      const plume = f.plumes[0]!
      expect(plume.contours.length).toBeGreaterThan(0)
      // The estimated source lies upwind of the strongest detector (the scenario puts the leak a few metres upwind of one).
      const strongest = plume.detectors.reduce((a, d) => (d.value > a.value ? d : a))
      expect(strongest.value).toBeGreaterThan(0)
      expect(plume.detectors.length).toBeGreaterThanOrEqual(1)
    } finally {
      child.kill('SIGTERM')
      await exited
    }
  }, 260_000)
})
