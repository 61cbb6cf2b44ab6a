import { afterEach, describe, expect, it } from 'vitest'
import { TelemetryBatcher } from '../../../hub/src/live/telemetry-batcher.js'
import type { TelemetryUpdate } from '../../../hub/src/model/live-events.js'

describe('telemetry batcher: a value carries its data flag, and a newer value without one drops it', () => {
  const sent: TelemetryUpdate[][] = []
  const batcher = new TelemetryBatcher(60_000, (_park, batch) => void sent.push(batch))
  afterEach(() => {
    sent.length = 0
  })

  const cases: [name: string, updates: Omit<TelemetryUpdate, 'device' | 'park'>[], expected: Pick<TelemetryUpdate, 'values' | 'flags'>][] = [
    ['a flagged value alone', [{ ts: 1, values: { lel: 125 }, flags: { lel: 'T' } }], { values: { lel: 125 }, flags: { lel: 'T' } }],
    ['fault, then a valid value: the flag goes', [{ ts: 1, values: { lel: 0 }, flags: { lel: 'D' } }, { ts: 2, values: { lel: 3 } }], { values: { lel: 3 }, flags: undefined }],
    ['valid, then fault: the flag comes', [{ ts: 1, values: { lel: 3 } }, { ts: 2, values: { lel: 0 }, flags: { lel: 'D' } }], { values: { lel: 0 }, flags: { lel: 'D' } }],
    ['another metric’s value keeps the first one’s flag', [{ ts: 1, values: { so2: 1 }, flags: { so2: 'C' } }, { ts: 2, values: { nox: 5 } }], { values: { so2: 1, nox: 5 }, flags: { so2: 'C' } }],
    ['an older update changes nothing', [{ ts: 2, values: { lel: 0 }, flags: { lel: 'M' } }, { ts: 1, values: { lel: 9 } }], { values: { lel: 0 }, flags: { lel: 'M' } }],
  ]

  it.each(cases)('%s', (_name, updates, expected) => {
    for (const u of updates) batcher.add({ device: 'd1', park: 'p', ...u })
    batcher.flush()
    expect(sent).toHaveLength(1)
    const [got] = sent[0]!
    expect({ values: got!.values, flags: got!.flags }).toEqual(expected)
  })
})
