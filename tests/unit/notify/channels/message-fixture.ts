import type { ChannelConfig, OutboundMessage } from '../../../../hub/src/notify/types.js'

/** 2025-12-06T21:43:46Z: the fixed clock of the channel tests. */
export const NOW = 1_765_057_426_000

export function message(over: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: 'n-1',
    channel: 'ch',
    kind: 'alarm',
    park: 'vtc',
    alarm: 'a-1',
    incident: undefined,
    tier: 0,
    to: [{ person: 'wang', name: '王工', phone: '13800000001', lang: 'zh-CN' }],
    title: '一级报警 可燃气体',
    text: '一级报警：VTC 园区 罐区 可燃气体 25 %LEL（设定 20）',
    markdown: undefined,
    params: { park: 'VTC 园区', level: '一级' },
    link: 'http://hub.local/#/alarms/a-1',
    decidedAt: NOW - 1000,
    ...over,
  }
}

export function config(over: Partial<ChannelConfig> & Pick<ChannelConfig, 'type' | 'url'>): ChannelConfig {
  return { id: 'ch', park: 'vtc', ratePerMinute: undefined, signName: undefined, template: undefined, signatureHeader: undefined, ...over }
}
