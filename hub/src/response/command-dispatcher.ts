/**
 * Hands confirmed commands to the CommandPort, each with its expiry (`expiresAt`, a device
 * must not act on it later), and reports how each went. A send never throws to the manager:
 * success becomes `onResult(incident, command)`, a synchronous throw or a rejection
 * `onResult(incident, command, reason)`, which the manager records in the command's state,
 * `result` and the timeline.
 */
import type { Device } from '../model/device.js'
import type { IncidentCommand } from '../model/incident.js'
import type { CommandPort } from './types.js'

const MAX_REASON = 200

export class CommandDispatcher {
  readonly #pending = new Set<Promise<void>>()

  constructor(
    private readonly port: CommandPort,
    private readonly onResult: (incident: string, command: string, failure?: string) => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  dispatch(incident: string, device: Device, command: IncidentCommand): void {
    let sent: Promise<void>
    try {
      const payload = { id: command.id, command: command.command, params: structuredClone(command.params), expiresAt: command.expiresAt ?? 0 }
      sent = Promise.resolve(this.port.send(device, command.topic, payload))
    } catch (err) {
      sent = Promise.reject(err)
    }
    const report = (failure?: string): void => {
      try {
        this.onResult(incident, command.id, failure)
      } catch (e) {
        this.onError(e)
      }
    }
    const tracked = sent.then(
      () => report(),
      (err: unknown) => report((err instanceof Error ? err.message : String(err)).slice(0, MAX_REASON) || 'send failed'),
    )
    this.#pending.add(tracked)
    void tracked.finally(() => this.#pending.delete(tracked))
  }

  /** Resolves when every send so far has settled and its result been reported. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending])
  }
}
