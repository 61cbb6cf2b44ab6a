/**
 * An active alarm of an incident raising its level or hazard: the more severe level, the
 * combined hazard (hazard.ts), an automatic title kept in step, and one `escalate` entry.
 */
import type { Alarm } from '../model/alarm.js'
import type { Device } from '../model/device.js'
import { msg } from '../model/messages/index.js'
import type { Hazard } from '../model/response-plan.js'
import type { Change } from './change.js'
import { combineHazards, hazardOfAlarm, moreSevere } from './hazard.js'
import { autoTitle, type ZoneParks } from './place.js'

/** Raise level and hazard for an active alarm of the incident; true when either rose (the plan is then chosen again). */
export function escalateFor(ch: Change, alarm: Alarm, actor: string, zone: ZoneParks, device: Device | undefined): boolean {
  if (alarm.condition !== 'active' || alarm.workflow === 'closed') return false
  const inc = ch.incident
  const level = moreSevere(inc.level, alarm.level)
  const hazard = combineHazards({ hazard: inc.hazard as Hazard, level: inc.level }, { hazard: hazardOfAlarm(alarm, device), level: alarm.level })
  if (level === inc.level && hazard === inc.hazard) return false
  const parts: string[] = []
  if (level !== inc.level) parts.push(`level ${inc.level} → ${level}`)
  if (hazard !== inc.hazard) parts.push(`hazard ${inc.hazard} → ${hazard}`)
  const said = level === inc.level
    ? msg('incidentNote.hazardChange', { from: inc.hazard, to: hazard, alarm: alarm.id })
    : hazard === inc.hazard
      ? msg('incidentNote.levelChange', { from: inc.level, to: level, alarm: alarm.id })
      : msg('incidentNote.levelAndHazardChange', { from: inc.level, to: level, hazardFrom: inc.hazard, hazardTo: hazard, alarm: alarm.id })
  const before = autoTitle(zone, inc.hazard as Hazard, inc)
  const titled = inc.title === before.title && inc.titleEn === before.titleEn
  inc.level = level
  inc.hazard = hazard
  if (titled) Object.assign(inc, autoTitle(zone, hazard, inc))
  ch.say(actor, 'escalate', said, `${parts.join('; ')} (alarm ${alarm.id})`)
  return true
}
