/**
 * The note of an alarm history step, built from parts: each part is a message of the one
 * dictionary (model/messages) with its English text. The step carries the messages (rendered
 * in the reader's language) and, for readers of `note`, the English texts joined as before.
 */
import type { AlarmStep, Transition } from '../model/alarm.js'
import { msg, renderMessage, type Message, type MessageCode, type MessageParams } from '../model/messages/index.js'

export interface NotePart {
  text: string
  message: Message
}

/** A part the hub words itself. */
export function said(code: MessageCode, params?: MessageParams): NotePart {
  const message = msg(code, params)
  return { text: renderMessage(message, 'en'), message }
}

/** Free text (a person's note, a rule's message without a code): shown as written. */
export function freeText(text: string | undefined): NotePart | undefined {
  return text === undefined ? undefined : { text, message: msg('alarmNote.text', { text }) }
}

/** A transition's message: its code when the rule gave one, else its text as free text. */
export function transitionPart(t: Transition): NotePart | undefined {
  if (t.message === undefined || t.message === '') return undefined
  return { text: t.message, message: t.said ?? msg('alarmNote.text', { text: t.message }) }
}

/** `note` and `messages` of a step from its parts (absent ones skipped), joined by `sep`. */
export function noteOf(sep: string, ...parts: Array<NotePart | undefined>): Pick<AlarmStep, 'note' | 'messages'> {
  const kept = parts.filter((p): p is NotePart => p !== undefined && p.text !== '')
  if (kept.length === 0) return { note: undefined, messages: undefined }
  return { note: kept.map((p) => p.text).join(sep), messages: kept.map((p) => p.message) }
}
