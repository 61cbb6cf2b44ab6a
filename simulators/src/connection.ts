/**
 * One MQTT connection of the fleet: a device on its own, or a gateway publishing for the
 * devices configured behind it (CONTRACT.md: username = device or gateway id, password = its
 * secret; client id = the same id, as the hub refuses a client id naming another device).
 *
 * A device connection carries a retained `offline` will on its status topic and publishes a
 * retained `online` there on every (re)connect. MQTT gives a connection one will only and the
 * contract has no gateway status topic, so a gateway connection carries none; it announces
 * `online`/`offline` on each of its devices' status topics itself.
 */
import type { IClientOptions, MqttClient } from 'mqtt'
import type { Device } from '../../hub/src/model/device.js'
import { topicOf } from './topics.js'

export type ClientFactory = (url: string, options: IClientOptions) => MqttClient

export interface LinkCounters {
  connectFailures: number
  errors: number
}

export interface LinkOptions {
  url: string
  qos: 0 | 1
  connectTimeoutMs: number
  /** Pause between reconnect attempts, ms (spread a little per link so they don't arrive together). */
  reconnectMs: number
  factory: ClientFactory
  counters: LinkCounters
  onMessage: (topic: string, payload: Buffer) => void
  log: (line: string) => void
}

/** MQTT 3.1.1 CONNACK codes 4/5 and MQTT 5 reason codes 134/135: retrying will not help. */
const AUTH_CODES = new Set([4, 5, 134, 135])

export class Link {
  client: MqttClient | undefined
  /** Connected and not held down by an `offline` fault. */
  up = false
  /** Given up: bad credentials, or stopped. */
  dead = false
  private held = false

  constructor(
    readonly id: string,
    private readonly secret: string,
    readonly role: 'device' | 'gateway',
    readonly devices: Device[],
    private readonly opts: LinkOptions,
  ) {}

  /** Connects; resolves true on the first CONNACK, false on refusal or timeout (it keeps retrying unless refused). */
  connect(): Promise<boolean> {
    return new Promise((resolve) => {
      let settled = false
      const settle = (ok: boolean): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resolve(ok)
      }
      const own = this.role === 'device' ? this.devices[0] : undefined
      const client = this.opts.factory(this.opts.url, {
        clientId: this.id,
        username: this.id,
        password: this.secret,
        clean: true,
        keepalive: 60,
        protocolVersion: 4,
        connectTimeout: this.opts.connectTimeoutMs,
        reconnectPeriod: this.opts.reconnectMs,
        ...(own ? { will: { topic: topicOf(own, 'status'), payload: Buffer.from('offline'), qos: 1 as const, retain: true } } : {}),
      })
      this.client = client
      const timer = setTimeout(() => settle(false), this.opts.connectTimeoutMs + 1000)
      let attemptUp = false
      client.on('connect', () => {
        attemptUp = true
        this.up = !this.held
        this.announce('online')
        const topics = this.devices.map((d) => topicOf(d, 'cmd'))
        client.subscribe(topics, { qos: this.opts.qos }, (err) => {
          if (err) {
            this.opts.counters.errors++
            this.opts.log(`${this.id}: subscribe failed: ${err.message}`)
          }
        })
        settle(true)
      })
      client.on('message', (topic, payload) => this.opts.onMessage(topic, payload))
      client.on('close', () => {
        if (!attemptUp && !this.dead) this.opts.counters.connectFailures++
        attemptUp = false
        this.up = false
      })
      client.on('error', (err: Error & { code?: number | string }) => {
        if (typeof err.code === 'number' && AUTH_CODES.has(err.code)) {
          this.opts.log(`${this.id}: connection refused (${err.message}); giving up on it`)
          if (!this.dead) this.opts.counters.connectFailures++
          this.dead = true
          client.end(true)
          settle(false)
        }
      })
    })
  }

  /** Retained `online`/`offline` on each device's status topic. */
  announce(state: 'online' | 'offline', devices: readonly Device[] = this.devices): void {
    if (!this.client?.connected) return
    for (const d of devices) this.client.publish(topicOf(d, 'status'), state, { qos: 1, retain: true }, (err) => {
      if (err) this.opts.counters.errors++
    })
  }

  /**
   * The device drops off the network without saying goodbye: the socket is destroyed, no
   * DISCONNECT is sent, so the broker publishes the will (MQTT-3.1.2-8). A gateway cannot lose
   * one device that way; it reports the device `offline` instead.
   */
  drop(device: Device): void {
    if (this.role === 'gateway') {
      this.announce('offline', [device])
      return
    }
    this.held = true
    this.up = false
    const client = this.client
    this.client = undefined
    client?.end(true)
  }

  /** The dropped device comes back. */
  async restore(device: Device): Promise<void> {
    if (this.role === 'gateway') {
      this.announce('online', [device])
      return
    }
    this.held = false
    if (!this.dead) await this.connect()
  }

  publish(topic: string, payload: string, qos: 0 | 1, done: (err?: Error) => void): boolean {
    const client = this.client
    if (!client || !this.up || !client.connected) return false
    client.publish(topic, payload, { qos, retain: false }, (err) => done(err ?? undefined))
    return true
  }

  /** Clean stop: retained `offline` for each device, then DISCONNECT (so the will is discarded). */
  stop(timeoutMs = 3000): Promise<void> {
    this.dead = true
    const client = this.client
    if (!client) return Promise.resolve()
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer)
        resolve()
      }
      const timer = setTimeout(() => {
        client.end(true)
        resolve()
      }, timeoutMs)
      if (!client.connected) {
        client.end(true, {}, finish)
        return
      }
      let pending = this.devices.length
      const next = (): void => {
        if (--pending <= 0) client.end(false, {}, finish)
      }
      if (pending === 0) client.end(false, {}, finish)
      for (const d of this.devices) client.publish(topicOf(d, 'status'), 'offline', { qos: 1, retain: true }, next)
    })
  }
}
