/**
 * A Map whose readers re-run when it changes, with one signal for the whole map. A batch of
 * writes (a snapshot of 1,000 alarms, a telemetry batch, 10,000 device states) notifies once,
 * and a reader that looks up 10,000 keys holds one dependency instead of 10,000 — unlike
 * svelte/reactivity's SvelteMap, which keeps a signal per key and notifies on every write.
 * The price: a reader of one key re-runs when any key changes, so readers keep their work small.
 */
export class BatchMap<K, V> implements ReadonlyMap<K, V> {
  #map = new Map<K, V>()
  #version = $state(0)

  /** Changes on every write; reading it makes the reader depend on the whole map. */
  get version(): number {
    return this.#version
  }

  get size(): number {
    void this.#version
    return this.#map.size
  }

  get(key: K): V | undefined {
    void this.#version
    return this.#map.get(key)
  }

  has(key: K): boolean {
    void this.#version
    return this.#map.has(key)
  }

  keys(): MapIterator<K> {
    void this.#version
    return this.#map.keys()
  }

  values(): MapIterator<V> {
    void this.#version
    return this.#map.values()
  }

  entries(): MapIterator<[K, V]> {
    void this.#version
    return this.#map.entries()
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries()
  }

  forEach(fn: (value: V, key: K, map: ReadonlyMap<K, V>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this)
  }

  set(key: K, value: V): this {
    this.#map.set(key, value)
    this.#version++
    return this
  }

  delete(key: K): boolean {
    const had = this.#map.delete(key)
    if (had) this.#version++
    return had
  }

  clear(): void {
    if (this.#map.size === 0) return
    this.#map.clear()
    this.#version++
  }

  /** Many writes, one notification: `write` changes the underlying map and says whether it did. */
  batch(write: (map: Map<K, V>) => boolean): void {
    if (write(this.#map)) this.#version++
  }
}
