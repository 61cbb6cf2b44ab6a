import { describe, expect, it } from 'vitest'
import type { EventType } from '../../../hub/src/model/vocabulary.js'
import { device, engineWith, event, s } from './fixtures.js'

describe('fire-panel events', () => {
  const table: [type: EventType, alarmType: string, level: number][] = [
    ['smoke_alarm', 'fire', 2],
    ['heat_alarm', 'fire', 2],
    ['flame', 'fire', 2],
    ['manual_call_point', 'fire', 2],
    ['panel_fault', 'device_fault', 3],
  ]
  for (const [type, alarmType, level] of table) {
    it(`${type}: on → ${alarmType} level ${level}, off → clear`, () => {
      const d = device('panel-1', 'fire', [], { area: undefined })
      const engine = engineWith([d])
      const on = engine.onEvent(event(d, s(0), type, 'on'), s(0))
      expect(on.map((t) => [t.key, t.kind, t.type, t.level, t.rule, t.ts])).toEqual([
        [`panel-1:event:${type}`, 'activate', alarmType, level, 'event', s(0)],
      ])
      expect(engine.onEvent(event(d, s(1), type, 'on'), s(1))).toEqual([]) // one alarm per condition
      const off = engine.onEvent(event(d, s(2), type, 'off'), s(2))
      expect(off.map((t) => [t.key, t.kind, t.level])).toEqual([[`panel-1:event:${type}`, 'clear', level]])
      expect(engine.onEvent(event(d, s(3), type, 'off'), s(3))).toEqual([])
    })
  }

  it('an event is a sign of life for the deadman', () => {
    // A detector that sends readings and events; one with events only is never timed out (deadman tests).
    const d = device('smoke-1', 'fire', ['smoke'], { area: undefined, interval: 10 })
    const engine = engineWith([d])
    expect(engine.tick(s(30)).map((t) => t.type)).toEqual(['device_offline'])
    const out = engine.onEvent(event(d, s(31), 'smoke_alarm', 'on'), s(31))
    expect(out.map((t) => [t.type, t.kind])).toEqual([
      ['device_offline', 'clear'],
      ['fire', 'activate'],
    ])
  })
})
