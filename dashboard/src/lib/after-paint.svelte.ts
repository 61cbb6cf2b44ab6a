/**
 * A value that follows `read()` once the browser has painted the frame it changed in (a frame,
 * then a task). What reacts to the change at once paints first — the ring around the device
 * just clicked — and what is built from the follower (a panel, a thousand plan marks) is built
 * in a task of its own instead of lengthening the click's. Create it while a component starts.
 */
export function afterPaint<T>(read: () => T, initial: T = read()): { readonly current: T } {
  let current = $state.raw(initial)
  $effect(() => {
    const next = read()
    let timer: ReturnType<typeof setTimeout> | undefined
    const frame = requestAnimationFrame(() => (timer = setTimeout(() => (current = next))))
    return () => {
      cancelAnimationFrame(frame)
      clearTimeout(timer)
    }
  })
  return {
    get current() {
      return current
    },
  }
}
