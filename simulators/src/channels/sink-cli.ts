/**
 * `npm run sink`: the fake notification platforms (fake-platforms.ts) on a fixed port, for the
 * demo and for trying the hub's channels by hand. It prints one line for every message that
 * arrives: time, platform, whether the platform took it (or its error), the message id, a
 * duplicate mark, and the text people would read.
 *
 * Environment (each platform's account, the same values the hub's channels are given):
 *   NOTIFY_SINK_PORT (8091), NOTIFY_SINK_HOST (127.0.0.1)
 *   NOTIFY_SINK_WECOM_KEY                                      WeCom robot key
 *   NOTIFY_SINK_DINGTALK_TOKEN, NOTIFY_SINK_DINGTALK_SECRET    DingTalk access token, signing secret
 *   NOTIFY_SINK_FEISHU_TOKEN, NOTIFY_SINK_FEISHU_SECRET        Feishu hook token, signing secret
 *   NOTIFY_SINK_SMS_KEY_ID, NOTIFY_SINK_SMS_KEY_SECRET         Aliyun AccessKey pair for SMS
 *   NOTIFY_SINK_SMS_SIGN_NAME, NOTIFY_SINK_SMS_TEMPLATE        (optional) the only sign name / template accepted
 *   NOTIFY_SINK_VOICE_KEY_ID, NOTIFY_SINK_VOICE_KEY_SECRET     Aliyun AccessKey pair for voice
 *   NOTIFY_SINK_WEBHOOK_SECRET, NOTIFY_SINK_WEBHOOK_HEADER     webhook HMAC key, signature header
 * Unset, each takes the demo's value (DEMO_SINK_ACCOUNTS below): fine on a laptop, never for a real platform.
 */
import { pathToFileURL } from 'node:url'
import { FakePlatforms, type RecordedRequest } from './fake-platforms.js'
import type { PlatformAccounts } from './platform-rules.js'

export const DEFAULT_SINK_PORT = 8091

export const DEMO_SINK_ACCOUNTS = {
  wecom: { key: 'demo-wecom-key' },
  dingtalk: { token: 'demo-dingtalk-token', secret: 'SECdemo-dingtalk-secret' },
  feishu: { token: 'demo-feishu-token', secret: 'demo-feishu-secret' },
  sms: { accessKeyId: 'demo-sms-key-id', accessKeySecret: 'demo-sms-key-secret' },
  voice: { accessKeyId: 'demo-voice-key-id', accessKeySecret: 'demo-voice-key-secret' },
  webhook: { secret: 'demo-webhook-secret' },
} as const satisfies PlatformAccounts

export function accountsFromEnv(env: NodeJS.ProcessEnv): PlatformAccounts {
  const d = DEMO_SINK_ACCOUNTS
  const v = (name: string, fallback: string): string => env[name] || fallback
  const opt = (name: string): string | undefined => env[name] || undefined
  return {
    wecom: { key: v('NOTIFY_SINK_WECOM_KEY', d.wecom.key) },
    dingtalk: { token: v('NOTIFY_SINK_DINGTALK_TOKEN', d.dingtalk.token), secret: v('NOTIFY_SINK_DINGTALK_SECRET', d.dingtalk.secret) },
    feishu: { token: v('NOTIFY_SINK_FEISHU_TOKEN', d.feishu.token), secret: v('NOTIFY_SINK_FEISHU_SECRET', d.feishu.secret) },
    sms: {
      accessKeyId: v('NOTIFY_SINK_SMS_KEY_ID', d.sms.accessKeyId), accessKeySecret: v('NOTIFY_SINK_SMS_KEY_SECRET', d.sms.accessKeySecret),
      ...(opt('NOTIFY_SINK_SMS_SIGN_NAME') ? { signName: opt('NOTIFY_SINK_SMS_SIGN_NAME')! } : {}),
      ...(opt('NOTIFY_SINK_SMS_TEMPLATE') ? { template: opt('NOTIFY_SINK_SMS_TEMPLATE')! } : {}),
    },
    voice: { accessKeyId: v('NOTIFY_SINK_VOICE_KEY_ID', d.voice.accessKeyId), accessKeySecret: v('NOTIFY_SINK_VOICE_KEY_SECRET', d.voice.accessKeySecret) },
    webhook: { secret: v('NOTIFY_SINK_WEBHOOK_SECRET', d.webhook.secret), ...(opt('NOTIFY_SINK_WEBHOOK_HEADER') ? { header: opt('NOTIFY_SINK_WEBHOOK_HEADER')! } : {}) },
  }
}

/** One line: 21:43:46.123 wecom    ok       n-123 [dup 1]  text… */
export function sinkLine(r: RecordedRequest): string {
  const time = new Date(r.at).toISOString().slice(11, 23)
  const outcome = r.delivered ? 'ok' : `refused ${r.status} ${shortAnswer(r.answer)}`
  const dup = r.duplicateOf > 0 ? ` [duplicate ${r.duplicateOf + 1}]` : ''
  const whole = (r.text ?? '').replace(/\s*\n\s*/g, ' ⏎ ')
  const text = whole.slice(0, 160)
  // A link cut off by the 160 characters is printed whole after them: an SMS's personal
  // acknowledgement link (#/ack/<token>) is there to be opened from this line.
  const cut = (whole.match(/https?:\/\/[^\s"'<>]+/g) ?? []).filter((link) => !text.includes(link))
  const links = cut.length > 0 ? `  ${cut.join(' ')}` : ''
  return `${time} ${r.platform.padEnd(8)} ${outcome.padEnd(10)} ${r.messageId ?? '-'}${dup}  ${text}${links}`
}

function shortAnswer(a: unknown): string {
  if (a === undefined) return '(connection dropped)'
  if (typeof a === 'string') return a.slice(0, 60)
  const o = a as Record<string, unknown>
  return String(o.errcode ?? o.code ?? o.Code ?? o.error ?? '')
}

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    console.log('npm run sink: fake WeCom, DingTalk, Feishu, Aliyun SMS/voice and webhook endpoints; see simulators/src/channels/sink-cli.ts for the environment.')
    return
  }
  const port = Number(process.env.NOTIFY_SINK_PORT ?? DEFAULT_SINK_PORT)
  const host = process.env.NOTIFY_SINK_HOST ?? '127.0.0.1'
  const sink = await FakePlatforms.start({
    accounts: accountsFromEnv(process.env), port, host,
    onRequest: (r) => console.log(sinkLine(r)),
    onStray: (method, path, status) => console.log(`${new Date().toISOString().slice(11, 23)} ${'?'.padEnd(8)} ${String(status).padEnd(10)} ${method} ${path} (no platform here)`),
  })
  console.log(`notification sink on ${sink.origin}:`)
  for (const p of ['wecom', 'dingtalk', 'feishu', 'sms', 'voice', 'webhook'] as const) console.log(`  ${p.padEnd(8)} ${sink.url(p)}`)
  const stop = (): void => void sink.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error((err as Error).message)
    process.exit(1)
  })
}
