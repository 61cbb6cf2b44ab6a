import { describe, expect, it } from 'vitest'
import { brief, device, engineWith, feed, reading, s } from './fixtures.js'

describe('hysteresis (deadband, ISA-18.2)', () => {
  it('h2s wavering around 10 mg/m³ inside the 0.5 deadband activates once and never clears', () => {
    const d = device('h2s-1', 'gas', ['h2s'])
    const engine = engineWith([d])
    const out = feed(engine, d, [[0, 9.7], [1, 10.1], [2, 9.6], [3, 10.2], [4, 9.5], [5, 10.0], [6, 9.55]], 'h2s')
    out.push(...engine.tick(s(25)))
    expect(out.map(brief)).toEqual([{ key: 'h2s-1:h2s:high', kind: 'activate', level: 2, threshold: 10, value: 10.1 }])
  })

  it('clears only below set point − deadband, after the off-delay', () => {
    const d = device('h2s-1', 'gas', ['h2s'])
    const engine = engineWith([d])
    feed(engine, d, [[0, 12]], 'h2s')
    expect(feed(engine, d, [[10, 9.49]], 'h2s')).toEqual([])
    expect(engine.tick(s(14.999))).toEqual([])
    const out = engine.tick(s(15))
    expect(out.map(brief)).toEqual([{ key: 'h2s-1:h2s:high', kind: 'clear', level: 2, threshold: 10, value: 9.49 }])
    expect(out[0]?.ts).toBe(s(15))
  })

  it('low set point is the mirror image: o2 clears only above 19.5 + 0.5', () => {
    const d = device('o2-1', 'gas', ['o2'])
    const engine = engineWith([d])
    const out = feed(engine, d, [[0, 19.4], [1, 19.9], [2, 20.0], [3, 19.8]], 'o2')
    out.push(...engine.tick(s(25)))
    expect(out.map(brief)).toEqual([{ key: 'o2-1:o2:low', kind: 'activate', level: 2, threshold: 19.5, value: 19.4 }])
    expect(feed(engine, d, [[40, 20.1]], 'o2')).toEqual([])
    expect(engine.tick(s(45)).map(brief)).toEqual([{ key: 'o2-1:o2:low', kind: 'clear', level: 2, threshold: 19.5, value: 20.1 }])
  })
})

describe('on-delay and off-delay under a fake clock', () => {
  const withDelays = (on: number, off: number) => device('co-1', 'gas', ['co'], { setpoints: { co: { onDelaySec: on, offDelaySec: off } } })

  it('on-delay 0: a single reading at the set point activates at once', () => {
    const d = withDelays(0, 0)
    const out = feed(engineWith([d]), d, [[0, 20]], 'co')
    expect(out.map(brief)).toEqual([{ key: 'co-1:co:high', kind: 'activate', level: 2, threshold: 20, value: 20 }])
    expect(out[0]?.ts).toBe(s(0))
  })

  it('on-delay 10 s: activates only once the condition has held 10 s', () => {
    const d = withDelays(10, 0)
    const engine = engineWith([d])
    expect(feed(engine, d, [[0, 25], [5, 26]], 'co')).toEqual([])
    expect(engine.tick(s(9.999))).toEqual([])
    const out = engine.tick(s(10))
    expect(out.map(brief)).toEqual([{ key: 'co-1:co:high', kind: 'activate', level: 2, threshold: 20, value: 26 }])
    expect(out[0]?.ts).toBe(s(10))
  })

  it('on-delay restarts when the value drops below the set point', () => {
    const d = withDelays(10, 0)
    const engine = engineWith([d])
    expect(feed(engine, d, [[0, 25], [4, 19.9], [5, 25]], 'co')).toEqual([])
    expect(engine.tick(s(10))).toEqual([])
    expect(engine.tick(s(14.9))).toEqual([])
    expect(engine.tick(s(15)).map(brief)).toEqual([{ key: 'co-1:co:high', kind: 'activate', level: 2, threshold: 20, value: 25 }])
  })

  it('a reading that completes the on-delay activates on that reading', () => {
    const d = withDelays(10, 0)
    const engine = engineWith([d])
    feed(engine, d, [[0, 25]], 'co')
    expect(feed(engine, d, [[10, 30]], 'co').map(brief)).toEqual([{ key: 'co-1:co:high', kind: 'activate', level: 2, threshold: 20, value: 30 }])
  })

  it('off-delay 10 s: clears only after 10 s below the clear point; a rise restarts it', () => {
    const d = withDelays(0, 10)
    const engine = engineWith([d])
    feed(engine, d, [[0, 25]], 'co')
    expect(feed(engine, d, [[20, 5]], 'co')).toEqual([])
    expect(engine.tick(s(29))).toEqual([])
    expect(feed(engine, d, [[27, 19.5]], 'co')).toEqual([]) // back inside the deadband (clear point 19)
    expect(engine.tick(s(31))).toEqual([])
    expect(feed(engine, d, [[32, 18]], 'co')).toEqual([])
    expect(engine.tick(s(41.9))).toEqual([])
    expect(engine.tick(s(42)).map(brief)).toEqual([{ key: 'co-1:co:high', kind: 'clear', level: 2, threshold: 20, value: 18 }])
  })

  it('off-delay 0 clears on the reading', () => {
    const d = withDelays(0, 0)
    const engine = engineWith([d])
    feed(engine, d, [[0, 25]], 'co')
    expect(feed(engine, d, [[1, 18.9]], 'co').map(brief)).toEqual([{ key: 'co-1:co:high', kind: 'clear', level: 2, threshold: 20, value: 18.9 }])
  })
})

