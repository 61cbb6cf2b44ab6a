import { describe, expect, it } from 'vitest'
import { IncidentError } from '../../../hub/src/response/errors.js'
import { alarm, harness, MIN, recordingPort, SEC, T0 } from './fixtures.js'

function code(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    if (err instanceof IncidentError) return err.code
    throw err
  }
  return undefined
}

describe('IncidentManager: steps', () => {
  it('completes a step with who and when, refuses to complete it twice, and undoes it', () => {
    const { manager, clock, changes } = harness()
    manager.onAlarm(alarm('a-1'))
    clock.advance(2 * MIN)
    const inc = manager.completeStep('i-1', 'confirm', 'zhang', '便携式检测仪读数 60 %LEL，确认泄漏')
    expect(inc.steps[0]).toMatchObject({ id: 'confirm', done: true, doneAt: T0 + 2 * MIN, doneBy: 'zhang' })
    expect(inc.timeline.at(-1)).toEqual({ ts: T0 + 2 * MIN, actor: 'zhang', action: 'step_done', note: 'confirm: 便携式检测仪读数 60 %LEL，确认泄漏' })
    expect(changes.at(-1)!.entry.action).toBe('step_done')
    expect(code(() => manager.completeStep('i-1', 'confirm', 'zhang'))).toBe('invalid_state')

    clock.advance(MIN)
    const undone = manager.completeStep('i-1', 'confirm', 'li', { done: false, note: '误点' })
    expect(undone.steps[0]).toMatchObject({ done: false, doneAt: undefined, doneBy: undefined })
    expect(undone.timeline.at(-1)).toMatchObject({ actor: 'li', action: 'step_undone', note: 'confirm: 误点' })
    expect(manager.completeStep('i-1', 'confirm', 'li', { done: true }).steps[0]!.done).toBe(true)
  })

  it('answers not_found for an unknown incident or step and missing_field without an actor', () => {
    const { manager } = harness()
    manager.onAlarm(alarm('a-1'))
    expect(code(() => manager.completeStep('i-9', 'confirm', 'zhang'))).toBe('not_found')
    expect(code(() => manager.completeStep('i-1', 'nope', 'zhang'))).toBe('not_found')
    expect(code(() => manager.completeStep('i-1', 'confirm', ' '))).toBe('missing_field')
  })
})

/** A red gas incident with both valve proposals confirmed by zhang (published as c1 and c2). */
function confirmedValves(h: ReturnType<typeof harness>): void {
  h.manager.onAlarm(alarm('a-1'))
  h.manager.confirmCommand('i-1', 'i-1.c1', 'zhang')
  h.manager.confirmCommand('i-1', 'i-1.c2', 'zhang')
}

