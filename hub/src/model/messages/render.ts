/**
 * One dictionary for the hub and the dashboard: the hub sends a code and its parameters, and
 * whoever shows it (the dashboard in the reader's language; the hub itself for risk reasons'
 * `text`, CSV and notifications) renders it here. Templates use `{name}` placeholders; a
 * parameter is a number, a plain string (an id, a free note typed by a person), the name of a
 * thing in both languages, or another message rendered in the same language.
 */
import { en } from './en.js'
import { zhCN, type MessageCode } from './zh-CN.js'

export type Lang = 'zh-CN' | 'en'
export const LANGS: readonly Lang[] = ['zh-CN', 'en']
export type { MessageCode }

/** A name given in both languages (zone names: `name` is zh-CN, `nameEn` English). */
export interface LocalName {
  name: string
  nameEn?: string | undefined
}

export type MessageParam = string | number | LocalName | Message
export type MessageParams = Readonly<Record<string, MessageParam>>

export interface Message {
  code: string
  params?: MessageParams | undefined
}

export const MESSAGES: Readonly<Record<Lang, Readonly<Record<string, string>>>> = { 'zh-CN': zhCN, en }

function isMessage(p: LocalName | Message): p is Message {
  return typeof (p as Message).code === 'string'
}

function renderParam(p: MessageParam, lang: Lang): string {
  if (typeof p === 'string') return p
  if (typeof p === 'number') return String(p)
  if (isMessage(p)) return render(p.code, p.params, lang)
  return lang === 'zh-CN' ? p.name : (p.nameEn ?? p.name)
}

/**
 * The text of `code` in `lang`, its placeholders filled; an unknown code renders as itself
 * (so a newer hub's code on an older screen still shows something), an unknown placeholder
 * stays `{name}`.
 */
export function render(code: string, params: MessageParams | undefined, lang: Lang): string {
  const template = MESSAGES[lang][code]
  if (template === undefined) return code
  if (params === undefined) return template
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const p = params[name]
    return p === undefined ? whole : renderParam(p, lang)
  })
}

/** `render` for a message object. */
export function renderMessage(m: Message, lang: Lang): string {
  return render(m.code, m.params, lang)
}

/** Several messages as one note, joined as the hub joins its notes (`; `). */
export function renderMessages(ms: readonly Message[], lang: Lang, sep = '; '): string {
  return ms.map((m) => renderMessage(m, lang)).join(sep)
}

/** A message in zh-CN and English: the shape of the hub's `text` / `textEn` pairs. */
export function bilingual(m: Message): { text: string; textEn: string } {
  return { text: renderMessage(m, 'zh-CN'), textEn: renderMessage(m, 'en') }
}

/** Shorthand for building messages. */
export function msg(code: MessageCode, params?: MessageParams): Message {
  return params === undefined ? { code } : { code, params }
}

/**
 * A message as an immutable value (deeply frozen), so that copies of the alarms and incidents
 * holding it can share it: a message already frozen is returned as it is, any other (one built
 * by `msg`, or read back from a saved state) is copied once and frozen.
 */
export function frozenMessage(m: Message): Message {
  if (Object.isFrozen(m)) return m
  if (m.params === undefined) return Object.freeze({ code: m.code })
  const params: Record<string, MessageParam> = {}
  for (const [k, v] of Object.entries(m.params)) {
    params[k] = typeof v !== 'object' ? v : 'code' in v ? frozenMessage(v as Message) : Object.freeze({ ...v })
  }
  return Object.freeze({ code: m.code, params: Object.freeze(params) })
}
