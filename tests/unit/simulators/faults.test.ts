import { describe, expect, it } from 'vitest'
import { Engine, type Output } from '../../../simulators/src/engine.js'
import { FaultBook, type FaultKind } from '../../../simulators/src/models/faults.js'
import { GasDetectorModel } from '../../../simulators/src/models/gas-detector.js'
import { toxicFirstLevelOf } from '../../../simulators/src/models/gases.js'
import type { WorldView } from '../../../simulators/src/models/types.js'
import { createRng } from '../../../simulators/src/prng.js'
import { indexZone } from '../../../simulators/src/scenarios/locate.js'
import { T0 } from './scenario-run.js'
import { smallZone } from './small-zone.js'

const device = (id: string) => {
  const d = smallZone().devices.find((x) => x.id === id)
  if (!d) throw new Error(id)
  return d
}

/** A world with a fixed concentration of every gas at every point. */
function worldWith(gas: Record<string, number>): WorldView {
  return {
    quiet: true,
    tzOffsetMin: 480,
    gasAt: (_park, _at, metric) => gas[metric] ?? 0,
    firesIn: () => [],
    cemsEpisode: () => ({}),
    energyFactor: () => 1,
    takeMeterReplacement: () => false,
    callPointPressed: () => false,
    panelFault: () => undefined,
  }
}

const multiGas = { values: { lel: 3, h2s: 1.5, o2: 20.9 } }
const hooks = {
  calibrationGas: () => ({ values: { lel: 50, h2s: 75, o2: 20.9 } }),
  fullScale: () => ({ values: { lel: 100, h2s: 150, o2: 25 } }),
}

describe('fault book: HJ 212-2017 flags a detector puts on its own values', () => {
  it.each<[FaultKind, string, Record<string, number>]>([
    ['fault', 'D', { lel: 3, h2s: 1.5, o2: 20.9 }],
    ['maintenance', 'M', { lel: 3, h2s: 1.5, o2: 20.9 }],
    ['calibration', 'C', { lel: 50, h2s: 75, o2: 20.9 }],
    ['over_range', 'T', { lel: 100, h2s: 150, o2: 25 }],
  ])('%s: flag %s on every metric from its start until (not at) its end', (kind, flag, during) => {
    const book = new FaultBook()
    book.set('d', kind, 1000, 5000)
    expect(book.apply('d', 999, multiGas, hooks)).toEqual(multiGas)
    for (const t of [1000, 3000, 4999]) expect(book.apply('d', t, multiGas, hooks)).toEqual({ values: during, flags: { lel: flag, h2s: flag, o2: flag } })
    // Over: valid values again, unflagged (N by default, CONTRACT.md).
    expect(book.apply('d', 5000, multiGas, hooks)).toEqual(multiGas)
    expect(book.active('d', 5001)).toBeUndefined()
  })

  it('a flag fault naming one metric flags that sensor only; the others report as they are', () => {
    const book = new FaultBook()
    book.set('d', 'fault', 0, 1000, 'h2s')
    expect(book.apply('d', 10, multiGas, hooks)).toEqual({ values: multiGas.values, flags: { h2s: 'D' } })
    book.set('d', 'calibration', 0, 1000, 'lel')
    expect(book.apply('d', 10, multiGas, hooks)).toEqual({ values: { lel: 50, h2s: 1.5, o2: 20.9 }, flags: { lel: 'C' } })
    // A metric the device does not have: nothing to flag.
    book.set('d', 'fault', 0, 1000, 'cl2')
    expect(book.apply('d', 10, multiGas, hooks)).toEqual(multiGas)
  })

  it('keeps a flag the sample already carries on another metric', () => {
    const book = new FaultBook()
    book.set('d', 'maintenance', 0, 1000, 'o2')
    expect(book.apply('d', 10, { values: { lel: 100, o2: 20.9 }, flags: { lel: 'T' } }, hooks)).toEqual({ values: { lel: 100, o2: 20.9 }, flags: { lel: 'T', o2: 'M' } })
  })

  it('without model hooks, calibration and over range keep the values and still flag them', () => {
    const book = new FaultBook()
    book.set('d', 'over_range', 0, 1000)
    expect(book.apply('d', 10, { values: { temp: 30 } })).toEqual({ values: { temp: 30 }, flags: { temp: 'T' } })
  })
})

