import { untrack } from 'svelte'

/**
 * A value computed from the one before it: a list handed back as the same array while its items
 * are the same (so nothing built from it is built again), a layout kept while it still fits.
 * `$derived` must stay free of side effects and has no value before it, so the value is state,
 * set by a pre-effect: before the DOM is updated, in the same flush as the state it reads, and
 * at once when created. `next` may return `before` to change nothing. Create it while a
 * component starts.
 */
export function kept<T>(next: (before: T | undefined) => T): { readonly current: T } {
  let current = $state.raw<T | undefined>(undefined)
  $effect.pre(() => {
    // Not a dependency: setting it must not run this again.
    const before = untrack(() => current)
    current = next(before)
  })
  return {
    get current() {
      return current as T
    },
  }
}
