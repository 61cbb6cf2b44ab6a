import type { Socket } from 'node:net'

/**
 * The PROXY protocol (HAProxy, "The PROXY protocol", versions 1 and 2): a TCP balancer that
 * does not terminate the protocol sends, before the client's first byte, one header naming
 * the client's address. Read only on connections from a trusted balancer; there it is
 * required (spec §1: the receiver "MUST not try to guess whether the protocol header is
 * present or not").
 */

/** v2's 12-byte signature (spec §2.2). */
const V2_SIGNATURE = Buffer.from('0d0a0d0a000d0a515549540a', 'hex')
/** v1's longest line, CRLF included (spec §2.1: 107 bytes). */
const V1_MAX = 107
/** v2's header is 16 bytes plus at most 65,535 of addresses and TLVs (spec §2.2). */
const V2_MAX = 16 + 65_535

export type ProxyHeader =
  /** `source`: the client's address; undefined for v1 `UNKNOWN` or v2 `LOCAL` (the balancer speaking for itself, as in a health check). */
  | { ok: true; length: number; source: string | undefined }
  | { ok: false; error: string }
  /** More bytes needed. */
  | undefined

/** Parses a header at the start of `buf`. */
export function parseProxyHeader(buf: Buffer): ProxyHeader {
  if (buf.length === 0) return undefined
  if (buf[0] === 0x50) return parseV1(buf)
  if (buf[0] === 0x0d) return parseV2(buf)
  return { ok: false, error: 'no PROXY protocol header' }
}

function parseV1(buf: Buffer): ProxyHeader {
  const end = buf.indexOf('\r\n', 0, 'latin1')
  if (end < 0) {
    const n = Math.min(6, buf.length)
    if (buf.subarray(0, n).toString('latin1') !== 'PROXY '.slice(0, n)) return { ok: false, error: 'no PROXY protocol header' }
    return buf.length >= V1_MAX ? { ok: false, error: 'PROXY v1 line too long' } : undefined
  }
  if (end + 2 > V1_MAX) return { ok: false, error: 'PROXY v1 line too long' }
  const parts = buf.subarray(0, end).toString('latin1').split(' ')
  if (parts[0] !== 'PROXY') return { ok: false, error: 'no PROXY protocol header' }
  if (parts[1] === 'UNKNOWN') return { ok: true, length: end + 2, source: undefined }
  if (parts.length !== 6 || (parts[1] !== 'TCP4' && parts[1] !== 'TCP6')) return { ok: false, error: 'malformed PROXY v1 line' }
  const src = parts[2]!
  const valid = parts[1] === 'TCP4' ? /^(\d{1,3})(\.\d{1,3}){3}$/.test(src) && src.split('.').every((o) => Number(o) <= 255) : /^[0-9a-fA-F:.]+$/.test(src) && src.includes(':')
  const port = Number(parts[4])
  if (!valid || !Number.isInteger(port) || port < 0 || port > 65535) return { ok: false, error: 'malformed PROXY v1 addresses' }
  return { ok: true, length: end + 2, source: src }
}

function parseV2(buf: Buffer): ProxyHeader {
  const seen = Math.min(buf.length, 12)
  if (!buf.subarray(0, seen).equals(V2_SIGNATURE.subarray(0, seen))) return { ok: false, error: 'no PROXY protocol header' }
  if (buf.length < 16) return undefined
  const version = buf[12]! >> 4
  const command = buf[12]! & 0x0f
  if (version !== 2 || command > 1) return { ok: false, error: 'unsupported PROXY v2 version or command' }
  const length = 16 + buf.readUInt16BE(14)
  if (length > V2_MAX) return { ok: false, error: 'PROXY v2 header too long' }
  if (buf.length < length) return undefined
  // LOCAL (0x0): the balancer's own connection; its address is the socket's.
  if (command === 0) return { ok: true, length, source: undefined }
  const family = buf[13]! >> 4
  if (family === 1 && length >= 16 + 12) return { ok: true, length, source: [...buf.subarray(16, 20)].join('.') }
  if (family === 2 && length >= 16 + 36) {
    const g: string[] = []
    for (let i = 0; i < 8; i++) g.push(buf.readUInt16BE(16 + i * 2).toString(16))
    return { ok: true, length, source: g.join(':') }
  }
  // AF_UNSPEC or AF_UNIX: no client address to take (spec §2.2: use the connection's own).
  if (family === 0 || family === 3) return { ok: true, length, source: undefined }
  return { ok: false, error: 'malformed PROXY v2 addresses' }
}

/**
 * Reads the header off the socket and puts back what follows it, so the protocol behind
 * (HTTP, MQTT, TLS) reads from its first byte. Resolves once the header is whole, or with the
 * reason to refuse the connection (malformed, missing, not whole within `timeoutMs`, closed).
 */
export function readProxyHeader(socket: Socket, timeoutMs: number): Promise<{ ok: true; source: string | undefined } | { ok: false; error: string }> {
  return new Promise((resolve) => {
    let buf: Buffer = Buffer.alloc(0)
    const finish = (r: { ok: true; source: string | undefined } | { ok: false; error: string }, rest?: Buffer): void => {
      clearTimeout(timer)
      socket.off('data', onData)
      socket.off('close', onClose)
      socket.pause()
      if (rest && rest.length > 0) socket.unshift(rest)
      resolve(r)
    }
    const onData = (chunk: Buffer): void => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk])
      const h = parseProxyHeader(buf)
      if (h === undefined) return
      if (!h.ok) return finish(h)
      finish({ ok: true, source: h.source }, buf.subarray(h.length))
    }
    const onClose = (): void => finish({ ok: false, error: 'closed before its PROXY protocol header' })
    const timer = setTimeout(() => finish({ ok: false, error: `no whole PROXY protocol header within ${timeoutMs} ms` }), timeoutMs)
    socket.on('data', onData)
    socket.once('close', onClose)
  })
}
