/**
 * The HJ 212-2017 CRC (HJ 212-2017 §6.3.4, appendix A; DOMAIN.md "Stack emissions"): over the
 * data segment only, start 0xFFFF; for each byte the register's high byte is shifted down and
 * XORed with the byte, then eight shifts right, XOR 0xA001 when the bit shifted out is 1.
 * It is not CRC-16/MODBUS (which XORs the byte into the low byte without the shift).
 */

/** One byte's eight shift steps, precomputed (index = the register's low byte after the XOR). */
const TABLE: Uint16Array = (() => {
  const t = new Uint16Array(256)
  for (let i = 0; i < 256; i++) {
    let c = i
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1
    t[i] = c
  }
  return t
})()

/** The CRC of a data segment (bytes as sent; a string is taken as UTF-8). */
export function hj212Crc(data: Buffer | string): number {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
  let crc = 0xffff
  for (let i = 0; i < bytes.length; i++) {
    const x = (crc >>> 8) ^ bytes[i]!
    // After the XOR the register holds x (high byte zero); eight shifts of x only.
    crc = TABLE[x & 0xff]! ^ (x & 0xff00)
  }
  return crc & 0xffff
}

/** A CRC as the packet carries it: 4 upper-case hex digits. */
export function crcHex(n: number): string {
  return (n & 0xffff).toString(16).toUpperCase().padStart(4, '0')
}

/**
 * CRC-16/MODBUS (XOR the byte into the low byte, then eight shifts): not HJ 212's, but what some
 * loggers and HJ 212 tools compute (seen in published simulators and test packets). Only used
 * to tell an officer why such a logger's packets are refused.
 */
export function modbusCrc(data: Buffer): number {
  let crc = 0xffff
  for (let i = 0; i < data.length; i++) crc = TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8)
  return crc & 0xffff
}

/** Whether a CRC sent as 4 hex digits is the data's CRC-16/MODBUS, in either byte order. */
export function isModbusCrc(data: Buffer, sent: string): boolean {
  const m = modbusCrc(data)
  return sent === crcHex(m) || sent === crcHex(((m & 0xff) << 8) | (m >>> 8))
}