describe('IncidentManager: device commands', () => {
  it('sends an operator command to a device of the park and records it, the sending being its confirmation', () => {
    const h = harness()
    const { manager, port, clock } = h
    confirmedValves(h)
    clock.advance(20 * MIN)
    const inc = manager.sendCommand('i-1', 'zhang', { device: 'chl-gas-1', command: 'open_valve', params: { reason: 'leak stopped' } })
    expect(inc.commands.at(-1)).toEqual({
      id: 'i-1.c3', device: 'chl-gas-1', command: 'open_valve', params: { reason: 'leak stopped' }, topic: 'parks/vtc/ti01/chl-gas-1/cmd',
      state: 'confirmed', movesPlant: true, automatic: false, approval: undefined, plan: undefined,
      proposedAt: T0 + 20 * MIN, proposedBy: 'zhang', confirmedAt: T0 + 20 * MIN, confirmedBy: 'zhang',
      dismissedAt: undefined, dismissedBy: undefined, dismissNote: undefined, escalatedAt: undefined,
      expiresAt: T0 + 21 * MIN, sentAt: T0 + 20 * MIN, sentBy: 'zhang', ackedAt: undefined, result: undefined,
    })
    expect(port.sent.at(-1)).toEqual({
      device: 'chl-gas-1', topic: 'parks/vtc/ti01/chl-gas-1/cmd', payload: { id: 'i-1.c3', command: 'open_valve', params: { reason: 'leak stopped' }, expiresAt: T0 + 21 * MIN },
    })
    expect(inc.timeline.at(-1)).toMatchObject({ actor: 'zhang', action: 'command', note: 'open_valve → chl-gas-1 (i-1.c3), by hand' })
  })

  it('refuses unknown devices, devices of another park, devices without the actuator and unknown commands', () => {
    const h = harness()
    const { manager, port } = h
    confirmedValves(h)
    expect(code(() => manager.sendCommand('i-1', 'zhang', { device: 'ghost', command: 'close_valve' }))).toBe('not_found')
    expect(code(() => manager.sendCommand('i-1', 'zhang', { device: 'grp-gas-1', command: 'close_valve' }))).toBe('invalid_field')
    expect(code(() => manager.sendCommand('i-1', 'zhang', { device: 'chl-gas-3', command: 'close_valve' }))).toBe('invalid_field')
    expect(code(() => manager.sendCommand('i-1', 'zhang', { device: 'chl-panel', command: 'close_valve' }))).toBe('invalid_field')
    expect(code(() => manager.sendCommand('i-1', 'zhang', { device: 'chl-gas-1', command: 'vent' }))).toBe('invalid_field')
    expect(code(() => manager.sendCommand('i-1', 'zhang', { command: 'close_valve' }))).toBe('missing_field')
    expect(port.sent).toHaveLength(2)
  })

  it("records a device's acknowledgement with its time", async () => {
    const h = harness()
    const { manager, clock, changes } = h
    confirmedValves(h)
    await manager.idle()
    expect(manager.get('i-1')!.commands.map((c) => c.state)).toEqual(['sent', 'sent'])
    clock.advance(3 * SEC)
    const inc = manager.onCommandAck('chl-gas-1', 'i-1.c1', T0 + 2 * SEC)!
    expect(inc.commands[0]).toMatchObject({ id: 'i-1.c1', state: 'acknowledged', ackedAt: T0 + 2 * SEC, result: 'ok' })
    expect(inc.commands[1]!.ackedAt).toBeUndefined()
    // The note as codes and parameters beside its English text (changed on purpose: docs/contract.md).
    expect(inc.timeline.at(-1)).toEqual({
      ts: T0 + 3 * SEC, actor: 'chl-gas-1', action: 'command_ack', note: 'close_valve i-1.c1: ok',
      messages: [{ code: 'incidentNote.commandAck', params: { command: 'close_valve', id: 'i-1.c1', result: 'ok' } }],
    })
    expect(changes.at(-1)!.entry.action).toBe('command_ack')
    expect(manager.onCommandAck('chl-gas-1', 'i-1.c1', T0 + 4 * SEC)).toBeUndefined() // a repeated ack (QoS 1)
    expect(manager.onCommandAck('chl-gas-2', 'i-1.c1', T0 + 4 * SEC)).toBeUndefined() // another device's id
    expect(manager.onCommandAck('chl-gas-2', 'i-1.c2', T0 + 5 * SEC, 'valve stuck')!.commands[1]!.result).toBe('valve stuck')
  })

  it('records a rejected send in the command and the timeline, throwing nothing', async () => {
    const h = harness({ port: recordingPort('broker not connected') })
    const { manager, changes } = h
    confirmedValves(h)
    expect(manager.get('i-1')!.commands.map((c) => c.result)).toEqual([undefined, undefined])
    await manager.idle()
    const after = manager.get('i-1')!
    expect(after.commands.map((c) => `${c.state}: ${c.result}`)).toEqual(['failed: failed: broker not connected', 'failed: failed: broker not connected'])
    expect(after.timeline.slice(-2)).toEqual([
      {
        ts: T0, actor: 'system', action: 'command_failed', note: 'close_valve → chl-gas-1 (i-1.c1): broker not connected',
        messages: [{ code: 'incidentNote.commandFailed', params: { command: 'close_valve', device: 'chl-gas-1', id: 'i-1.c1', reason: 'broker not connected' } }],
      },
      {
        ts: T0, actor: 'system', action: 'command_failed', note: 'close_valve → chl-gas-2 (i-1.c2): broker not connected',
        messages: [{ code: 'incidentNote.commandFailed', params: { command: 'close_valve', device: 'chl-gas-2', id: 'i-1.c2', reason: 'broker not connected' } }],
      },
    ])
    expect(changes.at(-1)!.incident.commands[1]!.result).toBe('failed: broker not connected')
  })

  it('treats a port that throws at once like one that rejects', async () => {
    const h = harness({ port: recordingPort('throw') })
    expect(() => confirmedValves(h)).not.toThrow()
    await h.manager.idle()
    expect(h.manager.get('i-1')!.commands.map((c) => c.result)).toEqual(['failed: port closed', 'failed: port closed'])
  })

  it('still sends the commands when the sink throws, then reports the error', () => {
    const { manager, port } = harness({ sink: { onChange: () => { throw new Error('socket gone') } } })
    expect(() => manager.onAlarm(alarm('a-9', { rule: 'correlation', type: 'gas_fire', device: 'chl-smoke-1', metric: undefined }))).toThrow('socket gone')
    expect(port.sent.map((s) => s.payload.command)).toEqual(['sound_siren'])
    expect(manager.get('i-1')!.commands).toHaveLength(3)
  })
})

