import { describe, expect, it } from 'vitest'
import { judgeClientId, namespaceOwner } from '../../../hub/src/broker/client-ids.js'
import { SessionBook, DEFAULT_SESSION_LIMITS } from '../../../hub/src/broker/session-book.js'
import type { DeviceRegistry } from '../../../hub/src/registry/device-registry.js'

/** Only the two lookups client-ids.ts makes. */
function registryOf(devices: string[], gateways: string[] = []): DeviceRegistry {
  return {
    get: (id: string) => (devices.includes(id) ? ({} as never) : undefined),
    gateway: (id: string) => (gateways.includes(id) ? ({} as never) : undefined),
  } as unknown as DeviceRegistry
}

describe('client ids tied to their device', () => {
  const reg = registryOf(['lel-01', 'lel-01-a', 'cl2-7', 'constructor'], ['gw-1'])

  it('finds the longest registered prefix that ends before a dash', () => {
    expect(namespaceOwner(reg, 'lel-01')).toBe('lel-01')
    expect(namespaceOwner(reg, 'lel-01-boot2')).toBe('lel-01')
    expect(namespaceOwner(reg, 'lel-01-a')).toBe('lel-01-a')
    expect(namespaceOwner(reg, 'lel-01-a-x')).toBe('lel-01-a')
    expect(namespaceOwner(reg, 'gw-1-main')).toBe('gw-1')
    expect(namespaceOwner(reg, 'lel-011')).toBeUndefined()
    expect(namespaceOwner(reg, 'mosq-Zx81kq0AbC')).toBeUndefined()
    expect(namespaceOwner(reg, '-lel-01')).toBeUndefined()
    expect(namespaceOwner(reg, 'toString')).toBeUndefined()
  })

  it('allows own ids for any session, third-party ids for clean sessions only, never another device\'s', () => {
    expect(judgeClientId(reg, 'lel-01', 'lel-01', false)).toEqual({ ok: true, own: true })
    expect(judgeClientId(reg, 'lel-01', 'lel-01-boot2', false)).toEqual({ ok: true, own: true })
    expect(judgeClientId(reg, 'lel-01', 'mosq-abc', true)).toEqual({ ok: true, own: false })
    expect(judgeClientId(reg, 'lel-01', 'mosq-abc', false)).toMatchObject({ ok: false, returnCode: 2 })
    expect(judgeClientId(reg, 'lel-01', 'cl2-7', true)).toMatchObject({ ok: false, returnCode: 5 })
    expect(judgeClientId(reg, 'lel-01', 'cl2-7-x', true)).toMatchObject({ ok: false, returnCode: 5 })
    // lel-01-a is a device of its own: not lel-01's namespace any more.
    expect(judgeClientId(reg, 'lel-01', 'lel-01-a-1', false)).toMatchObject({ ok: false, returnCode: 5 })
    expect(judgeClientId(reg, 'lel-01', 'x'.repeat(129), true)).toMatchObject({ ok: false, returnCode: 2 })
  })
})

describe('session book', () => {
  it('caps QoS 2 in flight per device over its client ids and in all, and releases on PUBREL or a clean end', () => {
    const book = new SessionBook({ ...DEFAULT_SESSION_LIMITS, qos2PerDevice: 3, qos2Total: 4 })
    expect(book.admitQos2('a', 'a', 1)).toBe(true)
    expect(book.admitQos2('a', 'a-2', 1)).toBe(true)
    expect(book.admitQos2('a', 'a', 1)).toBe(true) // a retransmission holds no second slot
    expect(book.admitQos2('a', 'a', 2)).toBe(true)
    expect(book.admitQos2('a', 'a', 3)).toBe(false)
    expect(book.admitQos2('b', 'b', 1)).toBe(true)
    expect(book.admitQos2('c', 'c', 1)).toBe(false) // the hub's cap
    book.releaseQos2('a', 1)
    expect(book.admitQos2('c', 'c', 1)).toBe(true)
    book.releaseQos2('a-2')
    expect(book.stats().qos2InFlight).toBe(3)
  })

  it('keeps each device\'s stored sessions oldest first, and counts queues', () => {
    const book = new SessionBook(DEFAULT_SESSION_LIMITS)
    book.keep('a', 'a-1')
    book.keep('a', 'a-2')
    book.keep('a', 'a-1')
    expect(book.storedOf('a')).toEqual(['a-2', 'a-1'])
    expect(book.ownerOf('a-2')).toBe('a')
    book.forget('a-2')
    expect(book.storedOf('a')).toEqual(['a-1'])
    book.queued('a-1', 2)
    book.queued('a-1', -1)
    book.queued('a-1', -5)
    expect(book.stats()).toMatchObject({ storedSessions: 1, queued: 0 })
  })
})
