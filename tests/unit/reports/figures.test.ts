import { describe, expect, it } from 'vitest'
import type { Alarm, AlarmAction, AlarmLevel, AlarmStep } from '../../../hub/src/model/alarm.js'
import type { AlarmClass } from '../../../hub/src/model/alarm-class.js'
import type { Incident } from '../../../hub/src/model/incident.js'
import type { ShiftWindow } from '../../../hub/src/model/report.js'
import { alarmAt, alarmFigures, incidentFigures, notificationFigures } from '../../../hub/src/reports/alarm-figures.js'
import { shiftFigures, type FigureSources, type StackHours } from '../../../hub/src/reports/report-figures.js'

const at = (local: string): number => Date.parse(`${local}+08:00`)
/** The day shift of 2026-12-07, 08:00–20:00 Shanghai. */
const FROM = at('2026-12-07T08:00')
const TO = at('2026-12-07T20:00')
const shift: ShiftWindow = { id: 'day', name: '白班', start: '08:00', end: '20:00', day: '2026-12-07', from: FROM, to: TO, source: 'park', timezone: 'Asia/Shanghai' }

type Step = [string, AlarmAction, (AlarmLevel | undefined)?, string?]
function alarm(id: string, o: { level: AlarmLevel; class?: AlarmClass; type?: string; device?: string; steps: Step[]; devices?: string[] }): Alarm {
  const history: AlarmStep[] = o.steps.map(([t, action, level, code]) => ({
    ts: at(t), actor: 'x', action, ...(level ? { level } : {}), ...(code ? { messages: [{ code, params: { channel: 'vtc-wecom' } }], channel: 'vtc-wecom' } : {}),
  }))
  const last = history[history.length - 1]!
  const closed = history.some((s) => s.action === 'close')
  return {
    id, rule: 'setpoint', type: o.type ?? 'gas_high', class: o.class ?? 'life-safety', level: o.level, peakLevel: o.level, currentLevel: o.level,
    latching: false, latched: false, park: 'vtc', enterprise: 'vtc-ti01', area: undefined, device: o.device ?? `dev-${id}`, metric: 'lel', value: 30, threshold: 25,
    overRange: false, raisedAt: history[0]!.ts, updatedAt: last.ts, condition: 'active', ack: 'unacked', workflow: closed ? 'closed' : 'open',
    shelvedUntil: undefined, suppressed: false, outOfService: false, chattering: false, assignee: undefined, incident: undefined, cause: undefined, action: undefined,
    history, ...(o.devices ? { devices: o.devices } : {}),
  }
}

/**
 * The fixed set: what the duty officer of the day shift 2026-12-07 lived through.
 * a1 red, raised in the shift, acknowledged, cleared, closed in the shift (raised, acked; not open).
 * a2 yellow, raised the night before, acknowledged in the shift, still active (open, standing, not raised).
 * a3 orange, raised in the shift, escalated to red, never acknowledged, still active; two notifications, one failed.
 * a4 blue energy alarm raised in the shift, cleared, not closed (open, not standing).
 * a5 red, raised and closed the day before (outside: not counted).
 * a6 yellow, raised after the shift (outside).
 * a7 device-health offline alarm of device d7, raised in the shift, still active (faulted device).
 * a8 orange, raised in the shift and closed after it: open at the shift's handover.
 */
const ALARMS: Alarm[] = [
  alarm('a1', { level: 1, steps: [['2026-12-07T09:00', 'raise', 1], ['2026-12-07T09:05', 'ack'], ['2026-12-07T09:30', 'clear'], ['2026-12-07T10:00', 'close']] }),
  alarm('a2', { level: 3, steps: [['2026-12-07T02:00', 'raise', 3], ['2026-12-07T08:30', 'ack']] }),
  alarm('a3', { level: 1, steps: [['2026-12-07T11:00', 'raise', 2], ['2026-12-07T11:01', 'notify', undefined, 'notifyNote.decided'], ['2026-12-07T11:01', 'notify', undefined, 'notifyNote.sent'], ['2026-12-07T11:20', 'escalate', 1], ['2026-12-07T11:21', 'notify', undefined, 'notifyNote.failed']] }),
  alarm('a4', { level: 4, class: 'energy', type: 'energy_budget_exceeded', steps: [['2026-12-07T12:00', 'raise', 4], ['2026-12-07T13:00', 'clear']] }),
  alarm('a5', { level: 1, steps: [['2026-12-06T09:00', 'raise', 1], ['2026-12-06T09:05', 'ack'], ['2026-12-06T10:00', 'close']] }),
  alarm('a6', { level: 3, steps: [['2026-12-07T21:00', 'raise', 3]] }),
  alarm('a7', { level: 3, class: 'device-health', type: 'device_offline', device: 'd7', steps: [['2026-12-07T14:00', 'raise', 3]] }),
  alarm('a8', { level: 2, steps: [['2026-12-07T15:00', 'raise', 2], ['2026-12-07T19:00', 'clear'], ['2026-12-07T22:00', 'close']] }),
]