describe('escalation on one key (GB/T 50493 first → second level)', () => {
  it('lel escalates 25 → 50 and back on the same key, then clears', () => {
    const d = device('lel-1', 'gas', ['lel'])
    const engine = engineWith([d])
    const key = 'lel-1:lel:high'
    expect(feed(engine, d, [[0, 30]], 'lel').map(brief)).toEqual([{ key, kind: 'activate', level: 2, threshold: 25, value: 30 }])
    expect(feed(engine, d, [[1, 55]], 'lel').map(brief)).toEqual([{ key, kind: 'activate', level: 1, threshold: 50, value: 55 }])
    // Deadband 1.25 %LEL (5 % of the first level): the second level holds down to 48.75.
    expect(feed(engine, d, [[2, 52], [3, 48.75], [4, 48.5]], 'lel')).toEqual([])
    expect(engine.tick(s(8.999))).toEqual([])
    expect(engine.tick(s(9)).map(brief)).toEqual([{ key, kind: 'activate', level: 2, threshold: 25, value: 48.5 }])
    expect(feed(engine, d, [[10, 24]], 'lel')).toEqual([]) // within first's deadband (clear < 23.75)
    expect(feed(engine, d, [[11, 10]], 'lel')).toEqual([])
    expect(engine.tick(s(16)).map(brief)).toEqual([{ key, kind: 'clear', level: 2, threshold: 25, value: 10 }])
  })

  it('from normal straight to the second level in one reading: one transition, red', () => {
    const d = device('cl2-1', 'gas', ['cl2'])
    const out = feed(engineWith([d]), d, [[0, 2.5]], 'cl2')
    expect(out.map(brief)).toEqual([{ key: 'cl2-1:cl2:high', kind: 'activate', level: 1, threshold: 2, value: 2.5 }])
  })

  it('second-level clear goes straight to normal when the value drops below both clear points', () => {
    const d = device('cl2-1', 'gas', ['cl2'])
    const engine = engineWith([d])
    feed(engine, d, [[0, 2.5], [1, 0.1]], 'cl2')
    expect(engine.tick(s(6)).map(brief)).toEqual([{ key: 'cl2-1:cl2:high', kind: 'clear', level: 1, threshold: 2, value: 0.1 }])
  })
})

describe('data flags (HJ 212 / HJ 75: only N is valid data)', () => {
  it('a value under calibration is not judged', () => {
    const d = device('lel-1', 'gas', ['lel'])
    const engine = engineWith([d])
    // Not judged against set points; the calibration itself is a visible gap (data-quality.ts).
    expect(engine.onReading(reading(d, s(0), { lel: 60 }, { lel: 'C' }), s(0)).map(brief)).toEqual([
      { key: 'lel-1:out_of_service', kind: 'activate', level: 4, threshold: undefined, value: 60 },
    ])
    expect(engine.onReading(reading(d, s(1), { lel: 60 }, { lel: 'N' }), s(1)).map(brief)).toEqual([
      { key: 'lel-1:out_of_service', kind: 'clear', level: 4, threshold: undefined, value: 60 },
      { key: 'lel-1:lel:high', kind: 'activate', level: 1, threshold: 50, value: 60 },
    ])
  })
})
