import type { NotifyChannel, NotifySettings, Policy, Roster, RosterPerson } from '../../../hub/src/model/notify.js'

/**
 * The demo zone's notifications (docs/notifications.md): a duty roster per park (duty officers
 * and shift leaders in four crews on a day / night rotation, 四班两倒; the park's safety manager
 * on call at any hour), a zone-wide duty roster, channels, and escalation policies per park —
 * duty officer → shift leader → safety manager → zone duty for a life-safety alarm.
 *
 * Every channel points at the local sink (`npm run sink`: simulators/src/channels/, one fake
 * server playing each platform under its own path prefix, one account per platform) and names
 * the environment variables its key and secret come from (`keyEnv` / `secretEnv`) — the very
 * variables the sink reads its accounts from (sink-cli.ts), so the park robots share the sink's
 * one WeCom account. `npm start` generates the values once and gives them to the hub and to the
 * sink; nothing secret is written here. People and numbers are invented; the sink dials no one.
 */

export interface DemoNotifyOptions {
  /** Park ids of the zone, in order. */
  parks: readonly string[]
  /** Base URL of the local sink, e.g. http://127.0.0.1:8091. */
  sink: string
  /** Base of links in messages (acknowledgement links, alarms). */
  publicUrl: string
}

/** The environment variables of the sink's accounts (simulators/src/channels/sink-cli.ts), which the demo's channels name. */
export const SINK_ENV = {
  wecom: { keyEnv: 'NOTIFY_SINK_WECOM_KEY' },
  dingtalk: { keyEnv: 'NOTIFY_SINK_DINGTALK_TOKEN', secretEnv: 'NOTIFY_SINK_DINGTALK_SECRET' },
  feishu: { keyEnv: 'NOTIFY_SINK_FEISHU_TOKEN', secretEnv: 'NOTIFY_SINK_FEISHU_SECRET' },
  sms: { keyEnv: 'NOTIFY_SINK_SMS_KEY_ID', secretEnv: 'NOTIFY_SINK_SMS_KEY_SECRET' },
  voice: { keyEnv: 'NOTIFY_SINK_VOICE_KEY_ID', secretEnv: 'NOTIFY_SINK_VOICE_KEY_SECRET' },
  webhook: { secretEnv: 'NOTIFY_SINK_WEBHOOK_SECRET' },
} as const

/** The platforms' own hosts, so pointing a channel at a real account needs only its URL and secret. */
const PLATFORM_HOSTS = ['qyapi.weixin.qq.com', 'oapi.dingtalk.com', 'open.feishu.cn', 'dysmsapi.aliyuncs.com', 'dyvmsapi.aliyuncs.com']

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '马', '罗']
const GIVEN = ['伟', '芳', '娜', '敏', '静', '磊', '洋', '勇', '艳', '杰', '军', '涛', '明', '超', '秀英', '华', '平', '刚', '桂英', '丹']
const CREWS = ['A', 'B', 'C', 'D'] as const

/** Person `n`'s invented name; different for every n below 400 (7 and 20 are coprime). */
function personName(n: number): string {
  return `${SURNAMES[n % 20]!}${GIVEN[(n + 7 * Math.floor(n / 20)) % 20]!}`
}

/** An invented mobile number, unique per person: 139 + park number + person number. */
function phone(parkIndex: number, person: number): string {
  return `139${String(parkIndex).padStart(2, '0')}${String(person).padStart(6, '0')}`
}

function parkRoster(park: string, parkIndex: number): Roster {
  const people: RosterPerson[] = []
  const crews: Record<string, string[]> = {}
  let n = 0
  const add = (id: string, role: string): string => {
    people.push({ id, name: personName(parkIndex * 11 + n), role, phone: phone(parkIndex + 1, ++n), lang: 'zh-CN' })
    return id
  }
  for (const crew of CREWS) {
    const c = crew.toLowerCase()
    crews[crew] = [add(`${park}-duty-${c}`, 'duty_officer'), add(`${park}-leader-${c}`, 'shift_leader')]
  }
  const manager = add(`${park}-safety-mgr`, 'safety_manager')
  return {
    scope: park,
    people,
    shifts: [
      { id: 'day', name: '白班', start: '08:00', end: '20:00' },
      { id: 'night', name: '夜班', start: '20:00', end: '08:00' },
    ],
    // 四班两倒: crews A and B work day and night on the first day, C and D on the second, then
    // B and A, then D and C — each crew one twelve-hour shift in two days, day and night in turn.
    rotation: { startDate: '2026-12-01', pattern: [['A', 'B'], ['C', 'D'], ['B', 'A'], ['D', 'C']], crews },
    onCall: [manager],
  }
}

