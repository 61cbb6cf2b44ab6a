import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import YAML from 'yaml'
import type { NotifySettings } from '../../hub/src/model/notify.js'
import type { FakePlatforms } from '../../simulators/src/channels/fake-platforms.js'
import type { PlatformAccounts } from '../../simulators/src/channels/platform-rules.js'

/**
 * The demo zone with a notify section of a test's own, pointing at a fake platforms server
 * (simulators/src/channels/fake-platforms.ts), and a data dir holding the channels' secrets.
 */
export const ACCOUNTS = {
  wecom: { key: 'wecom-robot-key-5f3a' },
  dingtalk: { token: 'ding-token-77e1', secret: 'SECding-signing-secret-91c0' },
  sms: { accessKeyId: 'LTAI-sms-key-id-4b2d', accessKeySecret: 'sms-access-key-secret-0e8f', signName: '园区安全', template: 'SMS_100' },
  voice: { accessKeyId: 'LTAI-voice-key-id-1a9c', accessKeySecret: 'voice-access-key-secret-6d7e', template: 'TTS_100' },
} satisfies PlatformAccounts

/** Every secret value, to scan replies for. */
export const SECRET_VALUES = [ACCOUNTS.wecom.key, ACCOUNTS.dingtalk.token, ACCOUNTS.dingtalk.secret, ACCOUNTS.sms.accessKeyId, ACCOUNTS.sms.accessKeySecret, ACCOUNTS.voice.accessKeyId, ACCOUNTS.voice.accessKeySecret]

export const PEOPLE = {
  wang: { id: 'wang', name: '王工', role: 'duty_officer', phone: '13800000001' },
  sun: { id: 'sun', name: '孙班长', role: 'shift_leader', phone: '13800000005' },
  zhou: { id: 'zhou', name: 'Zhou', role: 'safety_manager', phone: '13800000006', lang: 'en' as const },
}

/** Tiers a test can wait for: tier 1 after `tier1Min` minutes unacknowledged, tier 2 after `tier2Min`. */
export function notifySection(fake: FakePlatforms, o: { tier1Min: number; tier2Min: number; publicUrl?: string }): NotifySettings {
  return {
    publicUrl: o.publicUrl ?? 'http://hub.test:8080',
    allowHosts: ['127.0.0.1'],
    storm: { alarmsPerMinute: 50 },
    channels: [
      { id: 'vtc-wecom', type: 'wecom', url: fake.url('wecom'), park: 'vtc' },
      { id: 'vtc-ding', type: 'dingtalk', url: fake.url('dingtalk'), park: 'vtc' },
      { id: 'sms', type: 'sms', url: fake.url('sms'), signName: ACCOUNTS.sms.signName, template: ACCOUNTS.sms.template },
      { id: 'voice', type: 'voice', url: fake.url('voice'), template: ACCOUNTS.voice.template },
    ],
    rosters: [{
      scope: 'vtc',
      people: [PEOPLE.wang, PEOPLE.sun, PEOPLE.zhou],
      shifts: [{ id: 'all', name: '全天', start: '00:00', end: '00:00', people: ['wang', 'sun', 'zhou'] }],
    }],
    policies: [{
      park: 'vtc', classes: ['life-safety'], levels: [1, 2],
      tiers: [
        { afterMin: 0, roles: ['duty_officer'], channels: ['vtc-wecom', 'vtc-ding', 'sms'] },
        { afterMin: o.tier1Min, roles: ['shift_leader'], channels: ['sms'] },
        { afterMin: o.tier2Min, roles: ['safety_manager'], channels: ['sms'] },
      ],
    }],
  }
}

/** A zone file (the demo zone with this notify section) and a data dir with the channels' secrets (0600). */
export async function notifyZone(notify: NotifySettings): Promise<{ zoneFile: string; dataDir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'smartpark-notify-'))
  const zone = YAML.parse(await readFile(new URL('../../hub/zones/demo-zone.yaml', import.meta.url), 'utf8')) as Record<string, unknown>
  zone.notify = notify
  const zoneFile = join(dir, 'zone.yaml')
  await writeFile(zoneFile, YAML.stringify(zone))
  const dataDir = join(dir, 'data')
  await mkdir(join(dataDir, 'notify'), { recursive: true, mode: 0o700 })
  const secrets = {
    'vtc-wecom': { key: ACCOUNTS.wecom.key },
    'vtc-ding': { key: ACCOUNTS.dingtalk.token, secret: ACCOUNTS.dingtalk.secret },
    sms: { key: ACCOUNTS.sms.accessKeyId, secret: ACCOUNTS.sms.accessKeySecret },
    voice: { key: ACCOUNTS.voice.accessKeyId, secret: ACCOUNTS.voice.accessKeySecret },
  }
  await writeFile(join(dataDir, 'notify', 'secrets.json'), JSON.stringify(secrets), { mode: 0o600 })
  return { zoneFile, dataDir }
}

/** A device's MQTT secret in the demo zone. */
export async function deviceSecret(device: string): Promise<string> {
  return (await import('../../simulators/credentials/demo-zone.json', { with: { type: 'json' } })).default.devices[device as 'vtc-ti01-gas-009'] as string
}
