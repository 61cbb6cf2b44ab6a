/**
 * The words of a notification: short, in Chinese by default (the recipient's language when
 * set), with park, place, value, set point, level and a link, from the one dictionary
 * (model/messages). Phone numbers are personal information (PIPL, 个人信息保护法 art. 28,
 * 51): masked (138****0001) in every text; the full number travels only in a Recipient, to
 * address an SMS or a call or to @ someone in a robot's mention list.
 */
import type { Alarm, AlarmLevel } from '../model/alarm.js'
import { UNITS } from '../model/vocabulary.js'
import { MESSAGES, msg, render, type Lang, type LocalName, type Message, type MessageCode } from '../model/messages/index.js'

/** 13800000001 → 138****0001; a short number keeps its first and last two digits. */
export function maskPhone(phone: string | undefined): string | undefined {
  if (phone === undefined) return undefined
  const digits = phone.replace(/\s+/g, '')
  if (digits.length >= 8) return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`
  if (digits.length <= 4) return '*'.repeat(digits.length)
  return `${digits.slice(0, 2)}${'*'.repeat(digits.length - 4)}${digits.slice(-2)}`
}

/** Every run of 7 to 15 digits (a phone number, perhaps with +) in a text, masked. */
export function maskPhonesIn(text: string): string {
  return text.replace(/\+?\d{7,15}/g, (n) => maskPhone(n)!)
}

/** Names of the places an alarm names, in both languages. */
export interface PlaceNames {
  park(id: string): LocalName | undefined
  enterprise(id: string): LocalName | undefined
  area(id: string): LocalName | undefined
  device(id: string): LocalName | undefined
}

/** What a message says of an alarm. */
export type AlarmFacts = Pick<Alarm, 'id' | 'type' | 'level' | 'park' | 'enterprise' | 'area' | 'device' | 'metric' | 'value' | 'threshold' | 'condition'>

export interface Texts {
  title: string
  text: string
  markdown: string
  params: Record<string, string>
}

function name(n: LocalName | undefined, fallback: string, lang: Lang): string {
  if (!n) return fallback
  return lang === 'zh-CN' ? n.name : (n.nameEn ?? n.name)
}

function t(code: MessageCode, lang: Lang, params?: Record<string, string | number>): string {
  return render(code, params, lang)
}

/** The alarm type's name, or the type itself when the dictionary has none. */
export function typeName(type: string, lang: Lang): string {
  const code = `alarmType.${type}`
  return MESSAGES[lang][code] !== undefined ? render(code, { metric: type }, lang) : type
}

export function levelName(level: AlarmLevel, lang: Lang): string {
  return t(`notify.level.${level}` as MessageCode, lang)
}

function fmt(n: number | undefined): string {
  if (n === undefined) return '–'
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(2)))
}

/** Enterprise · area · device, as far as known. */
export function placeOf(a: Pick<AlarmFacts, 'enterprise' | 'area' | 'device'>, places: PlaceNames, lang: Lang): string {
  const parts = [name(places.enterprise(a.enterprise), a.enterprise, lang)]
  if (a.area !== undefined) parts.push(name(places.area(a.area), a.area, lang))
  parts.push(name(places.device(a.device), a.device, lang))
  return parts.filter((p) => p !== '' && !p.startsWith('_')).join(' ')
}

export interface AlarmTextInput {
  alarm: AlarmFacts
  lang: Lang
  places: PlaceNames
  kind: 'alarm' | 'escalation' | 'repeat'
  /** Reminder number (1 for the first reminder) on `repeat`; minutes unacknowledged and tier on `escalation`. */
  reminder?: number | undefined
  minutes?: number | undefined
  tier: number
  /** People on duty named in a group message (their phones masked); none in a direct one. */
  onDuty?: { name: string; phone?: string | undefined }[] | undefined
  fallbackRoles?: string[] | undefined
  link?: string | undefined
  /** A personal acknowledgement link (direct messages only). */
  ackLink?: string | undefined
}

/** One alarm's message in `lang`. */
export function alarmText(i: AlarmTextInput): Texts {
  const { alarm: a, lang } = i
  const park = name(i.places.park(a.park), a.park, lang)
  const { place, type, valueText, thresholdText } = factsOf(a, i.places, lang)
  const level = levelName(a.level, lang)
  // A value without a metric (seconds a device has been silent, devices out of touch) means
  // nothing to a reader without its unit: such alarms are named by their type alone.
  const head = a.value !== undefined && a.metric !== undefined
    ? t('notify.alarm', lang, { level, park, place, type, value: valueText, threshold: thresholdText })
    : t('notify.alarmNoValue', lang, { level, park, place, type })
  const lines = [head]
  if (i.kind === 'repeat') lines.push(t('notify.reminder', lang, { n: i.reminder ?? 1 }))
  if (i.kind === 'escalation') lines.push(t('notify.escalated', lang, { minutes: i.minutes ?? 0, tier: i.tier + 1 }))
  if (a.condition === 'cleared') lines.push(t('notify.cleared', lang))
  if (i.onDuty && i.onDuty.length > 0) lines.push(t('notify.onDuty', lang, { people: i.onDuty.map((p) => [p.name, maskPhone(p.phone)].filter(Boolean).join(' ')).join('、') }))
  if (i.fallbackRoles && i.fallbackRoles.length > 0) lines.push(t('notify.fallback', lang, { roles: i.fallbackRoles.join('、') }))
  if (i.ackLink) lines.push(t('notify.ackLink', lang, { link: i.ackLink }))
  else if (i.link) lines.push(t('notify.link', lang, { link: i.link }))
  const title = t('notify.title', lang, { level, park })
  const text = maskPhonesOutsideLinks(lines.join('\n'))
  return {
    title, text, markdown: `### ${title}\n${text.split('\n').map((l) => `> ${l}`).join('\n')}`,
    params: { park, place, type, level, value: fmt(a.value), threshold: fmt(a.threshold), link: i.ackLink ?? i.link ?? '' },
  }
}