describe('gas detector: full scale, spike, span gas', () => {
  it.each<[string, string, number, number, number]>([
    // device, metric, spike above, spike below, range top
    ['g-h2-1', 'lel', 25, 50, 100],
    ['g-cl-1', 'cl2', toxicFirstLevelOf('cl2'), 2 * toxicFirstLevelOf('cl2'), 30],
    ['g-hcl-1', 'hcl', toxicFirstLevelOf('hcl'), 2 * toxicFirstLevelOf('hcl'), 30],
    ['g-co-1', 'co', toxicFirstLevelOf('co'), 2 * toxicFirstLevelOf('co'), 1200],
  ])('%s: a spike of %s is a first-level reading inside the range (> %s, < %s, ≤ %s), never flagged', (id, metric, above, below, top) => {
    const model = new GasDetectorModel(device(id), createRng(1))
    for (const base of [0, 0.5 * above, 0.9 * above]) {
      const spiked = model.spike({ values: { [metric]: base } })
      const v = spiked.values[metric] as number
      expect(v).toBeGreaterThan(above)
      expect(v).toBeLessThan(below)
      expect(v).toBeLessThanOrEqual(top)
      expect(spiked.flags).toBeUndefined()
    }
  })

  it('an oxygen spike stays inside 0–25 %VOL', () => {
    const model = new GasDetectorModel(device('g-o2-1'), createRng(1))
    expect(model.spike({ values: { o2: 20.9 } }).values.o2).toBeCloseTo(16.9, 5)
    expect(model.spike({ values: { o2: 2 } }).values.o2).toBe(0)
  })

  it.each<[string, string, number]>([
    ['g-h2-1', 'lel', 50],
    ['g-cl-1', 'cl2', 15],
    ['g-o2-1', 'o2', 20.9],
  ])('%s: span gas on %s reads %s', (id, metric, span) => {
    const model = new GasDetectorModel(device(id), createRng(1))
    expect(model.calibrationGas({ values: { [metric]: 0.2 } }).values[metric]).toBe(span)
  })

  it.each<[string, string, number, number, string | undefined]>([
    // device, metric, true concentration, reading, flag
    ['g-h2-1', 'lel', 99, 99, undefined],
    ['g-h2-1', 'lel', 101, 100, 'T'],
    ['g-h2-1', 'lel', 400, 100, 'T'],
    ['g-cl-1', 'cl2', 29.5, 29.5, undefined],
    ['g-cl-1', 'cl2', 31, 30, 'T'],
  ])('%s: %s at %s reads %s, flagged %s (pinned at its range top: over range)', (id, metric, truth, reading, flag) => {
    const model = new GasDetectorModel(device(id), createRng(1))
    // A long wait: the sensor has settled on the truth; zero offset and noise are below 1.
    model.sample(T0, worldWith({ [metric]: truth }))
    const s = model.sample(T0 + 3_600_000, worldWith({ [metric]: truth }))
    expect(s?.values[metric]).toBeCloseTo(reading, 0)
    expect(s?.flags?.[metric]).toBe(flag)
  })
})

describe('engine: flagged faults on the wire', () => {
  it('sends D between the fault\'s start and end on that device only, then valid values', () => {
    const ix = indexZone(smallZone())
    const engine = new Engine(ix.devices, { seed: 4, start: T0 })
    engine.schedule([
      { at: 60, action: { kind: 'fault', device: 'g-cl-1', fault: 'fault', durationSec: 120 } },
      { at: 60, action: { kind: 'fault', device: 'g-h2-1', fault: 'calibration', durationSec: 60 } },
    ], T0)
    const out: Output[] = []
    engine.runUntil(T0 + 300_000, (o) => out.push(o))
    const tele = out.filter((o): o is Extract<Output, { type: 'telemetry' }> => o.type === 'telemetry')
    const at = (o: { ts: number }) => (o.ts - T0) / 1000
    const cl = tele.filter((o) => o.device === 'g-cl-1')
    expect(cl.filter((o) => at(o) < 60).every((o) => o.flags === undefined)).toBe(true)
    const during = cl.filter((o) => at(o) >= 60 && at(o) < 180)
    expect(during.length).toBeGreaterThanOrEqual(20)
    expect(during.every((o) => o.flags?.cl2 === 'D')).toBe(true)
    expect(cl.filter((o) => at(o) >= 180).length).toBeGreaterThan(10)
    expect(cl.filter((o) => at(o) >= 180).every((o) => o.flags === undefined)).toBe(true)
    const h2 = tele.filter((o) => o.device === 'g-h2-1' && at(o) >= 60 && at(o) < 120)
    expect(h2.every((o) => o.flags?.lel === 'C' && o.values.lel === 50)).toBe(true)
    // Nobody else is flagged.
    expect(new Set(tele.filter((o) => o.flags && ix.devices.find((d) => d.id === o.device)?.kind === 'gas').map((o) => o.device))).toEqual(new Set(['g-cl-1', 'g-h2-1']))
  })
})