describe('IncidentManager: comments, alarms and closing', () => {
  it('adds alarms by hand and comments', () => {
    const { manager } = harness()
    manager.onAlarm(alarm('a-1'))
    const inc = manager.addAlarm('i-1', 'a-5', 'zhang')
    expect(inc.alarms).toEqual(['a-1', 'a-5'])
    expect(code(() => manager.addAlarm('i-1', 'a-5', 'zhang'))).toBe('invalid_state')
    expect(manager.comment('i-1', 'zhang', '已通知园区消防站待命').timeline.at(-1)).toMatchObject({ action: 'comment', note: '已通知园区消防站待命' })
    expect(code(() => manager.comment('i-1', 'zhang', ''))).toBe('missing_field')
  })

  it('asks for a summary to close, then records the close and the steps left open', () => {
    const { manager, clock, changes } = harness()
    manager.onAlarm(alarm('a-1'))
    manager.completeStep('i-1', 'confirm', 'zhang')
    expect(code(() => manager.close('i-1', 'zhang', ''))).toBe('missing_field')
    expect(code(() => manager.close('i-1', 'zhang', undefined as unknown as string))).toBe('missing_field')
    clock.advance(45 * MIN)
    const inc = manager.close('i-1', 'zhang', '法兰垫片失效，已更换；复测低于 25 %LEL')
    expect(inc).toMatchObject({ state: 'closed', closedAt: T0 + 45 * MIN, summary: '法兰垫片失效，已更换；复测低于 25 %LEL' })
    const last = inc.timeline.at(-1)!
    expect(last).toMatchObject({ ts: T0 + 45 * MIN, actor: 'zhang', action: 'close' })
    expect(last.note).toContain(`[${inc.steps.length - 1} of ${inc.steps.length} steps left open: report, isolate_source`)
    expect(changes.at(-1)!.incident.state).toBe('closed')

    expect(code(() => manager.close('i-1', 'zhang', 'again'))).toBe('invalid_state')
    expect(code(() => manager.completeStep('i-1', 'report', 'zhang'))).toBe('invalid_state')
    expect(code(() => manager.sendCommand('i-1', 'zhang', { device: 'chl-gas-1', command: 'open_valve' }))).toBe('invalid_state')
    expect(manager.comment('i-1', 'wang', '复盘：巡检频次提高').state).toBe('closed')
    expect(manager.onCommandAck('chl-gas-1', 'i-1.c1', T0 + 46 * MIN)).toBeUndefined()

    expect(manager.openIncidents()).toEqual([])
    expect(manager.list({ state: 'closed' }).map((i) => i.id)).toEqual(['i-1'])
    expect(manager.list({ park: 'grp' })).toEqual([])
  })

  it('lists newest first', () => {
    const { manager, clock } = harness()
    manager.onAlarm(alarm('a-1'))
    clock.advance(MIN)
    manager.onAlarm(alarm('a-2', { area: 'tank', device: 'tank-cl2-1', metric: 'cl2' }))
    expect(manager.list().map((i) => i.id)).toEqual(['i-2', 'i-1'])
    expect(manager.list({ state: 'open', park: 'vtc' }).map((i) => i.id)).toEqual(['i-2', 'i-1'])
  })
})
