import { EventEmitter } from 'node:events'
import type { IClientOptions, MqttClient } from 'mqtt'
import { describe, expect, it } from 'vitest'
import type { Command } from '../../../simulators/src/engine.js'
import { Fleet } from '../../../simulators/src/fleet.js'
import { indexZone } from '../../../simulators/src/scenarios/locate.js'
import { smallCredentials, smallZone } from './small-zone.js'

interface Published {
  client: string
  topic: string
  payload: string
  qos: number
  retain: boolean
}

/** A stand-in for mqtt.js' client: records what is published, lets a test play the broker. */
class FakeClient extends EventEmitter {
  connected = false
  ended: boolean | undefined
  subscriptions: string[] = []
  constructor(
    readonly options: IClientOptions,
    private readonly log: Published[],
    refuse: boolean,
  ) {
    super()
    setImmediate(() => {
      if (refuse) {
        this.emit('error', Object.assign(new Error('Connection refused: Not authorized'), { code: 5 }))
        this.emit('close')
        return
      }
      this.connected = true
      this.emit('connect', {})
    })
  }
  publish(topic: string, payload: string | Buffer, opts: { qos: number; retain: boolean }, cb?: (err?: Error) => void): this {
    this.log.push({ client: String(this.options.clientId), topic, payload: payload.toString(), qos: opts.qos, retain: opts.retain })
    setImmediate(() => cb?.())
    return this
  }
  subscribe(topics: string[], _opts: unknown, cb?: (err: Error | null) => void): this {
    this.subscriptions.push(...topics)
    setImmediate(() => cb?.(null))
    return this
  }
  end(force?: boolean, _opts?: unknown, cb?: () => void): this {
    this.ended = force ?? false
    this.connected = false
    setImmediate(() => {
      this.emit('close')
      cb?.()
    })
    return this
  }
}

function setup(opts: { gatewayMode?: boolean; refuse?: string[]; dropSecrets?: string[] } = {}) {
  const zone = smallZone()
  const ix = indexZone(zone)
  const creds = smallCredentials(zone)
  for (const id of opts.dropSecrets ?? []) delete creds.devices[id]
  const published: Published[] = []
  const clients: FakeClient[] = []
  const commands: Array<[string, Command]> = []
  const fleet = new Fleet(ix.devices, {
    url: 'mqtt://test',
    credentials: creds,
    gatewayMode: opts.gatewayMode ?? false,
    qos: 1,
    factory: (_url, o) => {
      const c = new FakeClient(o, published, (opts.refuse ?? []).includes(String(o.username)))
      clients.push(c)
      return c as unknown as MqttClient
    },
    onCommand: (d, c) => commands.push([d, c]),
  })
  return { fleet, published, clients, commands }
}

const tick = () => new Promise((r) => setImmediate(r))

