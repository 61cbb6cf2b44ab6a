import { describe, expect, it } from 'vitest'
import { RollupBackfill } from '../../../hub/src/energy/rollup-backfill.js'
import { createStatement, energyRollups, rebuildStatement } from '../../../hub/src/store/rollup-repository.js'
import { emissionRollups } from '../../../hub/src/store/emission-rollups.js'
import { cal, HOUR, local } from './fixtures.js'

describe('rebuilding rollup buckets that readings reached too late', () => {
  const now = local(2025, 6, 10, 12, 30)
  it('marks hours the hourly continuous query will not see again, and days before yesterday', () => {
    const b = new RollupBackfill(cal, { settleMs: 30_000, daily: true, maxPending: 100 })
    b.mark('energy', local(2025, 6, 10, 11, 59), now) // the next run (13:00) still covers 11:00
    b.mark('energy', local(2025, 6, 9, 3), now) // yesterday: the daily query covers it
    expect(b.due(now + 60_000)).toEqual([{ kind: 'energy', bucket: 'hour', from: local(2025, 6, 9, 3), to: local(2025, 6, 9, 4) }])
    for (let h = 0; h < 5; h++) b.mark('energy', local(2025, 6, 1, h, 30), now)
    b.mark('emission', local(2025, 6, 1, 2), now)
    expect(b.due(now + 29_999)).toEqual([])
    expect(b.due(now + 30_000)).toEqual([
      { kind: 'emission', bucket: 'hour', from: local(2025, 6, 1, 2), to: local(2025, 6, 1, 3) },
      { kind: 'energy', bucket: 'hour', from: local(2025, 6, 1, 0), to: local(2025, 6, 1, 5) },
      { kind: 'energy', bucket: 'day', from: local(2025, 6, 1), to: local(2025, 6, 2) },
    ])
    expect(b.size).toBe(0)
  })

  it('waits for the last late reading of a bucket', () => {
    const b = new RollupBackfill(cal, { settleMs: 30_000, daily: false, maxPending: 100 })
    b.mark('emission', now - 5 * HOUR, now)
    b.mark('emission', now - 5 * HOUR, now + 20_000)
    expect(b.due(now + 30_000)).toEqual([])
    expect(b.due(now + 50_000)).toHaveLength(1)
  })
})

describe('continuous queries', () => {
  it('energy: counter summaries per local hour, per local day from the hourly rollup', () => {
    const [h, d] = energyRollups('smartpark', 'raw', 480, true)
    expect(createStatement('smartpark', h!)).toMatch(/^CREATE CONTINUOUS QUERY "cq_energy_1h" ON "smartpark" RESAMPLE EVERY 1h FOR 2h BEGIN SELECT first\("kwh"\) AS "kwh_first", last\("kwh"\) AS "kwh_last", min\("kwh"\) AS "kwh_min", max\("kwh"\) AS "kwh_max", count\("kwh"\) AS "kwh_n", .* INTO "smartpark"."rollup_1h"."energy_1h" FROM "smartpark"."raw"."energy" GROUP BY time\(1h\), \* END$/)
    expect(createStatement('smartpark', d!)).toMatch(/RESAMPLE EVERY 1h FOR 2d BEGIN SELECT first\("kwh_first"\) AS "kwh_first", .* sum\("kwh_n"\) AS "kwh_n", .* FROM "smartpark"."rollup_1h"."energy_1h" GROUP BY time\(1d, 16h\), \* END$/)
    expect(rebuildStatement(h!, 1000, 2000)).toMatch(/FROM "smartpark"."raw"."energy" WHERE time >= 1000ms AND time < 2000ms GROUP BY time\(1h\), \*$/)
  })
  it('emissions: sums and counts of all samples, and per metric of the flagged ones', () => {
    const qs = emissionRollups('smartpark', 'raw', 480)
    expect(qs.map((q) => q.name)).toEqual(['cq_emission_1h', ...['so2', 'nox', 'pm', 'hcl', 'cl2', 'o2', 'flow', 'temp', 'humidity'].map((m) => `cq_emission_1h_${m}_flagged`)])
    expect(rebuildStatement(qs[1]!, 0, 1)).toBe(`SELECT sum("so2") AS "so2_bad_sum", count("so2") AS "so2_bad_n" INTO "smartpark"."rollup_1h"."emission_1h" FROM "smartpark"."raw"."emission" WHERE "so2_flag" =~ /^[FMSDCTB]$/ AND time >= 0ms AND time < 1ms GROUP BY time(1h), *`)
  })
})
