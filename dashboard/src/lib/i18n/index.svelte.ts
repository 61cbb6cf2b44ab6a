/**
 * The language of the screen: zh-CN by default, English on request; one language per screen.
 * Every visible string goes through `t('key')`.
 */
import { renderMessage, type Message } from '../../../../hub/src/model/messages/index.js'
import { en } from './en.js'
import { zhCN, type MessageKey } from './zh-CN.js'
import { alarmTypeText, translate, type Params } from './translate.js'

export type Locale = 'zh-CN' | 'en'
export const LOCALES: readonly Locale[] = ['zh-CN', 'en']
export type { MessageKey }

const STORAGE_KEY = 'smartpark.locale'
const DICTS = { 'zh-CN': zhCN, en } as const

function initial(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY)
    if (saved === 'en' || saved === 'zh-CN') return saved
  } catch {
    /* storage unavailable: default */
  }
  return 'zh-CN'
}

class I18n {
  locale = $state<Locale>(initial())
  /** Locale for Intl formatting (24-hour clock in both). */
  intl = $derived(this.locale === 'en' ? 'en-GB' : 'zh-CN')

  set(locale: Locale): void {
    this.locale = locale
    try {
      localStorage.setItem(STORAGE_KEY, locale)
    } catch {
      /* ignore */
    }
    document.documentElement.lang = locale
  }
}

export const i18n = new I18n()

/** Text for a known key in the current language. */
export function t(key: MessageKey, params?: Params): string {
  return translate(DICTS[i18n.locale], key, params)
}

/** Text for a key built at run time (e.g. `alarmType.${type}`), with a fallback. */
export function tx(key: string, fallback: string, params?: Params): string {
  return translate(DICTS[i18n.locale], key, params, fallback)
}

/** The name of an alarm type in the current language (`alarmTypeText`). */
export function alarmType(type: string): string {
  return alarmTypeText(DICTS[i18n.locale], type)
}

/** A translate function of the shape the pure formatters take. */
export function tr(key: string, params?: Params): string {
  return translate(DICTS[i18n.locale], key, params)
}

/**
 * The name of a thing in the current language. English falls back to the id rather than to
 * Chinese, so an English screen stays English.
 */
export function localName(thing: { name: string; nameEn?: string | undefined; id?: string }): string {
  if (i18n.locale === 'zh-CN') return thing.name
  return thing.nameEn ?? thing.id ?? thing.name
}

const CJK = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/u

/**
 * The `lang` of free text from the hub or from people (notes, titles typed in Chinese) on an
 * English screen: Chinese text is marked zh-CN, so it is drawn with Chinese glyphs and read as
 * Chinese; anything else inherits the page's language.
 */
export function textLang(text: string | null | undefined): 'zh-CN' | undefined {
  return i18n.locale !== 'zh-CN' && text && CJK.test(text) ? 'zh-CN' : undefined
}

/** zh / en text pairs carried by hub objects (risk reasons, incident steps). */
export function pick(zh: string, enText: string | undefined): string {
  return i18n.locale === 'zh-CN' ? zh : (enText ?? zh)
}

/** A message of the hub's one dictionary (a code and its parameters) in the current language. */
export function say(m: Message): string {
  return renderMessage(m, i18n.locale)
}

/**
 * A note the hub recorded (alarm history step, incident timeline entry): its messages in the
 * current language when it carries them, else its text as recorded (free text; older records).
 */
export function noteText(x: { note?: string | undefined; messages?: readonly Message[] | undefined }): string | undefined {
  if (x.messages === undefined || x.messages.length === 0) return x.note
  return x.messages.map(say).join(t('common.sep'))
}