describe('fleet', () => {
  it('connects each device as itself, with a retained offline will, and says online', async () => {
    const { fleet, published, clients } = setup()
    const res = await fleet.connect()
    expect(res).toEqual({ ok: 24, failed: 0 })
    const c = clients.find((x) => x.options.username === 'g-h2-1')
    expect(c?.options).toMatchObject({ clientId: 'g-h2-1', username: 'g-h2-1', password: 'secret-g-h2-1' })
    expect(c?.options.will).toMatchObject({ topic: 'parks/chem/e-h2/g-h2-1/status', retain: true })
    expect(String(c?.options.will?.payload)).toBe('offline')
    expect(c?.subscriptions).toEqual(['parks/chem/e-h2/g-h2-1/cmd'])
    expect(published).toContainEqual({ client: 'g-h2-1', topic: 'parks/chem/e-h2/g-h2-1/status', payload: 'online', qos: 1, retain: true })
    expect(fleet.connected).toBe(24)
  })

  it('in gateway mode, publishes for the devices behind a gateway through its one connection', async () => {
    const { fleet, published, clients } = setup({ gatewayMode: true })
    await fleet.connect()
    expect(fleet.links.length).toBe(18)
    const gw = clients.find((x) => x.options.username === 'gw-1')
    expect(gw?.options.will).toBeUndefined()
    expect(gw?.subscriptions).toContain('parks/ind/e-cast/i-g-1/cmd')
    fleet.publish({ type: 'telemetry', device: 'i-g-1', ts: 1, values: { lel: 0.5 } })
    await tick()
    expect(published.at(-1)).toEqual({ client: 'gw-1', topic: 'parks/ind/e-cast/i-g-1/telemetry', payload: '{"ts":1,"values":{"lel":0.5}}', qos: 1, retain: false })
  })

  it('routes a device without a secret of its own through its gateway even without gateway mode', async () => {
    const { fleet } = setup({ dropSecrets: ['i-m-1'] })
    expect(fleet.links.map((l) => l.id)).toContain('gw-1')
    expect(fleet.links.find((l) => l.id === 'gw-1')?.devices.map((d) => d.id)).toEqual(['i-m-1'])
    expect(fleet.unconnectable).toEqual([])
  })

  it('counts refused connections and gives up on them', async () => {
    const { fleet } = setup({ refuse: ['g-h2-1', 'g-h2-2'] })
    const res = await fleet.connect()
    expect(res.failed).toBe(2)
    expect(fleet.counters.connectFailures).toBe(2)
    expect(fleet.links.filter((l) => l.dead).map((l) => l.id).sort()).toEqual(['g-h2-1', 'g-h2-2'])
  })

  it('hands commands on and counts ones it cannot read', async () => {
    const { fleet, clients, commands } = setup()
    await fleet.connect()
    const c = clients.find((x) => x.options.username === 'g-h2-1')
    c?.emit('message', 'parks/chem/e-h2/g-h2-1/cmd', Buffer.from('{"id":"a1","command":"close_valve","params":{"why":"test"}}'))
    c?.emit('message', 'parks/chem/e-h2/g-h2-1/cmd', Buffer.from('not json'))
    expect(commands).toEqual([['g-h2-1', { id: 'a1', command: 'close_valve', params: { why: 'test' } }]])
    expect(fleet.counters.commands).toBe(2)
    expect(fleet.counters.badCommands).toBe(1)
    // A command past its expiry is not acted on; one before it is.
    c?.emit('message', 'parks/chem/e-h2/g-h2-1/cmd', Buffer.from(JSON.stringify({ id: 'a2', command: 'close_valve', expiresAt: Date.now() - 1000 })))
    c?.emit('message', 'parks/chem/e-h2/g-h2-1/cmd', Buffer.from(JSON.stringify({ id: 'a3', command: 'close_valve', expiresAt: Date.now() + 60_000 })))
    expect(commands.map(([, x]) => x.id)).toEqual(['a1', 'a3'])
    expect(fleet.counters.badCommands).toBe(2)
  })

  it('drops a device uncleanly for an offline fault (so its will fires) and brings it back', async () => {
    const { fleet, clients } = setup()
    await fleet.connect()
    const first = clients.find((x) => x.options.username === 'g-cl-1')
    fleet.publish({ type: 'link', device: 'g-cl-1', ts: 0, up: false })
    expect(first?.ended).toBe(true) // forced: no DISCONNECT packet
    expect(fleet.publish({ type: 'telemetry', device: 'g-cl-1', ts: 1, values: { cl2: 0 } })).toBe(false)
    expect(fleet.counters.skipped).toBe(1)
    fleet.publish({ type: 'link', device: 'g-cl-1', ts: 0, up: true })
    await tick()
    await tick()
    expect(clients.filter((x) => x.options.username === 'g-cl-1').length).toBe(2)
    expect(fleet.links.find((l) => l.id === 'g-cl-1')?.up).toBe(true)
  })

  it('stops cleanly: retained offline for every device, then DISCONNECT', async () => {
    const { fleet, published, clients } = setup({ gatewayMode: true })
    await fleet.connect()
    published.length = 0
    await fleet.stop()
    const offline = published.filter((p) => p.payload === 'offline')
    expect(offline.length).toBe(24)
    expect(offline.every((p) => p.retain && p.topic.endsWith('/status'))).toBe(true)
    expect(clients.every((c) => c.ended === false)).toBe(true)
  })
})
