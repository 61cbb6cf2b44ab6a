import type { AlarmBook } from '../alarms/index.js'
import { isAlarmActionError } from '../alarms/index.js'
import { ACTIONS, perform, type ActionName } from '../api/routes/alarms.js'
import { HttpError } from '../api/errors.js'
import type { ActionHandler } from './action-bridge.js'
import { ALARM_OP, INCIDENT_OP } from './cluster-view.js'
import { isIncidentError, type IncidentManager } from '../response/index.js'
import type { Incident } from '../model/incident.js'
import { parkReads, READ_OP } from './remote-history.js'

/**
 * The owner's side of operator actions from other nodes (cluster-view.ts): `alarm.<action>` with
 * `{ id, body }` runs the alarm action as the API does on the owner's own alarm book;
 * `incident.<action>` with the route's `{ params, body }` (checked by the route on the node the
 * operator spoke to) the incident action on its incident manager. Answered once the change is
 * durable (this node's logs and the park's fenced log), as the API answers. `read.<what>`: the
 * park's closed alarms and incidents for the other nodes' lists (remote-history.ts).
 */
export function parkActions(park: string, o: { alarms: AlarmBook; incidents: IncidentManager; durable: (park: string) => Promise<void> }): ActionHandler {
  return async (a) => {
    if (a.op.startsWith(READ_OP)) return parkReads(park, o, a.op, a.body)
    if (a.op.startsWith(INCIDENT_OP)) return incidentAction(park, o, a.op.slice(INCIDENT_OP.length), a.user, a.body)
    if (!a.op.startsWith(ALARM_OP)) throw new HttpError(400, `unknown action ${a.op}`, 'BAD_REQUEST')
    const name = a.op.slice(ALARM_OP.length) as ActionName
    if (!ACTIONS.includes(name)) throw new HttpError(400, `unknown alarm action ${name}`, 'BAD_REQUEST')
    const { id, body } = (a.body ?? {}) as { id?: unknown; body?: unknown }
    const alarm = typeof id === 'string' ? o.alarms.get(id) : undefined
    if (!alarm || alarm.park !== park) throw new HttpError(404, `alarm ${String(id)} not found in park ${park}`)
    if (typeof a.user !== 'string') throw new HttpError(400, 'an alarm action needs the acting user', 'BAD_REQUEST')
    try {
      const done = perform(o.alarms, name, alarm.id, a.user, (body ?? {}) as Parameters<typeof perform>[4])
      await o.durable(park)
      return done
    } catch (err) {
      if (isAlarmActionError(err)) throw new HttpError(err.statusCode, err.message)
      throw err
    }
  }
}

type Args = { params?: { id?: string; step?: string; command?: string }; body?: Record<string, unknown> | null }

async function incidentAction(park: string, o: { incidents: IncidentManager; durable: (park: string) => Promise<void> }, action: string, user: unknown, raw: unknown): Promise<Incident> {
  if (typeof user !== 'string') throw new HttpError(400, 'an incident action needs the acting user', 'BAD_REQUEST')
  const { params = {}, body } = (raw ?? {}) as Args
  const b = (body ?? {}) as never
  const id = params.id ?? ''
  if (action !== 'open' && o.incidents.get(id)?.park !== park) throw new HttpError(404, `incident ${id} not found in park ${park}`)
  const m = o.incidents
  const run = (): Incident => {
    switch (action) {
      case 'open': return m.open(user, b)
      case 'step': return m.completeStep(id, params.step ?? '', user, b)
      case 'command': return m.sendCommand(id, user, b)
      case 'command.confirm': return m.confirmCommand(id, params.command ?? '', user, b)
      case 'command.dismiss': return m.dismissCommand(id, params.command ?? '', user, b)
      case 'add_alarm': return m.addAlarm(id, String((body ?? {}).alarm), user)
      case 'comment': return m.comment(id, user, String((body ?? {}).note))
      case 'close': return m.close(id, user, String((body ?? {}).summary))
      default: throw new HttpError(400, `unknown incident action ${action}`, 'BAD_REQUEST')
    }
  }
  try {
    const done = run()
    await o.durable(park)
    return done
  } catch (err) {
    if (isIncidentError(err)) throw new HttpError(err.statusCode, err.message)
    throw err
  }
}
