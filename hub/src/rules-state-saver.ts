import { CachedJson } from './journal/json-in-slices.js'
import type { StateLog } from './journal/state-log.js'
import type { RulesEngine, RulesState } from './rules/engine.js'

/** A deadman state this large (JSON characters; ≈ 10,000 devices offline) is rewritten at most every DEADMAN_LARGE_EVERY_MS. */
const DEADMAN_LARGE_CHARS = 1_000_000
const DEADMAN_LARGE_EVERY_MS = 60_000

/**
 * The rules state on disk for a restart (safety-loop.ts restores it with a grace time).
 *
 * `saveAsync` every 10 s, without blocking the event loop on the disk: the deadman's part
 * without the last-seen times of devices not offline, kept as text until it changes
 * (rules/deadman.ts `restartState`). A whole 100,000-device zone's state took 160 – 200 ms of
 * CPU to write in slices every 10 s; nothing is written when nothing changed. A large deadman
 * part (tens of thousands of devices offline) is written again at most once a minute while it
 * keeps changing: during a mass timeout of 82,000 devices its 4.5 MB were rewritten every 10 s,
 * the most garbage the hub made (allocation profile) and the collector's pauses after it. After
 * a crash (`save` at a clean stop writes everything) such a state may then be up to a minute
 * old: a device gone offline in that minute times out again after the restart's grace time (its
 * alarm is the one still open), one back in that minute clears with its next reading.
 */
export class RulesStateSaver {
  private saving = false
  /** The deadman's part, written again only when a device went offline or came back. */
  private readonly deadmanJson = new CachedJson()

  constructor(
    private readonly rules: RulesEngine,
    private readonly log: StateLog<RulesState, never>,
    private readonly warn: (err: Error) => void,
  ) {}

  async saveAsync(): Promise<void> {
    if (this.saving) return
    this.saving = true
    try {
      const large = this.deadmanJson.length > DEADMAN_LARGE_CHARS
      const deadman = await this.deadmanJson.of(this.rules.deadmanVersion, () => this.rules.deadmanForRestart(), large ? DEADMAN_LARGE_EVERY_MS : 0)
      await this.log.snapshotAsync({ ...this.rules.state(), deadman })
    } catch (err) {
      this.warn(err as Error)
    } finally {
      this.saving = false
    }
  }

  /** The whole state, exactly (a clean stop). */
  save(): void {
    try {
      this.log.compact(this.rules.snapshot())
    } catch (err) {
      this.warn(err as Error)
    }
  }
}