/** Masks phone-like numbers in a text, leaving URLs (whose tokens may hold digits) as they are. */
function maskPhonesOutsideLinks(text: string): string {
  return text.split(/(https?:\/\/\S+)/).map((part, k) => (k % 2 === 1 ? part : maskPhonesIn(part))).join('')
}

export interface SummaryInput {
  park: string
  counts: Record<AlarmLevel, number>
  total: number
  top: { id: string; level: AlarmLevel; type: string; device: string; enterprise: string; area: string | undefined }[]
  lang: Lang
  places: PlaceNames
  link?: string | undefined
}

/** A park's flood summary of one minute. */
export function summaryText(i: SummaryInput): Texts {
  const park = name(i.places.park(i.park), i.park, i.lang)
  const c = i.counts
  const lines = [t('notify.summary', i.lang, { park, total: i.total, l1: c[1], l2: c[2], l3: c[3], l4: c[4] })]
  for (const a of i.top) lines.push(`· ${t('notify.summaryItem', i.lang, { level: levelName(a.level, i.lang), type: typeName(a.type, i.lang), place: placeOf(a, i.places, i.lang) })}`)
  if (i.link) lines.push(t('notify.link', i.lang, { link: i.link }))
  const title = t('notify.summaryTitle', i.lang, { park })
  const text = maskPhonesOutsideLinks(lines.join('\n'))
  return { title, text, markdown: `### ${title}\n${text}`, params: { park, total: String(i.total), level: levelName(i.top[0]?.level ?? 4, i.lang), link: i.link ?? '' } }
}

