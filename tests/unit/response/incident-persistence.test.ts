import { describe, expect, it } from 'vitest'
import { IncidentManager } from '../../../hub/src/response/incident-manager.js'
import { alarm, counterIds, harness, MIN, SEC, T0 } from './fixtures.js'

describe('IncidentManager: snapshot and restore', () => {
  it('restores identical state that continues the same way', async () => {
    const { manager, clock, deps } = harness()
    manager.onAlarm(alarm('a-1'))
    clock.advance(MIN)
    manager.onAlarm(alarm('a-2', { type: 'gas_fire', rule: 'correlation', device: 'chl-smoke-1', metric: undefined }))
    manager.completeStep('i-1', 'confirm', 'zhang', '现场确认')
    manager.onCommandAck('chl-gas-1', 'i-1.c1', T0 + 5 * SEC)
    manager.onAlarm(alarm('a-3', { area: 'tank', device: 'tank-cl2-1', metric: 'cl2' }))
    manager.close('i-2', 'li', '氯气探测器受潮误报，已更换')
    manager.open('wang', { park: 'grp', hazard: 'emission', level: 3, title: '2号烟囱SO2小时均值超标' })
    await manager.idle()

    const saved = JSON.stringify(manager.snapshot())
    const restored = IncidentManager.restore(JSON.parse(saved), { ...deps, newId: counterIds('i', 4) })
    expect(JSON.stringify(restored.snapshot())).toBe(saved)
    expect(restored.list()).toEqual(manager.list())
    expect(restored.get('i-1')).toEqual(manager.get('i-1'))

    // Both continue alike: same ids, same steps, same command ids, same grouping.
    clock.advance(MIN)
    for (const m of [manager, restored]) {
      m.onAlarm(alarm('a-1', { level: 1, updatedAt: clock.now() })) // already in i-1: nothing
      m.sendCommand('i-1', 'zhang', { device: 'chl-panel', command: 'silence_siren' })
      m.onCommandAck('chl-gas-2', 'i-1.c2', clock.now())
      m.onAlarm(alarm('a-4', { area: 'tank', device: 'tank-gas-1' })) // i-2 is closed: a new incident
      m.completeStep('i-3', 'verify_data', 'wang')
    }
    expect(restored.get('i-4')?.alarms).toEqual(['a-4'])
    expect(restored.get('i-1')!.commands.at(-1)!.id).toBe('i-1.c4')
    expect(JSON.stringify(restored.snapshot())).toBe(JSON.stringify(manager.snapshot()))
  })

  it('restores proposals that keep their deadlines, and commands saved before commands had states', () => {
    const { manager, clock, deps } = harness()
    manager.onAlarm(alarm('a-1'))
    const saved = manager.snapshot()
    // A command saved by an older hub: no state, sent by the plan, acknowledged or failed.
    const older = { id: 'i-1.c9', device: 'chl-gas-1', command: 'close_valve', params: {}, topic: 't', sentAt: T0, sentBy: 'system', ackedAt: T0 + SEC, result: 'ok' }
    saved.incidents[0]!.commands.push(older as never, { ...older, id: 'i-1.c10', ackedAt: undefined, result: 'failed: broker not connected' } as never)
    const restored = IncidentManager.restore(JSON.parse(JSON.stringify(saved)), deps)
    expect(restored.get('i-1')!.commands.map((c) => `${c.id}:${c.state}:${c.automatic}:${c.proposedAt}`)).toEqual([
      `i-1.c1:proposed:false:${T0}`, `i-1.c2:proposed:false:${T0}`, `i-1.c9:acknowledged:true:${T0}`, `i-1.c10:failed:true:${T0}`,
    ])
    clock.advance(2 * MIN)
    restored.tick()
    expect(restored.get('i-1')!.attention).toBe('escalated')
    expect(restored.confirmCommand('i-1', 'i-1.c1', 'zhang').commands[0]!.state).toBe('confirmed')
  })

  it('rejects a state it does not know', () => {
    const { deps } = harness()
    expect(() => IncidentManager.restore({ version: 2 } as never, deps)).toThrow(/version/)
    expect(() => IncidentManager.restore({ version: 1, incidents: [{ id: 'x' }] } as never, deps)).toThrow(/malformed/)
  })
})
