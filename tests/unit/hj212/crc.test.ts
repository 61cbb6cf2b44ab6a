import { describe, expect, it } from 'vitest'
import { crcHex, hj212Crc } from '../../../hub/src/hj212/crc.js'
import { CHECKED } from './checked-packets.js'

/** The standard's algorithm written out bit by bit, independently of the table in crc.ts. */
function referenceCrc(bytes: Uint8Array): number {
  let reg = 0xffff
  for (const b of bytes) {
    reg = (reg >> 8) ^ b
    for (let i = 0; i < 8; i++) {
      const out = reg & 1
      reg >>= 1
      if (out) reg ^= 0xa001
    }
  }
  return reg
}

/** CRC-16/MODBUS, which HJ 212 is not (the byte goes into the low byte without the shift). */
function modbus(bytes: Uint8Array): number {
  let reg = 0xffff
  for (const b of bytes) {
    reg ^= b
    for (let i = 0; i < 8; i++) reg = reg & 1 ? (reg >> 1) ^ 0xa001 : reg >> 1
  }
  return reg
}

describe('HJ 212 CRC', () => {
  it.each(CHECKED)('matches the checked packet %#', (packet) => {
    const len = Number(packet.slice(2, 6))
    const data = packet.slice(6, 6 + len)
    expect(data.length).toBe(len)
    expect(crcHex(hj212Crc(data))).toBe(packet.slice(6 + len, 6 + len + 4))
    expect(crcHex(referenceCrc(Buffer.from(data)))).toBe(packet.slice(6 + len, 6 + len + 4))
  })

  it('equals the bitwise reference over random data, strings and buffers alike', () => {
    let seed = 12345
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff
    for (let n = 0; n < 500; n++) {
      const bytes = Buffer.alloc(Math.floor(rnd() * 300))
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rnd() * 256)
      expect(hj212Crc(bytes)).toBe(referenceCrc(bytes))
      const text = bytes.toString('latin1').replace(/[^\x20-\x7e]/g, 'x')
      expect(hj212Crc(text)).toBe(referenceCrc(Buffer.from(text)))
    }
  })

  it('is not CRC-16/MODBUS', () => {
    const data = Buffer.from('ST=32;CN=2011;PW=123456;MN=X;CP=&&&&')
    expect(hj212Crc(data)).not.toBe(modbus(data))
  })

  it('of nothing is the start value; hex is 4 upper-case digits', () => {
    expect(hj212Crc('')).toBe(0xffff)
    expect(crcHex(0x1c80)).toBe('1C80')
    expect(crcHex(0xa)).toBe('000A')
  })
})