export interface IncidentTextInput {
  park: string
  level: AlarmLevel
  title: string
  titleEn: string
  alarms: number
  state: 'open' | 'dispatched' | 'closed'
  /** Its most severe alarm: the place, value and set point its messages and SMS/voice template parameters name. */
  lead?: AlarmFacts | undefined
  kind: 'alarm' | 'escalation' | 'repeat' | 'incident'
  reminder?: number | undefined
  minutes?: number | undefined
  tier: number
  lang: Lang
  places: PlaceNames
  onDuty?: { name: string; phone?: string | undefined }[] | undefined
  link?: string | undefined
  ackLink?: string | undefined
}

const INCIDENT_STATE: Record<IncidentTextInput['state'], MessageCode> = { open: 'notify.incidentOpen', dispatched: 'notify.incidentDispatched', closed: 'notify.incidentClosed' }

/** A red life-safety incident's message: one per incident and change of state, and its escalation steps. */
export function incidentText(i: IncidentTextInput): Texts {
  const park = name(i.places.park(i.park), i.park, i.lang)
  const level = levelName(i.level, i.lang)
  const title = i.lang === 'zh-CN' ? i.title : i.titleEn
  const lines = [t('notify.incident', i.lang, { level, park, title, alarms: i.alarms, state: t(INCIDENT_STATE[i.state], i.lang) })]
  const lead = i.lead ? factsOf(i.lead, i.places, i.lang) : undefined
  if (lead && i.lead!.value !== undefined && i.lead!.metric !== undefined) lines.push(t('notify.incidentLead', i.lang, { place: lead.place, type: lead.type, value: lead.valueText, threshold: lead.thresholdText }))
  if (i.kind === 'repeat') lines.push(t('notify.reminder', i.lang, { n: i.reminder ?? 1 }))
  if (i.kind === 'escalation') lines.push(t('notify.escalated', i.lang, { minutes: i.minutes ?? 0, tier: i.tier + 1 }))
  if (i.onDuty && i.onDuty.length > 0) lines.push(t('notify.onDuty', i.lang, { people: i.onDuty.map((p) => [p.name, maskPhone(p.phone)].filter(Boolean).join(' ')).join('、') }))
  if (i.ackLink) lines.push(t('notify.ackLink', i.lang, { link: i.ackLink }))
  else if (i.link) lines.push(t('notify.link', i.lang, { link: i.link }))
  const head = t('notify.incidentTitle', i.lang, { level, park })
  const text = maskPhonesOutsideLinks(lines.join('\n'))
  // SMS and voice templates read ${park}${place}${type}，${level}，当前值${value}（限值${threshold}）: the lead alarm's facts.
  const params = lead
    ? { park, place: lead.place, type: lead.type, level, value: fmt(i.lead!.value), threshold: fmt(i.lead!.threshold), link: i.ackLink ?? i.link ?? '' }
    : { park, place: title, type: title, level, value: '', threshold: '', link: i.ackLink ?? i.link ?? '' }
  return { title: head, text, markdown: `### ${head}\n${text}`, params }
}

/** An alarm's place, type, and value and set point with the metric's unit. */
function factsOf(a: AlarmFacts, places: PlaceNames, lang: Lang): { place: string; type: string; valueText: string; thresholdText: string } {
  const unit = a.metric !== undefined ? UNITS[a.metric] : undefined
  const withUnit = (n: number | undefined): string => (n !== undefined && unit ? `${fmt(n)} ${unit}` : fmt(n))
  return { place: placeOf(a, places, lang), type: typeName(a.type, lang), valueText: withUnit(a.value), thresholdText: withUnit(a.threshold) }
}

/** A channel's test message. */
export function testText(channel: string, lang: Lang): Texts {
  const title = t('notify.testTitle', lang)
  const text = t('notify.test', lang, { channel })
  return { title, text, markdown: `### ${title}\n${text}`, params: { park: '', place: channel, type: title, level: '', value: '', threshold: '', link: '' } }
}

/** A history note of the one dictionary. */
export function note(code: MessageCode, params?: Record<string, string | number>): Message {
  return msg(code, params)
}