describe('a shift\'s alarm figures from a fixed set of alarms', () => {
  const f = alarmFigures({ alarms: ALARMS, from: FROM, to: TO, handover: TO, deviceName: (id) => (id === 'd7' ? '7号探测器' : undefined) })

  it('counts raised, acknowledged, open and standing by level and class', () => {
    expect(f.raised).toEqual({ total: 5, byLevel: { 1: 2, 2: 1, 3: 1, 4: 1 }, byClass: { 'life-safety': 3, energy: 1, 'device-health': 1 } })
    expect(f.acknowledged).toEqual({ total: 2, byLevel: { 1: 1, 2: 0, 3: 1, 4: 0 }, byClass: { 'life-safety': 2 } })
    expect(f.open).toEqual({ total: 5, byLevel: { 1: 1, 2: 1, 3: 2, 4: 1 }, byClass: { 'life-safety': 3, energy: 1, 'device-health': 1 } })
    expect(f.standing).toEqual({ total: 3, byLevel: { 1: 1, 2: 0, 3: 2, 4: 0 }, byClass: { 'life-safety': 2, 'device-health': 1 } })
  })

  it('lists the alarms open at handover, most severe then newest first, as they stood then', () => {
    expect(f.openList.map((a) => a.id)).toEqual(['a3', 'a8', 'a7', 'a2', 'a4'])
    expect(f.openList[0]).toMatchObject({ id: 'a3', level: 1, active: true, acked: false })
    expect(f.openList[1]).toMatchObject({ id: 'a8', active: false, workflow: 'open' })
    expect(f.openList.find((a) => a.id === 'a7')?.deviceName).toBe('7号探测器')
    expect(f.openListTruncated).toBe(false)
  })

  it('replays a past moment from the history: before the escalation a3 was orange', () => {
    expect(alarmAt(ALARMS[2]!, at('2026-12-07T11:10'))).toMatchObject({ exists: true, active: true, level: 2, peak: 2 })
    expect(alarmAt(ALARMS[2]!, at('2026-12-07T11:30'))).toMatchObject({ level: 1, peak: 1 })
    expect(alarmAt(ALARMS[0]!, at('2026-12-07T09:10'))).toMatchObject({ active: true, acked: true, closed: false })
    expect(alarmAt(ALARMS[5]!, TO).exists).toBe(false)
  })

  it('counts the notify steps of the shift by channel', () => {
    expect(notificationFigures(ALARMS, FROM, TO)).toEqual({ sent: 1, failed: 1, decided: 1, byChannel: { 'vtc-wecom': { sent: 1, failed: 1 } } })
  })
})

describe('a shift\'s incidents', () => {
  const inc = (id: string, openedAt: string, closedAt?: string): Incident => ({
    id, title: `事件${id}`, titleEn: `Incident ${id}`, hazard: 'gas_leak', level: 2, park: 'vtc', enterprise: 'vtc-ti01', area: undefined, state: closedAt ? 'closed' : 'open',
    openedAt: at(openedAt), openedBy: 'system', closedAt: closedAt ? at(closedAt) : undefined, summary: undefined, plan: undefined, alarms: [], devices: [],
    steps: [{ id: 's1', text: '疏散', textEn: 'Evacuate', role: undefined, done: true, doneAt: at(openedAt) + 60_000, doneBy: 'x' }, { id: 's2', text: '关阀', textEn: 'Close valve', role: undefined, done: false, doneAt: undefined, doneBy: undefined }],
    commands: [], attention: 'normal', timeline: [],
  })
  it('counts opened, closed and open at handover; leaves out those closed before and opened after', () => {
    const r = incidentFigures([inc('i1', '2026-12-07T09:00', '2026-12-07T12:00'), inc('i2', '2026-12-07T03:00'), inc('i3', '2026-12-06T09:00', '2026-12-06T10:00'), inc('i4', '2026-12-07T21:00'), inc('i5', '2026-12-07T18:00', '2026-12-07T23:00')], FROM, TO, TO)
    expect({ opened: r.opened, closed: r.closed, openAtHandover: r.openAtHandover }).toEqual({ opened: 2, closed: 1, openAtHandover: 2 })
    expect(r.list.map((i) => [i.id, i.state])).toEqual([['i5', 'open'], ['i2', 'open'], ['i1', 'closed']])
    expect(r.list[0]).toMatchObject({ stepsDone: 1, stepsTotal: 2, closedAt: null })
  })
})

