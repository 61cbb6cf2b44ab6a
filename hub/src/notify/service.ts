/**
 * The notification room composed (app.ts calls this once, only when the zone file has a
 * `notify` section): channel secrets, the durable outbox, delivery, rosters and policies with
 * their API edits, acknowledgement links, the notifier and the channel-health alarm. It is
 * handed small interfaces of the alarm book and the incidents; it never reaches into them.
 */
import { join } from 'node:path'
import type { Alarm, AlarmStep, Transition } from '../model/alarm.js'
import type { Incident } from '../model/incident.js'
import type { NotifyChannel, NotifySettings } from '../model/notify.js'
import type { LocalName, Message } from '../model/messages/index.js'
import type { Zone } from '../model/zone.js'
import type { AckInput } from '../alarms/types.js'
import { AckLinks } from './ack-links.js'
import { ChannelSecrets } from './channel-secrets.js'
import { channelHealthWatcher } from './channel-health.js'
import { Delivery, type ChannelStats } from './delivery.js'
import { Notifier, type NotifierCounters, type NotifierLog } from './notifier.js'
import { Outbox } from './outbox.js'
import { NotifyOverrides } from './overrides.js'
import type { PlaceNames } from './message-text.js'
import type { ChannelConfig } from './types.js'

export interface NotifyAlarms {
  get(id: string): Alarm | undefined
  list(q: { state: 'open' }): Alarm[]
  notify(id: string, actor: string, messages: Message[], channel?: string): Alarm
  ack(id: string, actor: string, input: AckInput): Alarm
}

export interface NotifyServiceDeps {
  settings: NotifySettings
  timezone: string
  parkIds: ReadonlySet<string>
  dataDir: string
  clock: () => number
  /** The hub's own secret (the sign-in tokens' key): acknowledgement links are signed with a key derived from it. */
  hubSecret: string
  /** HUB_PUBLIC_URL, over the zone file's `publicUrl`. */
  publicUrl: string | undefined
  env: NodeJS.ProcessEnv
  places: PlaceNames
  alarms: NotifyAlarms
  incidents: { list(q: { state: 'open' }): Incident[]; get(id: string): Incident | undefined }
  raise(transitions: Transition[]): void
  log: NotifierLog
}

export interface NotifyService {
  readonly settings: NotifySettings
  readonly channels: readonly NotifyChannel[]
  readonly notifier: Notifier
  readonly outbox: Outbox
  readonly delivery: Delivery
  readonly secrets: ChannelSecrets
  readonly overrides: NotifyOverrides
  readonly ackLinks: AckLinks
  readonly alarms: NotifyAlarms
  readonly publicUrl: string | undefined
  readonly timezone: string
  readonly clock: () => number
  /** Whether a channel can deliver (it has its key or secret; a webhook may go unsigned). */
  usable(id: string): boolean
  /** The safety loop's alarm listener. */
  onAlarm(alarm: Alarm, step: AlarmStep): void
  start(): void
  stats(): { channels: ChannelStats[]; counters: NotifierCounters; resentTotal: number; escalating: number }
  close(): Promise<void>
}

export function channelConfig(c: NotifyChannel): ChannelConfig {
  return { id: c.id, type: c.type, url: c.url, park: c.park, ratePerMinute: c.ratePerMinute, signName: c.signName, template: c.template, signatureHeader: c.signatureHeader }
}

/** Hosts channels may reach: the zone file's allowlist, else the hosts of its channels' own URLs. */
function allowHostsOf(n: NotifySettings): string[] {
  if (n.allowHosts && n.allowHosts.length > 0) return n.allowHosts
  return [...new Set(n.channels.map((c) => new URL(c.url).host))]
}