function zoneRoster(): Roster {
  const people: RosterPerson[] = [1, 2, 3].map((i) => ({ id: `zone-duty-${i}`, name: personName(100 + i), role: 'zone_duty', phone: phone(0, i), lang: 'zh-CN' }))
  // 管委会应急办: one person a day, handover at 08:00, in turn.
  return {
    scope: 'zone',
    people,
    shifts: [{ id: 'all-day', name: '全天', start: '08:00', end: '08:00' }],
    rotation: { startDate: '2026-12-01', pattern: [['Z1'], ['Z2'], ['Z3']], crews: { Z1: ['zone-duty-1'], Z2: ['zone-duty-2'], Z3: ['zone-duty-3'] } },
  }
}

function channels(o: DemoNotifyOptions): NotifyChannel[] {
  const base = o.sink.replace(/\/+$/, '')
  const robots: NotifyChannel[] = o.parks.map((park) => ({
    // WeCom group robot: 20 messages a minute (WeCom "群机器人配置说明").
    id: `${park}-wecom`, type: 'wecom', url: `${base}/wecom/cgi-bin/webhook/send`, park, ratePerMinute: 20, ...SINK_ENV.wecom,
  }))
  const first = o.parks[0]
  const signed: NotifyChannel[] = [
    ...(first ? [{ id: `${first}-ding`, type: 'dingtalk' as const, url: `${base}/dingtalk/robot/send`, park: first, ratePerMinute: 20, ...SINK_ENV.dingtalk }] : []),
    { id: 'zone-feishu', type: 'feishu', url: `${base}/feishu/open-apis/bot/v2/hook`, ...SINK_ENV.feishu },
    { id: 'sms', type: 'sms', url: `${base}/aliyun-sms/`, signName: '园区安全', template: 'SMS_000000001', ...SINK_ENV.sms },
    { id: 'voice', type: 'voice', url: `${base}/aliyun-voice/`, template: 'TTS_000000001', ...SINK_ENV.voice },
    { id: 'ops-hook', type: 'webhook', url: `${base}/webhook/ops`, signatureHeader: 'X-Hub-Signature-256', ...SINK_ENV.webhook },
  ]
  return [...robots, ...signed]
}

function parkPolicies(park: string, withDing: boolean): Policy[] {
  const robot = `${park}-wecom`
  const groups = withDing ? [robot, `${park}-ding`] : [robot]
  return [
    {
      // Life-safety, levels I–II: the duty officer at once (group robot and SMS); nobody has
      // acknowledged after 5 min, the shift leader (and a phone call); after 10, the safety
      // manager; after 15, the zone's duty office. Reminders every 5 min until acknowledged.
      park, classes: ['life-safety'], levels: [1, 2], repeatMin: 5,
      tiers: [
        { afterMin: 0, roles: ['duty_officer'], channels: [...groups, 'sms'] },
        { afterMin: 5, roles: ['shift_leader'], channels: [robot, 'sms', 'voice'] },
        { afterMin: 10, roles: ['safety_manager'], channels: ['sms', 'voice'] },
        { afterMin: 15, scope: 'zone', roles: ['zone_duty'], channels: ['zone-feishu', 'sms'] },
      ],
    },
    {
      // Levels I–II of the other classes (device health, environment, energy): the group, then the shift leader.
      park, levels: [1, 2], repeatMin: 15,
      tiers: [
        { afterMin: 0, roles: ['duty_officer'], channels: [robot] },
        { afterMin: 15, roles: ['shift_leader'], channels: [robot, 'sms'] },
      ],
    },
    {
      // Levels III–IV: the group only, held back in the night's quiet hours (never a level I or II).
      park, levels: [3, 4],
      tiers: [{ afterMin: 0, roles: ['duty_officer'], channels: [robot] }],
      quietHours: { from: '22:00', to: '07:00' },
    },
  ]
}

export function demoNotify(o: DemoNotifyOptions): NotifySettings {
  return {
    publicUrl: o.publicUrl,
    allowHosts: [new URL(o.sink).hostname, ...PLATFORM_HOSTS],
    storm: { alarmsPerMinute: 10 },
    channels: channels(o),
    rosters: [...o.parks.map((p, i) => parkRoster(p, i)), zoneRoster()],
    policies: o.parks.flatMap((p, i) => parkPolicies(p, i === 0)),
  }
}
