/**
 * A notification channel that delivery reports unhealthy (failing for minutes without a
 * success) is itself an alarm on the dashboard: rule `notify`, type `notify_channel_failed`,
 * class device-health (not a safety device, so it never colours the park's safety risk:
 * alarm-class.ts, risk-model.ts), yellow, of the channel's park (zone-wide channels: the
 * hub's own `_hub`). It clears when the channel delivers again. The alarms' own state tells
 * which are raised, so a restart clears one whose channel works again.
 */
import type { Alarm, Transition } from '../model/alarm.js'
import { ALARM_LEVEL } from '../model/alarm.js'
import type { NotifyChannel } from '../model/notify.js'

export const CHANNEL_ALARM_RULE = 'notify'
export const CHANNEL_ALARM_TYPE = 'notify_channel_failed'
const HUB_PLACE = '_hub'

export interface ChannelHealthDeps {
  channels: readonly NotifyChannel[]
  unhealthy(): string[]
  lastError(id: string): string | undefined
  /** Alarms raised before (the alarm book's open ones). */
  openAlarms(): Alarm[]
  raise(transitions: Transition[]): void
}

export function channelAlarmKey(id: string): string {
  return `notify:channel:${id}`
}

/** Returns a check to call now and then (every few seconds). */
export function channelHealthWatcher(d: ChannelHealthDeps): (now: number) => void {
  const raised = new Set<string>()
  for (const a of d.openAlarms()) {
    if (a.rule === CHANNEL_ALARM_RULE && a.type === CHANNEL_ALARM_TYPE && a.condition === 'active') raised.add(a.device.replace(/^notify-/, ''))
  }
  const byId = new Map(d.channels.map((c) => [c.id, c]))
  return (now) => {
    const failing = new Set(d.unhealthy())
    const out: Transition[] = []
    for (const id of failing) {
      if (raised.has(id) || !byId.has(id)) continue
      raised.add(id)
      out.push({ ...base(byId.get(id)!, now), kind: 'activate', message: `notification channel ${id} failing: ${d.lastError(id) ?? 'no answer'}` })
    }
    for (const id of [...raised]) {
      if (failing.has(id)) continue
      raised.delete(id)
      const c = byId.get(id) ?? { id, park: undefined }
      out.push({ ...base(c, now), kind: 'clear' })
    }
    if (out.length > 0) d.raise(out)
  }
}

function base(c: Pick<NotifyChannel, 'id' | 'park'>, now: number): Omit<Transition, 'kind'> {
  return {
    key: channelAlarmKey(c.id), rule: CHANNEL_ALARM_RULE, type: CHANNEL_ALARM_TYPE, class: 'device-health', level: ALARM_LEVEL.yellow,
    park: c.park ?? HUB_PLACE, enterprise: HUB_PLACE, area: undefined, device: `notify-${c.id}`, metric: undefined, value: undefined, threshold: undefined, ts: now,
  }
}
