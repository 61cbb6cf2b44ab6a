/**
 * The incidents a manager holds, in the order opened, indexed by alarm (the latest incident
 * holding each), and their saved state: `fromState(snapshot())` holds the same incidents again.
 */
import type { Incident } from '../model/incident.js'
import { IncidentError } from './errors.js'
import { copyIncident } from './incident-copy.js'
import { incidentsOf } from './incident-query.js'
import type { IncidentManagerState } from './types.js'

export class IncidentBook {
  /** id → incident, in the order opened. */
  readonly #incidents = new Map<string, Incident>()
  /** alarm id → the latest incident holding it. */
  readonly #byAlarm = new Map<string, string>()

  get size(): number {
    return this.#incidents.size
  }

  has(id: string): boolean {
    return this.#incidents.has(id)
  }

  get(id: string): Incident | undefined {
    return this.#incidents.get(id)
  }

  /** The incident, or IncidentError not_found. */
  find(id: string): Incident {
    const inc = typeof id === 'string' ? this.#incidents.get(id) : undefined
    if (!inc) throw new IncidentError('not_found', `incident ${String(id)} not found`, { incident: id })
    return inc
  }

  values(): IterableIterator<Incident> {
    return this.#incidents.values()
  }

  add(inc: Incident): void {
    this.#incidents.set(inc.id, inc)
  }

  /** The latest incident holding the alarm, open or closed. */
  holderOf(alarmId: string): Incident | undefined {
    const id = this.#byAlarm.get(alarmId)
    return id === undefined ? undefined : this.#incidents.get(id)
  }

  /** The alarm's latest incident is now `incidentId`. */
  index(alarmId: string, incidentId: string): void {
    this.#byAlarm.set(alarmId, incidentId)
  }

  snapshot(): IncidentManagerState {
    return { version: 1, incidents: [...this.#incidents.values()].map(copyIncident) }
  }

  /** A book holding the incidents of a saved state, checked first; throws on a bad state. */
  static fromState(state: IncidentManagerState): IncidentBook {
    const book = new IncidentBook()
    for (const inc of incidentsOf(state)) {
      book.#incidents.set(inc.id, inc)
      for (const a of inc.alarms) book.#byAlarm.set(a, inc.id) // opening order: the last holder is the latest
    }
    return book
  }
}
