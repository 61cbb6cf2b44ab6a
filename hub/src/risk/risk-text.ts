/**
 * Reason texts for the four-colour risk level as messages of the one dictionary
 * (model/messages): "what · where", e.g. `可燃气体达到二级报警值 · 氯化车间` /
 * `Combustible gas at the second alarm set point · chlorination unit`. Gas alarm stages are
 * GB/T 50493-2019's: 一级 (first level) and 二级 (second level); the default alarm levels of
 * DOMAIN.md map second level → red (1), first level → orange (2).
 */
import type { Alarm } from '../model/alarm.js'
import type { Device } from '../model/device.js'
import { bilingual, MESSAGES, msg, type LocalName, type Message, type MessageCode } from '../model/messages/index.js'
import type { Park } from '../model/zone.js'

/** A reason's message and its text in zh-CN and English, rendered from it. */
export interface Bilingual {
  text: string
  textEn: string
  message: Message
}

export function said(message: Message): Bilingual {
  return { ...bilingual(message), message }
}

function known(code: string): code is MessageCode {
  return Object.hasOwn(MESSAGES['zh-CN'], code)
}

function substance(metric: string | undefined): Message | undefined {
  const code = `substance.${metric}`
  return metric !== undefined && known(code) ? msg(code) : undefined
}

/** Types whose risk reason says more than the type's name: a monitoring gap (GB/T 50493 §3.0.3). */
const RISK_TYPES: Readonly<Record<string, MessageCode>> = {
  device_fault: 'risk.device_fault',
  out_of_service: 'risk.out_of_service',
}

/** What the alarm is, without the place. */
export function describeAlarmKind(a: Pick<Alarm, 'type' | 'metric' | 'level'>): Message {
  const what = substance(a.metric)
  if (a.type === 'gas_high' || a.type === 'gas') {
    const s = what ?? msg('substance.gas')
    if (a.level === 1) return msg('risk.gas_second_set_point', { substance: s })
    if (a.level === 2) return msg('risk.gas_first_set_point', { substance: s })
    return msg('risk.gas_alarm', { substance: s })
  }
  if (a.type === 'gas_low' && what) return msg('risk.gas_low', { substance: what })
  if (a.type === 'emission_exceedance' && what) return msg('risk.emission_exceedance', { substance: what })
  const special = RISK_TYPES[a.type]
  if (special) return msg(special)
  const typeCode = `alarmType.${a.type}`
  if (known(typeCode)) return msg(typeCode)
  // The rules' generic types: `${metric}_high`, `${metric}_low`, `${metric}_rate_of_rise`.
  const generic = /^([a-z0-9]+)_(high|low|rate_of_rise)$/.exec(a.type)
  const named = generic ? substance(generic[1]) : undefined
  if (generic && named) return msg(`risk.metric_${generic[2] as 'high' | 'low' | 'rate_of_rise'}`, { substance: named })
  return msg('risk.type_alarm', { type: a.type })
}

/** Where: the area, else the device, else the enterprise, else the device id. */
export function placeOf(
  park: Park,
  at: { area?: string | undefined; device?: string | undefined; enterprise?: string | undefined },
  device: Device | undefined,
): LocalName | string {
  const area = at.area !== undefined ? park.areas.find((x) => x.id === at.area) : undefined
  if (area) return { name: area.name, nameEn: area.nameEn }
  if (device) return { name: device.name, nameEn: device.nameEn }
  const ent = at.enterprise !== undefined ? park.enterprises.find((e) => e.id === at.enterprise) : undefined
  if (ent) return { name: ent.name, nameEn: ent.nameEn }
  return at.device ?? park.id
}

/** A latched alarm (cleared, awaiting reset; ISA-18.2 latching alarm, GB 16808 复位): what it was, and that it waits. */
export function latchedText(what: Message): Message {
  return msg('risk.latched', { what })
}

export function joinPlace(what: Message, where: LocalName | string): Bilingual {
  return said(msg('risk.at_place', { what, where }))
}

export function deviceOfflineText(device: Device): Bilingual {
  return said(msg('risk.device_offline', { device: { name: device.name, nameEn: device.nameEn } }))
}

export function moreOfflineText(count: number, where: LocalName | string): Bilingual {
  return said(msg('risk.more_offline', { count, where }))
}

/** The alarms of one level a group does not list one by one (risk-model.ts `alarmsListed`). */
export function moreAlarmsText(count: number, where: LocalName | string): Bilingual {
  return said(msg('risk.more_alarms', { count, where }))
}

/** The park's reasons of one level it does not list one by one (risk-model.ts `parkReasonsListed`). */
export function moreReasonsText(count: number): Bilingual {
  return said(msg('risk.more_reasons', { count }))
}

export function blindSpotText(offline: number, total: number, where: LocalName | string): Bilingual {
  const pct = Math.round((offline / total) * 100)
  return said(msg('risk.blind_spot', { offline, total, pct, where }))
}
