/**
 * Hands recorded commands to the CommandPort and reports the ones that fail. A send never
 * throws to the manager: a synchronous throw or a rejection becomes `onFailure(incident,
 * command, reason)`, which the manager records in the command's `result` and the timeline.
 */
import type { Device } from '../model/device.js'
import type { IncidentCommand } from '../model/incident.js'
import type { CommandPort } from './types.js'

const MAX_REASON = 200

export class CommandDispatcher {
  readonly #pending = new Set<Promise<void>>()

  constructor(
    private readonly port: CommandPort,
    private readonly onFailure: (incident: string, command: string, reason: string) => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  dispatch(incident: string, device: Device, command: IncidentCommand): void {
    let sent: Promise<void>
    try {
      const payload = { id: command.id, command: command.command, params: structuredClone(command.params) }
      sent = Promise.resolve(this.port.send(device, command.topic, payload))
    } catch (err) {
      sent = Promise.reject(err)
    }
    const tracked = sent.then(
      () => undefined,
      (err: unknown) => {
        const reason = (err instanceof Error ? err.message : String(err)).slice(0, MAX_REASON) || 'send failed'
        try {
          this.onFailure(incident, command.id, reason)
        } catch (e) {
          this.onError(e)
        }
      },
    )
    this.#pending.add(tracked)
    void tracked.finally(() => this.#pending.delete(tracked))
  }

  /** Resolves when every send so far has settled and its failure, if any, been reported. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending])
  }
}
