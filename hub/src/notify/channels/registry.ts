import type { ChannelType } from '../types.js'
import type { Channel } from './channel.js'
import { perMinute, type RateWindow } from '../rate-limit.js'
import { wecom, WECOM_PER_MINUTE } from './wecom.js'
import { dingtalk, DINGTALK_PER_MINUTE } from './dingtalk.js'
import { feishu, FEISHU_PER_MINUTE, FEISHU_PER_SECOND } from './feishu.js'
import { aliyunSms } from './aliyun-sms.js'
import { aliyunVoice } from './aliyun-voice.js'
import { webhook } from './webhook.js'

/** The channel of each type (notify/types.ts CHANNEL_TYPES). */
export const CHANNELS: Readonly<Record<ChannelType, Channel>> = {
  wecom,
  dingtalk,
  feishu,
  sms: aliyunSms,
  voice: aliyunVoice,
  webhook,
}

/** The send rate each platform takes (the channel's `ratePerMinute` overrides the minute's). */
export function rateWindows(type: ChannelType, ratePerMinute: number | undefined): RateWindow[] {
  switch (type) {
    case 'wecom':
      return perMinute(ratePerMinute ?? WECOM_PER_MINUTE)
    case 'dingtalk':
      return perMinute(ratePerMinute ?? DINGTALK_PER_MINUTE)
    case 'feishu':
      return perMinute(ratePerMinute ?? FEISHU_PER_MINUTE, [{ limit: FEISHU_PER_SECOND, windowMs: 1000 }])
    default:
      return perMinute(ratePerMinute)
  }
}
