import { describe, expect, it } from 'vitest'
import { TOXIC_GASES } from '../../../hub/src/model/vocabulary.js'
import { TOXIC_FIRST_LEVEL } from '../../../simulators/src/models/gases.js'
import { indexZone } from '../../../simulators/src/scenarios/locate.js'
import { SCENARIOS, buildScenario } from '../../../simulators/src/scenarios/index.js'
import { runScenario, T0 } from './scenario-run.js'
import { smallZone } from './small-zone.js'

const gasIn = (area: string) => smallZone().devices.filter((d) => d.kind === 'gas' && d.area === area)

describe('scenarios', () => {
  it.each(SCENARIOS.map((s) => s.name))('%s builds against a small hand-made zone, the same for the same seed', (name) => {
    const ix = indexZone(smallZone())
    const a = buildScenario(name, ix, { seed: 3, horizonSec: 3600 })
    const b = buildScenario(name, ix, { seed: 3, horizonSec: 3600 })
    expect(b).toEqual(a)
    expect(a.name).toBe(name)
    if (name !== 'normal-day') expect(a.timeline.length).toBeGreaterThan(0)
    for (const step of a.timeline) {
      if ('device' in step.action) expect(ix.devices.map((d) => d.id)).toContain(step.action.device)
      if ('park' in step.action) expect(ix.parks.map((p) => p.id)).toContain(step.action.park)
    }
  })

  it('normal-day stays below every GB/T 50493 first-level set point for 24 h', () => {
    const run = runScenario('normal-day', { durationSec: 86_400 })
    const zone = smallZone()
    let readings = 0
    for (const o of run.telemetry) {
      const d = zone.devices.find((x) => x.id === o.device)
      if (d?.kind !== 'gas') continue
      for (const [m, v] of Object.entries(o.values)) {
        readings++
        if (m === 'lel') expect(v).toBeLessThan(25)
        else if (m === 'o2') {
          expect(v).toBeGreaterThan(19.5)
          expect(v).toBeLessThan(23.5)
        } else if ((TOXIC_GASES as readonly string[]).includes(m)) expect(v).toBeLessThan(TOXIC_FIRST_LEVEL[m as keyof typeof TOXIC_FIRST_LEVEL])
      }
    }
    expect(readings).toBeGreaterThan(100_000)
    expect(run.events).toEqual([])
    expect(run.outputs.filter((o) => o.type === 'link')).toEqual([])
    // No exceedance either: the stack stays under its limits at reference O2.
    for (const o of run.telemetry.filter((x) => x.device === 's-1' && !x.flags)) {
      expect((o.values.so2 as number) * (15 / (21 - (o.values.o2 as number)))).toBeLessThan(35)
    }
  })

  it('combustible-leak drives a detector past 25 %LEL (first level) and 50 %LEL within its timeline', () => {
    const run = runScenario('combustible-leak')
    const leak = run.scenario.timeline.find((s) => s.action.kind === 'leak')?.action
    if (leak?.kind !== 'leak') throw new Error('expected a leak')
    // The hydrogen area gets hydrogen (LEL 4 %VOL).
    expect(leak.gas).toBe('h2')
    const detectors = gasIn(leak.area ?? '').filter((d) => d.metrics.includes('lel'))
    expect(detectors.length).toBeGreaterThanOrEqual(2)
    const first = Math.min(...detectors.map((d) => run.firstAbove(d.id, 'lel', 25)))
    expect(first).toBeLessThan(run.scenario.durationSec ?? 0)
    expect(Math.max(...detectors.map((d) => run.max(d.id, 'lel')))).toBeGreaterThan(50)
    // Once the valve is closed the readings come back down.
    const closeAt = run.scenario.timeline.find((s) => s.action.kind === 'valve')?.at ?? 0
    for (const d of detectors) {
      const tail = run.series(d.id, 'lel').filter(([t]) => t > closeAt + 180)
      expect(Math.max(...tail.map(([, v]) => v))).toBeLessThan(10)
    }
  })

  it('toxic-release takes a chlorine detector in the chlorination area past 1× and 2× OEL', () => {
    const run = runScenario('toxic-release')
    const leak = run.scenario.timeline.find((s) => s.action.kind === 'leak')?.action
    expect(leak?.kind === 'leak' ? [leak.gas, leak.area] : []).toEqual(['cl2', 'a-cl'])
    const cl2 = ['g-cl-1', 'g-cl-2']
    const first = Math.min(...cl2.map((d) => run.firstAbove(d, 'cl2', TOXIC_FIRST_LEVEL.cl2)))
    const second = Math.min(...cl2.map((d) => run.firstAbove(d, 'cl2', 2 * TOXIC_FIRST_LEVEL.cl2)))
    expect(first).toBeLessThan(second)
    expect(second).toBeLessThan(300)
  })

  it('fire: smoke trips first, then heat, a call point is pressed, and everything clears after', () => {
    const run = runScenario('fire')
    const on = (type: string) => run.events.filter((e) => e.event === type && e.state === 'on').map((e) => (e.ts - T0) / 1000)
    const smoke = on('smoke_alarm')
    const heat = on('heat_alarm')
    expect(smoke.length).toBeGreaterThan(0)
    expect(on('manual_call_point').length).toBe(1)
    if (heat.length > 0) expect(Math.min(...smoke)).toBeLessThan(Math.min(...heat))
    expect(run.events.some((e) => e.event === 'smoke_alarm' && e.state === 'off')).toBe(true)
  })

  it('leak-ignites: gas past 25 %LEL, then fire signals in the same park', () => {
    const run = runScenario('leak-ignites')
    const leak = run.scenario.timeline.find((s) => s.action.kind === 'leak')?.action
    const fire = run.scenario.timeline.find((s) => s.action.kind === 'fire')
    expect(leak?.kind).toBe('leak')
    if (leak?.kind !== 'leak' || fire?.action.kind !== 'fire') return
    expect(fire.action.park).toBe(leak.park)
    expect(fire.action.position).toEqual(leak.position)
    const detectors = gasIn(leak.area ?? '').filter((d) => d.metrics.includes('lel'))
    expect(Math.min(...detectors.map((d) => run.firstAbove(d.id, 'lel', 25)))).toBeLessThan(fire.at)
    const fireEvents = run.events.filter((e) => e.state === 'on' && ['smoke_alarm', 'flame', 'heat_alarm'].includes(e.event))
    expect(fireEvents.length).toBeGreaterThan(0)
    const parkOf = (id: string) => smallZone().devices.find((d) => d.id === id)?.park
    for (const e of fireEvents) expect(parkOf(e.device)).toBe(leak.park)
    expect(Math.min(...fireEvents.map((e) => (e.ts - T0) / 1000))).toBeGreaterThanOrEqual(fire.at)
  })

  it('emission-exceedance: the stack\'s hourly O2-corrected average goes over its limit', () => {
    const run = runScenario('emission-exceedance')
    const step = run.scenario.timeline[0]
    expect(step?.action.kind).toBe('cems_episode')
    if (step?.action.kind !== 'cems_episode') return
    const metric = step.action.metric
    const limit = metric === 'so2' ? 35 : 50
    const hour = run.telemetry.filter((o) => o.device === 's-1' && !o.flags && o.ts >= T0 + (step.at + 900) * 1000 && o.ts < T0 + (step.at + 4500) * 1000)
    expect(hour.length).toBeGreaterThanOrEqual(45)
    const avg = hour.reduce((a, o) => a + (o.values[metric] as number) * (15 / (21 - (o.values.o2 as number))), 0) / hour.length
    expect(avg).toBeGreaterThan(limit)
    expect(run.scenario.suggestedSpeed).toBeGreaterThan(1)
  })

  it('energy-spike: the meter\'s power jumps for a while', () => {
    const run = runScenario('energy-spike')
    const step = run.scenario.timeline[0]
    if (step?.action.kind !== 'energy_spike') throw new Error('expected an energy spike first')
    const kw = run.series(step.action.device, 'kw')
    const before = kw.filter(([t]) => t < step.at).map(([, v]) => v)
    const during = kw.filter(([t]) => t > step.at + 60 && t < step.at + 600).map(([, v]) => v)
    expect(Math.min(...during)).toBeGreaterThan(1.5 * Math.max(...before))
  })

  it('sensor-faults: a device drops off and returns, one sticks, one spikes, a meter restarts', () => {
    const run = runScenario('sensor-faults')
    const kinds = run.scenario.timeline.map((s) => (s.action.kind === 'fault' ? s.action.fault : s.action.kind))
    expect(kinds).toEqual(expect.arrayContaining(['stuck', 'spike', 'dropout', 'offline', 'meter_replace', 'panel_fault']))
    const links = run.outputs.filter((o) => o.type === 'link')
    expect(links.map((l) => (l.type === 'link' ? l.up : null))).toEqual([false, true])
    expect(run.events.filter((e) => e.event === 'panel_fault').map((e) => e.state)).toEqual(['on', 'off'])
  })

  it('multi: several incidents at once across parks', () => {
    const run = runScenario('multi')
    const parks = new Set(run.scenario.incidents.map((i) => i.park))
    expect(parks.size).toBeGreaterThanOrEqual(2)
    expect(run.scenario.incidents.length).toBeGreaterThanOrEqual(4)
    expect(run.events.some((e) => e.event === 'smoke_alarm' && e.state === 'on')).toBe(true)
    const lel = smallZone().devices.filter((d) => d.metrics.includes('lel'))
    expect(Math.max(...lel.map((d) => run.max(d.id, 'lel')))).toBeGreaterThan(25)
  })

  it('demo: an incident every few minutes, rotating kinds and parks', () => {
    const ix = indexZone(smallZone())
    const s = buildScenario('demo', ix, { seed: 1, horizonSec: 6 * 3600 })
    expect(s.durationSec).toBeUndefined()
    const kinds = s.incidents.map((i) => i.kind)
    expect(new Set(kinds).size).toBeGreaterThanOrEqual(6)
    expect(new Set(s.incidents.map((i) => i.park)).size).toBe(2)
    const starts = s.timeline.filter((t) => t.action.kind === 'note' && t.label?.startsWith('— incident')).map((t) => t.at)
    for (let i = 1; i < starts.length; i++) {
      expect((starts[i] as number) - (starts[i - 1] as number)).toBeGreaterThanOrEqual(240)
      expect((starts[i] as number) - (starts[i - 1] as number)).toBeLessThanOrEqual(420)
    }
    expect(buildScenario('demo', ix, { seed: 1, horizonSec: 6 * 3600 })).toEqual(s)
    const run = runScenario('demo', { durationSec: 1800 })
    expect(run.events.length).toBeGreaterThan(0)
  })

  it('keeps to the parks it is given', () => {
    const ix = indexZone(smallZone(), ['ind'])
    const s = buildScenario('multi', ix, { seed: 1 })
    for (const i of s.incidents) expect(i.park).toBe('ind')
    expect(() => indexZone(smallZone(), ['nope'])).toThrow(/unknown park/)
  })
})