export async function startNotifications(d: NotifyServiceDeps): Promise<NotifyService> {
  const n = d.settings
  const secrets = await ChannelSecrets.load(d.dataDir)
  for (const c of n.channels) if (c.keyEnv || c.secretEnv) secrets.fromEnv(c.id, c, d.env)
  const usable = (id: string): boolean => {
    const c = n.channels.find((x) => x.id === id)
    if (!c) return false
    const s = secrets.get(id)
    // A webhook may go unsigned, unless the zone file names a secret for it (then it waits for that secret).
    return Boolean(s?.key || s?.secret) || (c.type === 'webhook' && c.secretEnv === undefined)
  }
  for (const c of n.channels) {
    if (!usable(c.id)) d.log.warn({ channel: c.id }, 'notification channel has no key or secret: not used until an admin sets one (PUT /api/v1/notify/channels/:id/secret)')
  }
  const overrides = new NotifyOverrides(d.dataDir, n, d.parkIds)
  const bad = overrides.load()
  if (bad) d.log.error({ path: bad.path, problem: bad.problem }, 'edited rosters and policies not used: they no longer fit the zone file')
  const outbox = await Outbox.open({ dir: join(d.dataDir, 'notify', 'outbox'), clock: d.clock })
  const ackLinks = new AckLinks(d.hubSecret)
  const publicUrl = d.publicUrl ?? n.publicUrl
  const notifier = new Notifier({
    channels: n.channels, overrides, timezone: d.timezone, stormPerMinute: n.storm?.alarmsPerMinute, publicUrl, dataDir: d.dataDir, clock: d.clock,
    places: d.places, ackLinks, usable, alarms: d.alarms, incidents: d.incidents, outbox, log: d.log,
  })
  const delivery = new Delivery({
    outbox, channels: n.channels.map(channelConfig), secrets, allowHosts: allowHostsOf(n), clock: d.clock, log: d.log,
    onResult: (r) => notifier.onResult(r),
  })
  notifier.open()
  const watchHealth = channelHealthWatcher({
    channels: n.channels,
    unhealthy: () => delivery.channelsUnhealthy(),
    lastError: (id) => delivery.stats().find((s) => s.id === id)?.lastError,
    openAlarms: () => d.alarms.list({ state: 'open' }),
    raise: d.raise,
  })
  let healthTimer: NodeJS.Timeout | undefined
  return {
    settings: n, channels: n.channels, notifier, outbox, delivery, secrets, overrides, ackLinks, alarms: d.alarms, publicUrl, timezone: d.timezone, clock: d.clock, usable,
    onAlarm: (alarm, step) => notifier.onAlarm(alarm, step),
    start() {
      delivery.start()
      notifier.start()
      healthTimer = setInterval(() => watchHealth(d.clock()), 5000)
      healthTimer.unref()
    },
    stats: () => ({ channels: delivery.stats(), counters: { ...notifier.counters }, resentTotal: outbox.resentTotal, escalating: notifier.store.live().length }),
    async close() {
      clearInterval(healthTimer)
      notifier.close()
      await delivery.stop()
      outbox.close()
    },
  }
}

/** Names of the zone's places for messages: parks, enterprises, areas from the zone file, devices from the registry. */
export function zonePlaces(zone: Pick<Zone, 'parks'>, device: (id: string) => LocalName | undefined): PlaceNames {
  const parks = new Map<string, LocalName>()
  const enterprises = new Map<string, LocalName>()
  const areas = new Map<string, LocalName>()
  for (const p of zone.parks) {
    parks.set(p.id, p)
    for (const e of p.enterprises) enterprises.set(e.id, e)
    for (const a of p.areas) areas.set(a.id, a)
  }
  return { park: (id) => parks.get(id), enterprise: (id) => enterprises.get(id), area: (id) => areas.get(id), device }
}

/** The figures health and /metrics show (api/services.ts HealthReport.notify). */
export function notifyHealth(s: NotifyService): NotifyHealth {
  const st = s.stats()
  return {
    escalating: st.escalating, resentTotal: st.resentTotal, ...st.counters,
    channels: st.channels.map((c) => ({ id: c.id, healthy: c.healthy, sent: c.sent, failed: c.failed, retried: c.retried, resent: c.resent, rateLimited: c.rateLimited, backlog: c.backlog, latencyP50: c.latencyP50, latencyP99: c.latencyP99 })),
  }
}

export interface NotifyHealth extends NotifierCounters {
  escalating: number
  resentTotal: number
  channels: { id: string; healthy: boolean; sent: number; failed: number; retried: number; resent: number; rateLimited: number; backlog: number; latencyP50: number | undefined; latencyP99: number | undefined }[]
}
