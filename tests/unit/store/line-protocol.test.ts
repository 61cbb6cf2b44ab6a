import { describe, expect, it } from 'vitest'
import { line } from '../../../hub/src/store/line-protocol.js'
import { readingLine } from '../../../hub/src/store/points.js'

describe('line protocol', () => {
  it('escapes tags, measurements and string fields as InfluxDB 1.x expects', () => {
    expect(line('gas', { park: 'a b', device: 'x,y=z' }, { lel: 1.5 }, 1000)).toBe('gas,device=x\\,y\\=z,park=a\\ b lel=1.5 1000')
    expect(line('events', { type: 'smoke' }, { state: 'on "now"', on: true }, 5)).toBe('events,type=smoke state="on \\"now\\"",on=true 5')
    expect(line('m', { area: undefined, device: 'd' }, { v: 2 }, 7)).toBe('m,device=d v=2 7')
  })
  it('leaves backslashes in names as they are, and leaves out a tag value InfluxDB 1.x cannot carry', () => {
    // influxd 1.x reads `a\\b` back with two backslashes: a backslash is not an escape of itself in names.
    expect(line('gas', { device: 'a\\b', park: 'x\\ y' }, { v: 1 }, 1)).toBe('gas,device=a\\b,park=x\\\\ y v=1 1')
    expect(line('gas', { device: 'ghost\\', park: 'p' }, { v: 1 }, 1)).toBe('gas,park=p v=1 1')
    expect(line('events', { type: 's' }, { topic: 'a\\"b\\' }, 2)).toBe('events,type=s topic="a\\\\\\"b\\\\" 2')
  })
  it('writes a reading with its HJ 212 flags', () => {
    expect(readingLine({ park: 'p', enterprise: 'e', area: undefined, device: 's', kind: 'emission', ts: 9, values: { so2: 30, o2: 8 }, flags: { so2: 'M' } }))
      .toBe('emission,device=s,enterprise=e,park=p so2=30,o2=8,so2_flag="M" 9')
  })
  it('follows a device that moves to another park, enterprise or area', () => {
    const r = { park: 'p', enterprise: 'e', area: 'a1', device: 'mover', kind: 'gas' as const, ts: 1, values: { lel: 3 }, flags: undefined }
    expect(readingLine(r)).toBe('gas,area=a1,device=mover,enterprise=e,park=p lel=3 1')
    expect(readingLine({ ...r, area: 'a 2', ts: 2 })).toBe('gas,area=a\\ 2,device=mover,enterprise=e,park=p lel=3 2')
    expect(readingLine({ ...r, park: 'q', area: undefined, ts: 3 })).toBe('gas,device=mover,enterprise=e,park=q lel=3 3')
  })
})
