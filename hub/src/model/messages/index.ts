export { bilingual, LANGS, MESSAGES, msg, render, renderMessage, renderMessages, type Lang, type LocalName, type Message, type MessageCode, type MessageParam, type MessageParams } from './render.js'
