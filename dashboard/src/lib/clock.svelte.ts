/**
 * One ticking clock for ages and staleness, corrected by the hub's clock (snapshot
 * serverTime) so a skewed desk clock does not make fresh data look old or old data fresh.
 */
class Clock {
  /** Hub time minus local time, ms. */
  offset = $state(0)
  #local = $state(Date.now())
  now = $derived(this.#local + this.offset)
  #timer: ReturnType<typeof setInterval> | undefined

  start(): void {
    if (this.#timer !== undefined) return
    this.#timer = setInterval(() => {
      this.#local = Date.now()
    }, 1000)
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#timer = undefined
  }

  /** Current hub time, read outside reactive contexts. */
  read(): number {
    return Date.now() + this.offset
  }
}

export const clock = new Clock()