describe('a shift\'s whole figures', () => {
  const sources = (o: { storeDown?: boolean } = {}): FigureSources => ({
    alarms: () => ALARMS,
    incidents: () => [],
    devices: () => [
      { id: 'd7', name: '7号探测器', kind: 'gas', enterprise: 'vtc-ti01', online: false, lastSeen: at('2026-12-07T13:58') },
      { id: 'd8', name: '8号', kind: 'gas', enterprise: 'vtc-ti01', online: true, lastSeen: at('2026-12-07T19:59') },
      { id: 'd9', name: '9号', kind: 'fire', enterprise: 'vtc-ti01', online: false, lastSeen: null },
    ],
    stackHours: async () => {
      if (o.storeDown) throw new Error('connect ECONNREFUSED 127.0.0.1:8086')
      const stack: StackHours = { device: 's1', name: '1号排口', hours: [
        { start: at('2026-12-07T09:00'), metrics: { so2: { exceeded: true, corrected: 120, measured: 100, limit: 100 }, nox: { exceeded: false, corrected: 50, measured: 40, limit: 150 } } },
        { start: at('2026-12-07T10:00'), metrics: { so2: { exceeded: false, corrected: 80, measured: 70, limit: 100 } } },
      ] }
      return [stack]
    },
    energyUse: async () => ({ parkTce: 6, enterprises: [{ id: 'e1', tce: 4 }, { id: 'e2', tce: 2 }] }),
    budgets: () => ({ park: { id: 'vtc', name: '园区', nameEn: 'Park', dailyTce: 20 }, enterprises: [{ id: 'e1', name: '甲', nameEn: 'A', dailyTce: 6 }, { id: 'e2', name: '乙', nameEn: 'B', dailyTce: undefined }] }),
  })

  it('lists offline and faulted devices, exceedances, and energy against the day\'s budget pro-rated to the shift', async () => {
    const f = await shiftFigures(sources(), 'vtc', shift, at('2026-12-07T21:00'))
    expect(f.handover).toBe(TO)
    expect(f.devices).toMatchObject({ total: 3, neverSeen: 1 })
    expect(f.devices.offline.map((d) => d.id)).toEqual(['d7'])
    expect(f.devices.faulted).toEqual([expect.objectContaining({ id: 'd7', reasons: ['device_offline'] })])
    expect(f.emissions).toEqual({ available: true, stacks: 1, exceedances: [{ device: 's1', deviceName: '1号排口', metric: 'so2', hour: at('2026-12-07T09:00'), value: 120, limit: 100 }] })
    // A 12-hour shift: half of the day's 20 tce is 10; 6 used is 60 %.
    expect(f.energy).toEqual({
      available: true,
      park: { id: 'vtc', name: '园区', nameEn: 'Park', tce: 6, budgetTce: 10, share: 0.6 },
      enterprises: [{ id: 'e1', name: '甲', nameEn: 'A', tce: 4, budgetTce: 3, share: 1.3333 }, { id: 'e2', name: '乙', nameEn: 'B', tce: 2, budgetTce: null, share: null }],
    })
  })

  it('a shift still running is told as of now; a store that does not answer is said, not fatal', async () => {
    const now = at('2026-12-07T13:30')
    const f = await shiftFigures(sources({ storeDown: true }), 'vtc', shift, now)
    expect(f.handover).toBe(now)
    expect(f.emissions).toEqual({ available: false, error: 'connect ECONNREFUSED 127.0.0.1:8086' })
    expect(f.energy.available).toBe(true)
    // At 13:30 a7 (14:00) and a8 (15:00) were not yet raised; a4 had cleared at 13:00.
    expect(f.alarms.raised.total).toBe(3)
    expect(f.alarms.standing.total).toBe(2)
    expect(f.devices.faulted).toEqual([])
  })
})
