import type { Duplex } from 'node:stream'

/**
 * An MQTT connection the hub cannot take (past its connection cap) is answered, not just
 * closed: the client's CONNECT is read and answered with CONNACK "server unavailable" — MQTT
 * 3.1.1 §3.2.2.3 return code 3 (0x03), MQTT 5.0 §3.2.2.2 reason code 0x88 — and the
 * connection ended. A client then knows the broker is there and busy, and backs off, instead
 * of retrying at once as after a reset. Over TLS the gate sees the connection before its
 * handshake and cannot answer in MQTT: it closes it.
 */

/** CONNACK of MQTT 3.1 / 3.1.1: session present 0, return code 3 (server unavailable). */
const CONNACK_V4 = Buffer.from([0x20, 0x02, 0x00, 0x03])
/** CONNACK of MQTT 5.0: session present 0, reason 0x88 (server unavailable), no properties. */
const CONNACK_V5 = Buffer.from([0x20, 0x03, 0x00, 0x88, 0x00])
/** How long a refused client has to send its CONNECT (it sends it with the connection). */
export const CONNECT_WAIT_MS = 2000

/** The protocol level of a CONNECT's first bytes (4: 3.1.1, 5: 5.0, 3: 3.1); undefined while incomplete or not a CONNECT. */
export function connectProtocolLevel(b: Buffer): number | undefined {
  if (b.length < 2 || b[0]! >> 4 !== 1) return undefined
  // Remaining length: 1 – 4 bytes (§2.2.3).
  let i = 1
  while (i < 5 && i < b.length && (b[i]! & 0x80) !== 0) i++
  const nameAt = i + 1
  if (b.length < nameAt + 2) return undefined
  const nameLength = b.readUInt16BE(nameAt)
  const levelAt = nameAt + 2 + nameLength
  return levelAt < b.length ? b[levelAt] : undefined
}

/**
 * Answer the client's CONNECT with CONNACK "server unavailable", then end the connection.
 * `already`: bytes of it read before (the broker's pacing refuses a connection it had taken).
 */
export function refuseWithConnack(socket: Duplex, already?: Buffer): void {
  let got: Buffer = Buffer.alloc(0)
  let answered = false
  const onData = (d: Buffer): void => {
    got = got.length === 0 ? d : Buffer.concat([got, d])
    const level = connectProtocolLevel(got)
    if (level === undefined && got.length < 64) return
    answered = true
    socket.removeListener('data', onData)
    if (!socket.destroyed) socket.end(level === 5 ? CONNACK_V5 : CONNACK_V4)
  }
  if (already !== undefined && already.length > 0) onData(already)
  if (!answered) socket.on('data', onData)
  // A client that sends no CONNECT, or never closes its side after the answer, is not held.
  const timer = setTimeout(() => socket.destroy(), CONNECT_WAIT_MS)
  timer.unref()
  socket.once('close', () => clearTimeout(timer))
  if (socket.isPaused()) socket.resume()
}
