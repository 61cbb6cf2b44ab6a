import { ChannelError, phonesOf } from './channel.js'
import { aliyunChannel } from './aliyun-rpc.js'

/**
 * Aliyun SMS (阿里云短信服务), the SendSms action of dysmsapi, API version 2017-05-25
 * (help.aliyun.com/document_detail/419273, "SendSms"): PhoneNumbers (comma-separated, mainland
 * numbers without +86), SignName and TemplateCode of the account's approved signature and
 * template, TemplateParam as a JSON object of the template's variables, and OutId, an id of
 * the caller's (the message id here). Signed with the RPC signature v1 (aliyun-rpc.ts).
 * The gateway's own flow control per number (isv.BUSINESS_LIMIT_CONTROL: notices 50 a day to
 * one number with one signature and template) is answered per message.
 */
export const aliyunSms = aliyunChannel({
  type: 'sms',
  action: 'SendSms',
  version: '2017-05-25',
  actionParams(msg, cfg) {
    if (!cfg.signName || !cfg.template) throw new ChannelError('SMS channel without signName or template', true, 'channel')
    const phones = phonesOf(msg)
    if (phones.length === 0) throw new ChannelError('no recipient with a phone number', false, 'message')
    return { PhoneNumbers: phones.join(','), SignName: cfg.signName, TemplateCode: cfg.template, TemplateParam: JSON.stringify(msg.params) }
  },
})
