/**
 * The notification room's shared vocabulary (docs/notifications.md): what the escalation side
 * decides (an OutboundMessage, written to the durable outbox unsigned) and what delivery
 * reports back (a DeliveryResult). Channels sign at send time: the platforms refuse
 * timestamps over an hour old, so a message kept through an outage is signed when it leaves.
 */

/** The kinds of channel, one file each under notify/channels/. */
export const CHANNEL_TYPES = ['wecom', 'dingtalk', 'feishu', 'sms', 'voice', 'webhook'] as const
export type ChannelType = (typeof CHANNEL_TYPES)[number]

/** Why a message was decided. */
export const MESSAGE_KINDS = ['alarm', 'repeat', 'escalation', 'summary', 'incident', 'test', 'channel_alarm'] as const
export type MessageKind = (typeof MESSAGE_KINDS)[number]

/** A person a message is addressed to (SMS, voice) or mentioned in a group (robots). */
export interface Recipient {
  /** Roster person id. */
  person: string
  name: string
  /** Full number: used only to address SMS / voice and to @ in a robot's mention list; masked everywhere else. */
  phone: string | undefined
  lang: 'zh-CN' | 'en'
}

/** A notification decided: written to the outbox before anything is sent. */
export interface OutboundMessage {
  /** Unique and stable across restarts: the fake platforms count duplicates by it. */
  id: string
  /** Channel id (the zone file's `notify.channels[].id`). */
  channel: string
  kind: MessageKind
  park: string | undefined
  alarm: string | undefined
  incident: string | undefined
  /** Escalation tier (0 = first) the message belongs to. */
  tier: number
  /** Who it is for: the person called or texted, or those @-mentioned in a group. */
  to: Recipient[]
  /** Short title (markdown heading, SMS template's first parameter). */
  title: string
  /** Plain text, already in the recipient's language, phones masked when it goes to a group. */
  text: string
  /** Markdown body for channels that take it (WeCom, DingTalk, Feishu post); text otherwise. */
  markdown: string | undefined
  /** Template parameters for SMS and voice gateways (e.g. park, device, level, value). */
  params: Record<string, string>
  /** A link into the hub (the alarm, or a personal acknowledgement link for direct messages). */
  link: string | undefined
  decidedAt: number
  /** Set by the outbox on a message sent again after a restart (its text then carries the mark). */
  resent?: boolean | undefined
}

export type DeliveryState = 'pending' | 'sent' | 'retrying' | 'failed'

/** What delivery reports for each attempt's outcome. */
export interface DeliveryResult {
  id: string
  channel: string
  state: Exclude<DeliveryState, 'pending'>
  /** 1 for the first attempt. */
  attempt: number
  /** Sent again after a restart found it without a recorded outcome (at least once: a possible duplicate). */
  resent: boolean
  at: number
  /** From decidedAt to the platform's answer, on `sent`. */
  latencyMs: number | undefined
  /** The platform's error code and text, or the transport error, on failure. */
  error: string | undefined
  /** Next attempt time on `retrying`. */
  retryAt: number | undefined
}

/** A channel as configured (the zone file's `notify.channels`); its secret lives in the data dir. */
export interface ChannelConfig {
  id: string
  type: ChannelType
  /** Base URL of the platform or gateway (for tests and the demo, a local fake server). */
  url: string
  /** The park whose alarms it carries; absent: zone-wide. */
  park: string | undefined
  /** Messages per minute the platform takes (WeCom robot: 20). */
  ratePerMinute: number | undefined
  /** SMS / voice: sign name and template code of the gateway account. */
  signName: string | undefined
  template: string | undefined
  /** Webhook: header carrying the HMAC-SHA256 signature of the body. */
  signatureHeader: string | undefined
}

/** The secret of a channel (kept in `<dataDir>/notify/secrets.json`, 0600; never in an API reply or a log). */
export interface ChannelSecret {
  /** WeCom robot key, DingTalk access token, Feishu hook token, Aliyun AccessKeyId. */
  key?: string | undefined
  /** DingTalk / Feishu signing secret, Aliyun AccessKeySecret, webhook HMAC key. */
  secret?: string | undefined
}
