import { describe, expect, it } from 'vitest'
import { CidrList, addressKey } from '../../../hub/src/net/cidr.js'
import { parseProxyHeader } from '../../../hub/src/net/proxy-protocol.js'
import { connectionCap, openFileLimit } from '../../../hub/src/net/descriptors.js'
import { loadSettings } from '../../../hub/src/config/settings.js'

describe('CIDR lists (RFC 4632, RFC 4291)', () => {
  const list = CidrList.parse('10.0.0.0/8, 192.0.2.7, 2001:db8::/32, ::1/128')
  it.each([
    ['10.200.3.4', true], ['11.0.0.1', false], ['192.0.2.7', true], ['192.0.2.8', false],
    ['::ffff:10.1.1.1', true], ['2001:db8:1::5', true], ['2001:db9::1', false], ['::1', true], ['fe80::1%eth0', false], ['', false], ['not-an-ip', false],
  ])('%s → %s', (addr, inside) => expect(list.has(addr)).toBe(inside))
  it('refuses malformed entries, naming them', () => {
    for (const bad of ['10.0.0.0/33', '10.0.0/8', 'x', '::1/129', '10.0.0.0/8/1', '10.0.0.0/ 8']) expect(() => CidrList.parse(bad)).toThrow(/10\.0\.0|x|::1/)
  })
  it('matches everything with a /0 and nothing when empty', () => {
    expect(CidrList.parse('0.0.0.0/0').has('203.0.113.9')).toBe(true)
    expect(CidrList.parse('').has('127.0.0.1')).toBe(false)
  })
  it('counts a v4-mapped address as its IPv4 one', () => expect(addressKey('::ffff:127.0.0.2')).toBe('127.0.0.2'))
})

describe('PROXY protocol headers (HAProxy spec v1 and v2)', () => {
  const sig = Buffer.from('0d0a0d0a000d0a515549540a', 'hex')
  it('reads v1 TCP4, TCP6 and UNKNOWN', () => {
    expect(parseProxyHeader(Buffer.from('PROXY TCP4 203.0.113.7 192.0.2.1 40000 8080\r\nGET'))).toEqual({ ok: true, length: 45, source: '203.0.113.7' })
    expect(parseProxyHeader(Buffer.from('PROXY TCP6 2001:db8::7 2001:db8::1 40000 8080\r\n'))).toMatchObject({ ok: true, source: '2001:db8::7' })
    expect(parseProxyHeader(Buffer.from('PROXY UNKNOWN\r\n'))).toEqual({ ok: true, length: 15, source: undefined })
  })
  it('waits for more of a partial header and refuses a bad one', () => {
    expect(parseProxyHeader(Buffer.from('PROX'))).toBeUndefined()
    expect(parseProxyHeader(Buffer.from('PROXY TCP4 203.0.113.7'))).toBeUndefined()
    expect(parseProxyHeader(Buffer.from('GET / HTTP/1.1\r\n'))).toMatchObject({ ok: false })
    expect(parseProxyHeader(Buffer.from('PROXY TCP4 999.0.113.7 192.0.2.1 40000 8080\r\n'))).toMatchObject({ ok: false })
    expect(parseProxyHeader(Buffer.from(`PROXY TCP4 ${'1'.repeat(120)}`))).toMatchObject({ ok: false })
    expect(parseProxyHeader(sig.subarray(0, 8))).toBeUndefined()
  })
  it('reads v2 PROXY over IPv4 and IPv6, LOCAL, and skips TLVs', () => {
    const v4 = Buffer.concat([sig, Buffer.from([0x21, 0x11, 0, 15, 198, 51, 100, 9, 192, 0, 2, 1, 0x9c, 0x40, 0x1f, 0x90, 0x04, 0, 0])])
    expect(parseProxyHeader(v4)).toEqual({ ok: true, length: 31, source: '198.51.100.9' })
    const a6 = Buffer.alloc(36)
    a6.writeUInt16BE(0x2001, 0)
    a6.writeUInt16BE(0xdb8, 2)
    a6.writeUInt16BE(7, 14)
    expect(parseProxyHeader(Buffer.concat([sig, Buffer.from([0x21, 0x21, 0, 36]), a6]))).toMatchObject({ ok: true, length: 52, source: '2001:db8:0:0:0:0:0:7' })
    expect(parseProxyHeader(Buffer.concat([sig, Buffer.from([0x20, 0x00, 0, 0])]))).toEqual({ ok: true, length: 16, source: undefined })
    expect(parseProxyHeader(Buffer.concat([sig, Buffer.from([0x31, 0x11, 0, 12])]))).toMatchObject({ ok: false })
    expect(parseProxyHeader(Buffer.concat([sig, Buffer.from([0x21, 0x11, 0, 12, 1, 2])]))).toBeUndefined()
  })
})

describe('descriptor headroom', () => {
  it('reads the soft open-file limit', () => {
    expect(openFileLimit(() => 'Max cpu time  unlimited unlimited seconds\nMax open files            1024                 4096                 files     \n')).toBe(1024)
    expect(openFileLimit(() => 'Max open files  unlimited unlimited files\n')).toBeUndefined()
    expect(openFileLimit(() => { throw new Error('no /proc') })).toBeUndefined()
  })
  it('keeps the cap the reserve (at least 64) under the limit', () => {
    expect(connectionCap(20_000, 512, 1024)).toEqual({ cap: 512, lowered: true })
    expect(connectionCap(20_000, 512, 65_536)).toEqual({ cap: 20_000, lowered: false })
    expect(connectionCap(20_000, 10, 100)).toEqual({ cap: 36, lowered: true })
    expect(connectionCap(500, 512, undefined)).toEqual({ cap: 500, lowered: false })
  })
})

describe('connection settings', () => {
  it('defaults: per-address cap 2000 with loopback exempt, no PROXY protocol, timeouts set', () => {
    const s = loadSettings({})
    expect(s.maxConnectionsPerAddress).toBe(2000)
    expect(s.connectionExemptNetworks.has('127.0.0.1')).toBe(true)
    expect(s.connectionExemptNetworks.has('::1')).toBe(true)
    expect(s.connectionExemptNetworks.has('10.0.0.1')).toBe(false)
    expect(s.proxyProtocolFrom.size).toBe(0)
    expect([s.httpHeadersTimeoutMs, s.httpRequestTimeoutMs, s.httpKeepAliveTimeoutMs, s.httpIdleTimeoutMs]).toEqual([10_000, 30_000, 10_000, 60_000])
  })
  it('an empty exempt list caps loopback too', () => expect(loadSettings({ HUB_CONNECTION_EXEMPT_NETWORKS: '' }).connectionExemptNetworks.size).toBe(0))
  it('refuses a bad range or listener at boot, naming the setting', () => {
    expect(() => loadSettings({ HUB_PROXY_PROTOCOL_FROM: '10.0.0.0/40' })).toThrow(/HUB_PROXY_PROTOCOL_FROM/)
    expect(() => loadSettings({ HUB_CONNECTION_EXEMPT_NETWORKS: 'carrier-nat' })).toThrow(/HUB_CONNECTION_EXEMPT_NETWORKS/)
    expect(() => loadSettings({ HUB_PROXY_PROTOCOL_LISTENERS: 'http,amqp' })).toThrow(/HUB_PROXY_PROTOCOL_LISTENERS/)
    expect(() => loadSettings({ HUB_FD_RESERVE: '10' })).toThrow(/HUB_FD_RESERVE/)
  })
})
