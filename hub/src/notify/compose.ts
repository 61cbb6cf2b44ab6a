/**
 * From a decided escalation step to the messages written to the outbox: who of the tier's roles
 * is on duty now (roster.ts, zone fallback), and per channel of the tier one message — to a
 * group robot one message naming the people on duty (phones masked; the full numbers only in
 * its mention list), to SMS and voice one message per person in that person's language with a
 * personal acknowledgement link. A red life-safety step after the first also calls the first
 * tier's people (voice). Message ids are the escalation's key, the step's sequence number, the
 * channel and the person: a step written again after a restart has the same ids, and the
 * outbox keeps one of each.
 */
import type { Alarm } from '../model/alarm.js'
import type { Incident } from '../model/incident.js'
import type { NotifyChannel, Roster, RosterPerson } from '../model/notify.js'
import { msg, type Lang, type Message } from '../model/messages/index.js'
import { AckLinks } from './ack-links.js'
import type { Escalation, EscalationStep } from './escalation.js'
import { alarmText, incidentText, summaryText, type PlaceNames, type Texts } from './message-text.js'
import { whoToReach, ZONE_SCOPE, type Reached } from './roster.js'
import type { StormSummary } from './storm.js'
import type { MessageKind, OutboundMessage, Recipient } from './types.js'

/** Channels that reach one person (a text, a call); the others post to a group. */
export const DIRECT_TYPES: ReadonlySet<string> = new Set(['sms', 'voice'])
const DEFAULT_LANG: Lang = 'zh-CN'

export interface ComposeContext {
  channels: ReadonlyMap<string, NotifyChannel>
  rosters: readonly Roster[]
  timezone: string
  places: PlaceNames
  publicUrl: string | undefined
  ackLinks: AckLinks
  /** Whether a channel can deliver now (it has its key or secret; a webhook may go unsigned); absent: all can. */
  usable?: ((id: string) => boolean) | undefined
}

export interface Composed {
  messages: OutboundMessage[]
  reached: Reached
}

function recipient(p: RosterPerson): Recipient {
  return { person: p.id, name: p.name, phone: p.phone, lang: p.lang ?? DEFAULT_LANG }
}

export function alarmLink(publicUrl: string | undefined, alarm: string): string | undefined {
  return publicUrl ? `${publicUrl.replace(/\/+$/, '')}/#/alarms/${encodeURIComponent(alarm)}` : undefined
}

function boardLink(publicUrl: string | undefined): string | undefined {
  return publicUrl ? `${publicUrl.replace(/\/+$/, '')}/#/command` : undefined
}

interface Subject {
  kind: MessageKind
  park: string
  alarm: string | undefined
  incident: string | undefined
  /** The alarm a personal link acknowledges. */
  ackAlarm: string | undefined
  words(o: { lang: Lang; onDuty: Reached['people'] | undefined; fallback: string[] | undefined; link: string | undefined; ackLink: string | undefined }): Texts
}

/** The step's messages for the people reached, one per group channel and one per person of a direct channel. */
function compose(ctx: ComposeContext, e: Escalation, step: EscalationStep, subject: Subject, now: number): Composed {
  const tier = e.plan.tiers[step.tier]!
  const scope = tier.scope === 'zone' ? ZONE_SCOPE : e.park
  const reached = whoToReach(ctx.rosters, scope, tier.roles, now, ctx.timezone)
  const out = new Map<string, OutboundMessage>()
  const link = subject.alarm ? alarmLink(ctx.publicUrl, subject.alarm) : boardLink(ctx.publicUrl)
  const add = (channel: NotifyChannel, people: RosterPerson[]): void => {
    if (DIRECT_TYPES.has(channel.type)) {
      for (const p of people) {
        if (!p.phone) continue
        const id = `${e.key}:${step.seq}:${channel.id}:${p.id}`
        if (out.has(id)) continue
        const token = ctx.publicUrl && subject.ackAlarm ? ctx.ackLinks.token(p.id, subject.ackAlarm, now) : undefined
        const ackLink = token && ctx.publicUrl ? AckLinks.link(ctx.publicUrl, token) : undefined
        const words = subject.words({ lang: p.lang ?? DEFAULT_LANG, onDuty: undefined, fallback: undefined, link, ackLink })
        out.set(id, message(id, channel, subject, step.tier, [recipient(p)], words, ackLink ?? link, now))
      }
      return
    }
    const id = `${e.key}:${step.seq}:${channel.id}`
    if (out.has(id)) return
    const words = subject.words({ lang: DEFAULT_LANG, onDuty: people, fallback: reached.fallback, link, ackLink: undefined })
    out.set(id, message(id, channel, subject, step.tier, people.map(recipient), words, link, now))
  }
  for (const id of tier.channels) {
    const channel = ctx.channels.get(id)
    if (channel && (ctx.usable?.(id) ?? true)) add(channel, reached.people)
  }
  if (step.call) {
    const voice = voiceChannelFor(ctx, e.park, tier.channels)
    const first = e.plan.tiers[0]!
    const firstScope = first.scope === 'zone' ? ZONE_SCOPE : e.park
    if (voice && (ctx.usable?.(voice.id) ?? true)) add(voice, whoToReach(ctx.rosters, firstScope, first.roles, now, ctx.timezone).people)
  }
  return { messages: [...out.values()], reached }
}

