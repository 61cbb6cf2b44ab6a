/**
 * JSON.stringify for a large state on a busy event loop: objects near the top (to MAX_DEPTH)
 * are written key by key, and whenever a slice has taken SLICE_MS the loop gets its turn
 * before the next. Deeper values are stringified whole.
 *
 * Why: the rules state of a 10,000-device zone (last-seen times, sample windows) took 50 –
 * 100 ms to copy and stringify in one piece on the bench's slow machine, every 10 s, and every
 * reading arriving meanwhile waited (bench CPU profile of the latency phase).
 *
 * The value may change between slices; each entry is written as it is when its turn comes,
 * and an entry deleted meanwhile is left out. The text is always valid JSON.
 */
const SLICE_MS = 2
const MAX_DEPTH = 3

export async function jsonInSlices(value: unknown): Promise<string> {
  if (value instanceof JsonText) return value.text
  return walks(value, 0) ? write(value, 0, { started: performance.now() }) : (JSON.stringify(value) ?? 'null')
}

/** A value already written as JSON: `jsonInSlices` puts its text in as it is. */
export class JsonText {
  constructor(readonly text: string) {}
}

/** A state whose top-level parts may each be given as JSON text already written. */
export type WithJsonText<S> = { [K in keyof S]: S[K] | JsonText }

/**
 * A part of a large state kept as JSON text while its version stays the same, written again
 * (in slices) only when the version changes. The rules' deadman part of a 100,000-device zone
 * (which devices are offline, 82,000 of them never connected) is 1 MB of JSON that changes only
 * when a device goes offline or comes back, and it was written every 10 s.
 */
export class CachedJson {
  private cached: { version: number; text: JsonText; at: number } | undefined

  /**
   * The text of `value()` at `version`: the one kept when the version is the same, or — with
   * `staleForMs` — when the kept one was written less than that long ago.
   */
  async of(version: number, value: () => unknown, staleForMs = 0): Promise<JsonText> {
    if (this.cached && (this.cached.version === version || performance.now() - this.cached.at < staleForMs)) return this.cached.text
    // The version is taken before writing: a change while it is written makes the next call write again.
    const text = new JsonText(await jsonInSlices(value()))
    this.cached = { version, text, at: performance.now() }
    return text
  }

  /** Length of the text kept, 0 before the first. */
  get length(): number {
    return this.cached?.text.text.length ?? 0
  }
}

/** Written key by key, or in one piece. */
function walks(v: unknown, depth: number): v is Record<string, unknown> {
  return depth < MAX_DEPTH && isPlainObject(v)
}

async function write(value: Record<string, unknown>, depth: number, slice: { started: number }): Promise<string> {
  const parts: string[] = []
  for (const key of Object.keys(value)) {
    if (performance.now() - slice.started >= SLICE_MS) {
      await new Promise((r) => setImmediate(r))
      slice.started = performance.now()
    }
    const v = value[key]
    const text = v instanceof JsonText ? v.text : walks(v, depth + 1) ? await write(v, depth + 1, slice) : (JSON.stringify(v) as string | undefined)
    // Left out, as JSON.stringify leaves out undefined, functions and symbols (and an entry deleted meanwhile).
    if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`)
  }
  return `{${parts.join(',')}}`
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  const proto = Object.getPrototypeOf(v) as unknown
  return proto === Object.prototype || proto === null
}
