import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { AuditLog } from '../../../hub/src/api/audit.js'
import { auditZoneExceedances } from '../../../hub/src/api/setpoint-audit.js'
import { demoZone, device, T0 } from '../rules/fixtures.js'

describe('zone-file set points kept above the standard are audited once', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  it('one entry per layer or device above its ceiling, not written again at the next start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'))
    dirs.push(dir)
    const zone = demoZone(
      { park: { cl2: { high: [{ value: 1.5, level: 2 }, { value: 2, level: 1 }], exceedsStandard: true, reason: 'background at the chlorinator' } } },
      [
        device('lel-1', 'gas', ['lel'], { setpoints: { lel: { high: [{ value: 30, level: 2 }, { value: 60, level: 1 }], exceedsStandard: true, reason: 'trial' } } }),
        device('lel-2', 'gas', ['lel'], { setpoints: { lel: { high: [{ value: 20, level: 2 }, { value: 40, level: 1 }] } } }), // under the ceilings
      ],
    )
    const path = join(dir, 'audit.jsonl')
    auditZoneExceedances(new AuditLog(path), zone, 'zone.yaml', T0)
    const again = new AuditLog(path)
    auditZoneExceedances(again, zone, 'zone.yaml', T0 + 1000)
    expect(again.query({ action: 'setpoint.exceeds_standard' }).map((e) => [e.user, e.target, e.detail])).toEqual([
      ['zone-file', 'lel-1', 'lel: 30 > 25 %LEL, 60 > 50 %LEL (GB/T 50493-2019 §5.5.2(1)(2): ≤ 25 / 50 %LEL); reason: trial'],
      ['zone-file', 'park vtchem', 'cl2: 1.5 > 1 mg/m³ (GB/T 50493-2019 §5.5.2(3): ≤ 100 % / 200 % OEL (MAC 1 mg/m³, GBZ 2.1-2019)); reason: background at the chlorinator'],
    ])
  })
})
