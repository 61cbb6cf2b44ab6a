import { ChannelError, phonesOf } from './channel.js'
import { aliyunChannel } from './aliyun-rpc.js'

/**
 * Aliyun voice notification (阿里云语音服务), the SingleCallByTts action of dyvmsapi, API
 * version 2017-05-25 (help.aliyun.com/document_detail/393519): CalledNumber (one number a
 * call), TtsCode (the approved text-to-speech template), TtsParam (its variables as JSON),
 * PlayTimes (1–3) and OutId (the message id). Same RPC signature v1 and answers as SMS
 * ({"Code":"OK","CallId":…}). A call rings one person: a message for several calls the first
 * recipient with a number (the escalation decides one call a person). The gateway limits
 * calls to one number (1 a minute, 5 an hour, 20 a day): isv.BUSINESS_LIMIT_CONTROL.
 */
export const VOICE_PLAY_TIMES = '2'

export const aliyunVoice = aliyunChannel({
  type: 'voice',
  action: 'SingleCallByTts',
  version: '2017-05-25',
  actionParams(msg, cfg) {
    if (!cfg.template) throw new ChannelError('voice channel without a TTS template', true, 'channel')
    const phone = phonesOf(msg)[0]
    if (phone === undefined) throw new ChannelError('no recipient with a phone number', false, 'message')
    return { CalledNumber: phone, TtsCode: cfg.template, TtsParam: JSON.stringify(msg.params), PlayTimes: VOICE_PLAY_TIMES }
  },
})