/** The voice channel that calls the duty officer: one of the tier's, else the park's, else a zone-wide one. */
function voiceChannelFor(ctx: ComposeContext, park: string, tierChannels: readonly string[]): NotifyChannel | undefined {
  const all = [...ctx.channels.values()].filter((c) => c.type === 'voice')
  return all.find((c) => tierChannels.includes(c.id)) ?? all.find((c) => c.park === park) ?? all.find((c) => c.park === undefined)
}

function message(id: string, channel: NotifyChannel, s: Subject, tier: number, to: Recipient[], w: Texts, link: string | undefined, now: number): OutboundMessage {
  return {
    id, channel: channel.id, kind: s.kind, park: s.park, alarm: s.alarm, incident: s.incident, tier, to,
    title: w.title, text: w.text, markdown: w.markdown, params: w.params, link, decidedAt: now,
  }
}

const KIND: Record<EscalationStep['kind'], MessageKind> = { alarm: 'alarm', escalation: 'escalation', repeat: 'repeat' }

/** An alarm's escalation step. */
export function alarmStepMessages(ctx: ComposeContext, e: Escalation, step: EscalationStep, alarm: Alarm, now: number): Composed {
  const minutes = Math.round((now - e.startedAt) / 60_000)
  return compose(ctx, e, step, {
    kind: KIND[step.kind], park: alarm.park, alarm: alarm.id, incident: alarm.incident, ackAlarm: alarm.id,
    words: (o) => alarmText({
      alarm, lang: o.lang, places: ctx.places, kind: step.kind, reminder: step.seq - step.tier, minutes, tier: step.tier,
      onDuty: o.onDuty, fallbackRoles: o.fallback, link: o.link, ackLink: o.ackLink,
    }),
  }, now)
}

export type IncidentView = Pick<Incident, 'id' | 'park' | 'level' | 'title' | 'titleEn' | 'alarms'> & { state: 'open' | 'dispatched' | 'closed'; lead?: Alarm | undefined }

/** A red life-safety incident's step, or its message on a change of state (`kind` incident). */
export function incidentStepMessages(ctx: ComposeContext, e: Escalation, step: EscalationStep, incident: IncidentView, ackAlarm: string | undefined, change: boolean, now: number): Composed {
  const minutes = Math.round((now - e.startedAt) / 60_000)
  return compose(ctx, e, step, {
    kind: change ? 'incident' : KIND[step.kind], park: incident.park, alarm: ackAlarm, incident: incident.id, ackAlarm,
    words: (o) => incidentText({
      park: incident.park, level: incident.level, title: incident.title, titleEn: incident.titleEn, alarms: incident.alarms.length, state: incident.state, lead: incident.lead,
      kind: change ? 'incident' : step.kind, reminder: step.seq - step.tier, minutes, tier: step.tier, lang: o.lang, places: ctx.places,
      onDuty: o.onDuty, link: o.link, ackLink: o.ackLink,
    }),
  }, now)
}

/** A park's flood summary of a minute: one message per channel the gathered messages were for. */
export function summaryMessages(ctx: ComposeContext, s: StormSummary, facts: (id: string) => Pick<Alarm, 'enterprise' | 'area'> | undefined, now: number): OutboundMessage[] {
  const link = boardLink(ctx.publicUrl)
  const top = s.top.map((a) => ({ ...a, enterprise: facts(a.id)?.enterprise ?? '', area: facts(a.id)?.area }))
  const people = new Map(ctx.rosters.flatMap((r) => r.people.map((p) => [p.id, p] as const)))
  const out: OutboundMessage[] = []
  for (const [channelId, ids] of s.channels) {
    const channel = ctx.channels.get(channelId)
    if (!channel || !(ctx.usable?.(channelId) ?? true)) continue
    const to = [...ids].map((id) => people.get(id)).filter((p): p is RosterPerson => p !== undefined)
    const direct = DIRECT_TYPES.has(channel.type)
    const targets = direct ? to.filter((p) => p.phone).map((p) => [p]) : [to]
    for (const group of targets) {
      const lang = direct ? (group[0]?.lang ?? DEFAULT_LANG) : DEFAULT_LANG
      const w = summaryText({ park: s.park, counts: s.counts, total: s.total, top, lang, places: ctx.places, link })
      const id = `summary:${s.park}:${s.minute}:${channelId}${direct ? `:${group[0]!.id}` : ''}`
      out.push({ id, channel: channelId, kind: 'summary', park: s.park, alarm: undefined, incident: undefined, tier: 0, to: group.map(recipient), title: w.title, text: w.text, markdown: w.markdown, params: w.params, link, decidedAt: now })
    }
  }
  return out
}

/** The history note of a decided step: tier, kind, channels and who (names only, never a number). */
export function stepNote(step: EscalationStep, messages: readonly OutboundMessage[]): Message {
  const used = [...new Set(messages.map((m) => m.channel))]
  const names = [...new Set(messages.flatMap((m) => m.to.map((r) => r.name)))]
  return msg('notifyNote.decided', { tier: step.tier + 1, kind: msg(`notifyKind.${step.kind}` as 'notifyKind.alarm'), channel: used.join(', ') || '–', to: names.join('、') || '–' })
}
