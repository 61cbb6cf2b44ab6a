/**
 * Checks of operator input, throwing IncidentError (missing_field, invalid_field, not_found) so
 * the API can answer 400 / 404 with a message safe to show.
 */
import type { AlarmLevel } from '../model/alarm.js'
import { DEVICE_COMMANDS, HAZARDS, type DeviceCommand, type Hazard } from '../model/response-plan.js'
import { IncidentError } from './errors.js'
import { findArea, findEnterprise, findPark, type ZoneParks } from './place.js'
import type { CommandInput, OpenInput } from './types.js'

const MAX_TEXT = 4000

/** A trimmed text field; `undefined` when absent or blank and not required. */
export function text(value: unknown, field: string, required: boolean, incident?: string): string | undefined {
  if (value !== undefined && value !== null && typeof value !== 'string') {
    throw new IncidentError('invalid_field', `${field} must be a string`, { field, incident })
  }
  const t = typeof value === 'string' ? value.trim() : ''
  if (t === '') {
    if (required) throw new IncidentError('missing_field', `${field} is required`, { field, incident })
    return undefined
  }
  if (t.length > MAX_TEXT) throw new IncidentError('invalid_field', `${field} is longer than ${MAX_TEXT} characters`, { field, incident })
  return t
}

export function actorOf(actor: unknown, incident?: string): string {
  return text(actor, 'actor', true, incident) as string
}

export interface CheckedOpen {
  park: string
  area: string | undefined
  enterprise: string | undefined
  hazard: Hazard
  level: AlarmLevel
  title: string | undefined
  titleEn: string | undefined
  alarms: string[]
}

export function checkOpenInput(zone: ZoneParks, input: OpenInput | undefined): CheckedOpen {
  const i = input ?? {}
  const parkId = text(i.park, 'park', true) as string
  const park = findPark(zone, parkId)
  if (!park) throw new IncidentError('not_found', `park ${parkId} not found`, { field: 'park' })
  const area = text(i.area, 'area', false)
  const areaDef = area !== undefined ? findArea(park, area) : undefined
  if (area !== undefined && !areaDef) throw new IncidentError('not_found', `area ${area} not found in park ${parkId}`, { field: 'area' })
  let enterprise = text(i.enterprise, 'enterprise', false)
  if (enterprise !== undefined && !findEnterprise(park, enterprise)) {
    throw new IncidentError('not_found', `enterprise ${enterprise} not found in park ${parkId}`, { field: 'enterprise' })
  }
  if (enterprise !== undefined && areaDef?.enterprise !== undefined && areaDef.enterprise !== enterprise) {
    throw new IncidentError('invalid_field', `area ${area} belongs to enterprise ${areaDef.enterprise}`, { field: 'enterprise' })
  }
  enterprise ??= areaDef?.enterprise
  if (i.hazard === undefined || i.hazard === null || i.hazard === '') {
    throw new IncidentError('missing_field', 'hazard is required', { field: 'hazard' })
  }
  if (!(HAZARDS as readonly unknown[]).includes(i.hazard)) {
    throw new IncidentError('invalid_field', `hazard must be one of ${HAZARDS.join(', ')}`, { field: 'hazard' })
  }
  if (i.level === undefined || i.level === null) throw new IncidentError('missing_field', 'level is required', { field: 'level' })
  if (!Number.isInteger(i.level) || i.level < 1 || i.level > 4) {
    throw new IncidentError('invalid_field', 'level must be 1, 2, 3 or 4', { field: 'level' })
  }
  const alarms = i.alarms ?? []
  if (!Array.isArray(alarms) || alarms.some((a) => typeof a !== 'string' || a.trim() === '')) {
    throw new IncidentError('invalid_field', 'alarms must be a list of alarm ids', { field: 'alarms' })
  }
  return {
    park: parkId,
    area,
    enterprise,
    hazard: i.hazard as Hazard,
    level: i.level as AlarmLevel,
    title: text(i.title, 'title', false),
    titleEn: text(i.titleEn, 'titleEn', false),
    alarms: [...new Set(alarms.map((a) => a.trim()))],
  }
}

export interface CheckedCommand {
  device: string
  command: DeviceCommand
  params: Record<string, unknown>
}

export function checkCommandInput(input: CommandInput | undefined, incident: string): CheckedCommand {
  const i = input ?? {}
  const device = text(i.device, 'device', true, incident) as string
  const command = text(i.command, 'command', true, incident) as string
  if (!(DEVICE_COMMANDS as readonly string[]).includes(command)) {
    throw new IncidentError('invalid_field', `command must be one of ${DEVICE_COMMANDS.join(', ')}`, { field: 'command', incident })
  }
  const params = i.params ?? {}
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new IncidentError('invalid_field', 'params must be an object', { field: 'params', incident })
  }
  let copy: Record<string, unknown>
  try {
    copy = JSON.parse(JSON.stringify(params)) as Record<string, unknown>
  } catch {
    throw new IncidentError('invalid_field', 'params must be plain JSON', { field: 'params', incident })
  }
  return { device, command: command as DeviceCommand, params: copy }
}
