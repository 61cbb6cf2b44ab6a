import type { AlarmBook } from '../alarms/index.js'
import { isAlarmActionError } from '../alarms/index.js'
import { ACTIONS, perform, type ActionName } from '../api/routes/alarms.js'
import { HttpError } from '../api/errors.js'
import type { ActionHandler } from './action-bridge.js'
import { ALARM_OP } from './cluster-view.js'

/**
 * The owner's side of operator actions from other nodes (cluster-view.ts): `alarm.<action>` with
 * `{ id, body }` runs the alarm action as the API does on the owner's own alarm book, answers once
 * the change is durable (this node's alarm log and the park's fenced log), as the API answers.
 */
export function parkActions(park: string, o: { alarms: AlarmBook; durable: (park: string) => Promise<void> }): ActionHandler {
  return async (a) => {
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
