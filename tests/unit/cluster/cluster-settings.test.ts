import { describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadSettings, SettingsError } from '../../../hub/src/config/settings.js'
import { loadClusterSettings } from '../../../hub/src/cluster/cluster-settings.js'

const URLS = 'nats://10.0.0.1:4222,nats://10.0.0.2:4222,tls://10.0.0.3:4222'

function refusal(env: Record<string, string>): string {
  try {
    loadClusterSettings(env, 8080)
  } catch (err) {
    expect(err).toBeInstanceOf(SettingsError)
    return (err as SettingsError).setting
  }
  throw new Error('accepted')
}

describe('cluster settings', () => {
  it('is single-node (undefined) without HUB_NATS_URL, and loadSettings says so', () => {
    expect(loadClusterSettings({}, 8080)).toBeUndefined()
    expect(loadSettings({}).cluster).toBeUndefined()
  })

  it('reads the servers and defaults: 3 replicas for 3 servers, 1 for fewer; node id from host and port', () => {
    const c = loadClusterSettings({ HUB_NATS_URL: URLS }, 8081)!
    expect(c.servers).toEqual(['nats://10.0.0.1:4222', 'nats://10.0.0.2:4222', 'tls://10.0.0.3:4222'])
    expect(c.replicas).toBe(3)
    expect(c.leaseSec).toBe(5)
    expect(c.readingsMaxAgeH).toBe(168)
    expect(c.influxAckWaitSec).toBe(30)
    expect(c.nodeId).toMatch(/^[A-Za-z0-9_-]+-8081$/)
    expect(c.auth).toBeUndefined()
    expect(loadClusterSettings({ HUB_NATS_URL: 'nats://127.0.0.1:4222' }, 8080)!.replicas).toBe(1)
    expect(loadSettings({ HUB_NATS_URL: URLS, HUB_NODE_ID: 'hub-b', HUB_NATS_REPLICAS: '2' }).cluster).toMatchObject({ nodeId: 'hub-b', replicas: 2 })
  })

  it('gives hubs on port 0 in one process different node ids', () => {
    expect(loadClusterSettings({ HUB_NATS_URL: URLS }, 0)!.nodeId).not.toBe(loadClusterSettings({ HUB_NATS_URL: URLS }, 0)!.nodeId)
  })

  it('takes one way to sign in: user and password, a token, a creds file or an nkey seed file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'smartpark-nats-auth-'))
    const creds = join(dir, 'hub.creds')
    writeFileSync(creds, 'x')
    expect(loadClusterSettings({ HUB_NATS_URL: URLS, HUB_NATS_USER: 'hub', HUB_NATS_PASSWORD: 'pw' }, 1)!.auth).toEqual({ kind: 'user', user: 'hub', password: 'pw' })
    expect(loadClusterSettings({ HUB_NATS_URL: URLS, HUB_NATS_TOKEN: 't0k' }, 1)!.auth).toEqual({ kind: 'token', token: 't0k' })
    expect(loadClusterSettings({ HUB_NATS_URL: URLS, HUB_NATS_CREDS: creds }, 1)!.auth).toEqual({ kind: 'creds', file: creds })
    expect(loadClusterSettings({ HUB_NATS_URL: URLS, HUB_NATS_NKEY: creds }, 1)!.auth).toEqual({ kind: 'nkey', seedFile: creds })
    expect(refusal({ HUB_NATS_URL: URLS, HUB_NATS_CREDS: join(dir, 'missing.creds') })).toBe('HUB_NATS_CREDS')
    expect(refusal({ HUB_NATS_URL: URLS, HUB_NATS_USER: 'hub' })).toBe('HUB_NATS_PASSWORD')
    expect(refusal({ HUB_NATS_URL: URLS, HUB_NATS_TOKEN: 't', HUB_NATS_CREDS: creds })).toBe('HUB_NATS_CREDS')
    rmSync(dir, { recursive: true, force: true })
  })

  it('refuses bad values naming the variable', () => {
    expect(refusal({ HUB_NATS_URL: 'http://10.0.0.1:4222' })).toBe('HUB_NATS_URL')
    expect(refusal({ HUB_NATS_URL: 'nats://u:p@10.0.0.1:4222' })).toBe('HUB_NATS_URL')
    expect(refusal({ HUB_NATS_URL: ' , ' })).toBe('HUB_NATS_URL')
    expect(refusal({ HUB_NATS_URL: URLS, HUB_NATS_REPLICAS: '7' })).toBe('HUB_NATS_REPLICAS')
    expect(refusal({ HUB_NATS_URL: URLS, HUB_NODE_ID: 'a.b' })).toBe('HUB_NODE_ID')
    expect(refusal({ HUB_NATS_URL: URLS, HUB_LEASE_SEC: '1' })).toBe('HUB_LEASE_SEC')
    expect(refusal({ HUB_NATS_URL: URLS, HUB_INFLUX2_URL: 'ftp://x' })).toBe('HUB_INFLUX2_URL')
    expect(refusal({ HUB_NATS_URL: URLS, HUB_INFLUX_ACK_WAIT_SEC: '0' })).toBe('HUB_INFLUX_ACK_WAIT_SEC')
    expect(refusal({ HUB_INFLUX_ACK_WAIT_SEC: '5' })).toBe('HUB_INFLUX_ACK_WAIT_SEC')
    expect(refusal({ HUB_NODE_ID: 'lonely' })).toBe('HUB_NODE_ID')
  })
})
