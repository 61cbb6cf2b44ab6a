import type { Platform, PlatformAccounts } from '../../../../simulators/src/channels/platform-rules.js'
import type { ChannelConfig, ChannelSecret, ChannelType } from '../../../../hub/src/notify/types.js'

/** The fake platforms' accounts in the channel tests, and the same secrets as the hub's channels hold them. */
export const ACCOUNTS = {
  wecom: { key: 'wecom-key-0123' },
  dingtalk: { token: 'ding-token-0123', secret: 'SECding-secret-0123' },
  feishu: { token: 'feishu-token-0123', secret: 'feishu-secret-0123' },
  sms: { accessKeyId: 'sms-key-id-0123', accessKeySecret: 'sms-key-secret-0123', signName: '园区安全', template: 'SMS_100' },
  voice: { accessKeyId: 'voice-key-id-0123', accessKeySecret: 'voice-key-secret-0123', template: 'TTS_100' },
  webhook: { secret: 'webhook-secret-0123' },
} satisfies PlatformAccounts

export const PLATFORM_OF: Record<ChannelType, Platform> = { wecom: 'wecom', dingtalk: 'dingtalk', feishu: 'feishu', sms: 'sms', voice: 'voice', webhook: 'webhook' }

export const SECRET_OF: Record<ChannelType, ChannelSecret> = {
  wecom: { key: ACCOUNTS.wecom.key },
  dingtalk: { key: ACCOUNTS.dingtalk.token, secret: ACCOUNTS.dingtalk.secret },
  feishu: { key: ACCOUNTS.feishu.token, secret: ACCOUNTS.feishu.secret },
  sms: { key: ACCOUNTS.sms.accessKeyId, secret: ACCOUNTS.sms.accessKeySecret },
  voice: { key: ACCOUNTS.voice.accessKeyId, secret: ACCOUNTS.voice.accessKeySecret },
  webhook: { secret: ACCOUNTS.webhook.secret },
}

/** Every key and secret above (what must never show in a log, a result or a reply). */
export function secretValues(): string[] {
  return Object.values(ACCOUNTS).flatMap((a) => Object.entries(a).filter(([k]) => k !== 'signName' && k !== 'template').map(([, v]) => String(v)))
}

/** A channel of `type` at `url`, with the account's sign name and template. */
export function channelAt(type: ChannelType, url: string, over: Partial<ChannelConfig> = {}): ChannelConfig {
  const sms = type === 'sms' ? { signName: ACCOUNTS.sms.signName, template: ACCOUNTS.sms.template } : {}
  const voice = type === 'voice' ? { template: ACCOUNTS.voice.template } : {}
  return { id: type, type, url, park: 'vtc', ratePerMinute: undefined, signName: undefined, template: undefined, signatureHeader: undefined, ...sms, ...voice, ...over }
}
