import { describe, expect, it } from 'vitest'
import { Deframer, frame, type FrameReject } from '../../../hub/src/hj212/frame.js'
import { CHECKED } from './checked-packets.js'

const DATA = 'QN=20240101120000000;ST=31;CN=2011;PW=123456;MN=MN01;Flag=5;CP=&&DataTime=20240101120000;a21026-Rtd=12.5,a21026-Flag=N&&'

function pushAll(d: Deframer, chunks: Buffer[]): { segments: string[]; rejects: { reason: FrameReject; bytes: number }[]; skipped: number } {
  const segments: string[] = []
  const rejects: { reason: FrameReject; bytes: number }[] = []
  let skipped = 0
  for (const c of chunks) {
    const r = d.push(c)
    segments.push(...r.segments)
    rejects.push(...r.rejects)
    skipped += r.skippedBytes
  }
  return { segments, rejects, skipped }
}

describe('frame()', () => {
  it('rebuilds the checked packets byte for byte', () => {
    for (const p of CHECKED) {
      const len = Number(p.slice(2, 6))
      expect(frame(p.slice(6, 6 + len))).toBe(p)
    }
  })
  it('refuses a data segment over 4 digits', () => {
    expect(() => frame('x'.repeat(10_000))).toThrow(RangeError)
  })
})

describe('Deframer', () => {
  it('takes both checked packets in one segment', () => {
    const r = new Deframer().push(Buffer.from(CHECKED.join('')))
    expect(r.segments).toHaveLength(2)
    expect(r.rejects).toEqual([])
  })

  it('takes a packet split at every byte boundary', () => {
    const whole = Buffer.from(frame(DATA) + frame(DATA))
    for (let cut = 0; cut <= whole.length; cut++) {
      const r = pushAll(new Deframer(), [whole.subarray(0, cut), whole.subarray(cut)])
      expect(r.segments, `cut at ${cut}`).toEqual([DATA, DATA])
      expect(r.rejects).toEqual([])
    }
    const oneByOne = pushAll(new Deframer(), [...whole].map((b) => Buffer.from([b])))
    expect(oneByOne.segments).toEqual([DATA, DATA])
  })

  const cases: { name: string; bytes: string; reason: FrameReject }[] = [
    { name: 'bad CRC', bytes: frame(DATA).replace(/[0-9A-F]{4}\r\n$/, '0000\r\n'), reason: 'bad_crc' },
    { name: 'length too long', bytes: '##0200' + DATA + '0000\r\n', reason: 'bad_length' },
    { name: 'length too short', bytes: '##0050' + DATA + '0000\r\n', reason: 'bad_length' },
    { name: 'non-digit length', bytes: '##01x1' + DATA + '0000\r\n', reason: 'bad_header' },
    { name: 'missing CR LF', bytes: frame(DATA).slice(0, -2) + 'XY', reason: 'bad_trailer' },
    { name: 'garbage', bytes: 'hello world', reason: 'garbage' },
  ]
  it.each(cases)('rejects $name, counts it and resynchronises at the next ##', ({ bytes, reason }) => {
    const stream = Buffer.from(bytes + frame(DATA))
    const r = pushAll(new Deframer(), [stream])
    expect(r.segments).toEqual([DATA])
    expect(r.rejects.map((x) => x.reason)).toEqual([reason])
    expect(r.rejects[0]!.bytes + r.skipped).toBe(Buffer.byteLength(bytes))
    // the same split at every byte: the same reject, the same good packet after it
    for (let cut = 1; cut < stream.length; cut += 7) {
      const s = pushAll(new Deframer(), [stream.subarray(0, cut), stream.subarray(cut)])
      expect(s.segments, `cut ${cut}`).toEqual([DATA])
      expect(s.rejects.map((x) => x.reason)[0], `cut ${cut}`).toBe(reason)
    }
  })

  it('refuses a declared length above its maximum as oversize', () => {
    const r = new Deframer({ maxDataBytes: 100 }).push(Buffer.from(frame(DATA) + frame('CN=2011;CP=&&&&')))
    expect(r.rejects[0]!.reason).toBe('oversize')
    expect(r.segments).toEqual(['CN=2011;CP=&&&&'])
  })

  it('accepts data segments up to 9999 bytes and counts those over the standard 1024', () => {
    const long = 'CN=2011;CP=&&' + 'a99999-Rtd=1;'.repeat(760) + '&&'
    expect(long.length).toBeGreaterThan(9000)
    const d = new Deframer()
    const r = d.push(Buffer.from(frame(long)))
    expect(r.segments).toEqual([long])
    expect(d.overStandardPackets).toBe(1)
  })

  it('counts garbage since the last good packet and resets on one', () => {
    const d = new Deframer()
    d.push(Buffer.alloc(5000, 0x41))
    expect(d.garbageBytes).toBe(5000)
    d.push(Buffer.from(frame(DATA)))
    expect(d.garbageBytes).toBe(0)
    expect(d.pendingBytes).toBe(0)
  })
})

describe('Deframer fuzzing', () => {
  let seed = 987654321
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!

  function mutate(good: string): { bytes: Buffer; good: boolean } {
    const b = Buffer.from(good)
    switch (Math.floor(rnd() * 7)) {
      case 0: return { bytes: b, good: true }
      case 1: return { bytes: b.subarray(0, Math.floor(rnd() * b.length)), good: false } // truncation
      case 2: { const c = Buffer.from(b); const at = 6 + Math.floor(rnd() * (b.length - 12)); c[at] = c[at]! ^ 0x01; return { bytes: c, good: false } } // wrong CRC
      case 3: { const c = Buffer.from(b); c.write(String(Math.floor(rnd() * 10000)).padStart(4, '0'), 2, 'latin1'); return { bytes: c, good: c.equals(b) } } // wrong length
      case 4: { const c = Buffer.from(b); c.write('9999', 2, 'latin1'); return { bytes: c, good: false } } // huge length
      case 5: { const r = Buffer.alloc(Math.floor(rnd() * 200)); for (let i = 0; i < r.length; i++) r[i] = Math.floor(rnd() * 256); return { bytes: r, good: false } } // random bytes
      default: { const c = Buffer.from(b); c.write(pick(['0000', 'ABCD', 'zzzz']), b.length - 6, 'latin1'); return { bytes: c, good: c.equals(b) } }
    }
  }

  it('never throws, accounts for every byte and keeps every intact packet that follows a clean boundary', () => {
    for (let round = 0; round < 300; round++) {
      const d = new Deframer()
      const pieces: Buffer[] = []
      let total = 0
      let goodBytes = 0
      for (let i = 0; i < 20; i++) {
        const m = mutate(frame(DATA.replace('12.5', String(i))))
        pieces.push(m.bytes)
        total += m.bytes.length
      }
      const stream = Buffer.concat(pieces)
      const chunks: Buffer[] = []
      for (let at = 0; at < stream.length; ) {
        const n = 1 + Math.floor(rnd() * 300)
        chunks.push(stream.subarray(at, at + n))
        at += n
      }
      const r = pushAll(d, chunks)
      for (const s of r.segments) goodBytes += Buffer.byteLength(s) + 12
      const rejected = r.rejects.reduce((a, x) => a + x.bytes, 0) + r.skipped
      expect(rejected + goodBytes + d.pendingBytes).toBe(total)
      for (const x of r.rejects) expect(x.bytes).toBeGreaterThan(0)
      // the last packet is intact: after the flood the stream still delivers
      const after = d.push(Buffer.from('\r\n' + frame(DATA) + frame(DATA)))
      expect(after.segments.length).toBeGreaterThanOrEqual(1)
    }
  })
})
