import { describe, expect, it } from 'vitest'
import { loadSettings } from '../../../hub/src/config/settings.js'

describe('identity and live settings', () => {
  it('reads trusted proxies as addresses or CIDRs and refuses anything else, naming the setting', () => {
    expect(loadSettings({}).trustedProxies).toEqual([])
    expect(loadSettings({ HUB_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8,::1,fd00::/8' }).trustedProxies).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8'])
    for (const bad of ['10.0.0.0/33', 'proxy.local', '10.0.0.1/8/1', '::1/129', '10.0.0.0/x']) {
      expect(() => loadSettings({ HUB_TRUSTED_PROXIES: bad }), bad).toThrow(/HUB_TRUSTED_PROXIES/)
    }
  })

  it('has safe defaults for sign-in and socket limits, and bounds them', () => {
    const s = loadSettings({})
    expect(s.login).toEqual({ windowSec: 300, maxPerAccountAddress: 10, maxPerAddress: 50, accountSlowdownAfter: 100, accountSlowdownMs: 2000, maxKeys: 50_000 })
    expect(s.live).toEqual({ eventRate: 5, eventBurst: 20, floodDisconnectAfter: 50 })
    expect(() => loadSettings({ HUB_LOGIN_MAX_PER_ACCOUNT_ADDRESS: '0' })).toThrow(/HUB_LOGIN_MAX_PER_ACCOUNT_ADDRESS/)
    expect(() => loadSettings({ HUB_LIVE_EVENT_RATE: 'fast' })).toThrow(/HUB_LIVE_EVENT_RATE/)
  })
})
