/**
 * Addresses that messages carry (docs/notifications.md): `#/ack/<token>`, a personal
 * acknowledgement link — a page of its own, shown without signing in, that acknowledges nothing
 * by being opened; and `#/alarms/<id>`, the command screen with that alarm selected.
 */
class HashParam {
  /** The `<value>` of `#/<prefix>/<value>` in the address, or null. */
  value = $state<string | null>(null)

  constructor(private readonly prefix: string) {
    this.value = this.#parse(location.hash)
    addEventListener('hashchange', () => {
      this.value = this.#parse(location.hash)
    })
  }

  /** Handled: later changes elsewhere do not act on it again (until the address changes). */
  clear(): void {
    this.value = null
  }

  #parse(hash: string): string | null {
    const m = new RegExp(`^#/${this.prefix}/([^/?#]+)$`).exec(hash)
    if (m === null) return null
    try {
      return decodeURIComponent(m[1]!)
    } catch {
      return null
    }
  }
}

/** `#/ack/<token>`. */
export const ackLink = new HashParam('ack')
/** `#/alarms/<id>`, until the alarm has been selected. */
export const alarmLink = new HashParam('alarms')
