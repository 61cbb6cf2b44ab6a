/**
 * One request of an `$effect`, its answer dropped once the effect has run again or been
 * destroyed: `load` gets `current()`, true until the returned teardown (the effect's) is called.
 * A closed panel's props are gone, and a late answer that read them threw in the page
 * (dashboard e2e 07). `polling` (notify.ts) is the same for a request made again and again.
 *
 *   $effect(() => {
 *     const id = device.id
 *     return whileCurrent((current) => void api.setpoints(id).then((r) => { if (current()) … }))
 *   })
 */
export function whileCurrent(load: (current: () => boolean) => void): () => void {
  let done = false
  load(() => !done)
  return () => {
    done = true
  }
}
