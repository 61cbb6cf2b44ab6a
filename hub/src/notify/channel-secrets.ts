import { chmod, mkdir, open, readFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { inspect } from 'node:util'
import type { ChannelSecret } from './types.js'
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../config/private-files.js'

/**
 * The channels' keys and signing secrets, kept in `<dataDir>/notify/secrets.json` (0600, in a
 * 0700 dir: CWE-732), `{ [channelId]: { key?, secret? } }`. Set by an admin through the API
 * (`set`), or taken from the environment at start (`fromEnv`, for the demo and containers:
 * held in memory only, never written). Nothing here ever leaves as a value: `describe()` says
 * which channels have what, and the object prints and serialises as that description, so a
 * secret cannot reach a log or an API reply by accident. `values()` lists every secret so
 * delivery can scrub them from any error text.
 */
export interface SecretSource {
  get(channelId: string): ChannelSecret | undefined
  /** Every key and secret held, to be scrubbed from texts (delivery's errors and logs). */
  values(): string[]
  /** Called with a channel's id when its secret changes (delivery ends that channel's back-off). */
  onChange?(listener: (channelId: string) => void): () => void
}

/** A secret refused: too long, or holding control characters. */
export class SecretInputError extends Error {
  readonly code = 'BAD_REQUEST'
  constructor(message: string) {
    super(message)
    this.name = 'SecretInputError'
  }
}

const MAX_LENGTH = 1024

function checked(field: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string') throw new SecretInputError(`${field} must be a string`)
  if (value.length > MAX_LENGTH) throw new SecretInputError(`${field} is longer than ${MAX_LENGTH} characters`)
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new SecretInputError(`${field} holds control characters`)
  return value
}

/**
 * Cluster mode (cluster/shared-settings.ts): a channel's new key and secret are written to the
 * cluster's bucket, which applies them on every node (`applyStored`) before the write resolves.
 */
export type SecretsShare = (channelId: string, given: { key?: string; secret?: string }) => Promise<void>

export class ChannelSecrets implements SecretSource {
  private share: SecretsShare | undefined
  private readonly stored = new Map<string, ChannelSecret>()
  private readonly env = new Map<string, ChannelSecret>()
  private writing: Promise<void> = Promise.resolve()
  private readonly listeners = new Set<(channelId: string) => void>()

  private constructor(private readonly path: string) {}

  static fileIn(dataDir: string): string {
    return join(dataDir, 'notify', 'secrets.json')
  }

  /** The secrets kept in `dataDir` (none when the file does not exist yet). */
  static async load(dataDir: string): Promise<ChannelSecrets> {
    const s = new ChannelSecrets(ChannelSecrets.fileIn(dataDir))
    let text: string | undefined
    try {
      text = await readFile(s.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    if (text !== undefined) {
      await chmod(s.path, PRIVATE_FILE_MODE)
      const parsed: unknown = JSON.parse(text)
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${s.path}: not an object of channel secrets`)
      for (const [id, v] of Object.entries(parsed as Record<string, Record<string, unknown>>)) {
        const key = checked('key', v?.key)
        const secret = checked('secret', v?.secret)
        s.stored.set(id, { ...(key ? { key } : {}), ...(secret ? { secret } : {}) })
      }
    }
    return s
  }

  /** The secret delivery signs with: the environment's over the file's, field by field. */
  get(channelId: string): ChannelSecret | undefined {
    const file = this.stored.get(channelId)
    const env = this.env.get(channelId)
    if (!file && !env) return undefined
    const key = env?.key ?? file?.key
    const secret = env?.secret ?? file?.secret
    return { ...(key ? { key } : {}), ...(secret ? { secret } : {}) }
  }

  has(channelId: string): boolean {
    const s = this.get(channelId)
    return Boolean(s?.key || s?.secret)
  }

  /**
   * An admin's new key and/or secret for a channel, on disk (atomically, 0600) when this
   * resolves. A field left out keeps its value; both left out removes the channel's entry.
   */
  async set(channelId: string, input: { key?: unknown; secret?: unknown }): Promise<void> {
    const key = checked('key', input.key)
    const secret = checked('secret', input.secret)
    const before = this.stored.get(channelId) ?? {}
    // A field left out keeps its value (the cluster's, merged there); both left out remove the entry.
    if (this.share) return this.share(channelId, { ...(key ? { key } : {}), ...(secret ? { secret } : {}) })
    if (key === undefined && secret === undefined) this.stored.delete(channelId)
    else this.stored.set(channelId, { ...before, ...(key ? { key } : {}), ...(secret ? { secret } : {}) })
    await this.save()
    for (const l of this.listeners) l(channelId)
  }

  /** Cluster mode: `set` goes through `share`. */
  shareWith(share: SecretsShare): void {
    this.share = share
  }

  /** A channel's stored key and secret as the cluster holds them (undefined: none), kept here; listeners told. */
  async applyStored(channelId: string, entry: ChannelSecret | undefined): Promise<void> {
    const key = checked('key', entry?.key)
    const secret = checked('secret', entry?.secret)
    if (key === undefined && secret === undefined) this.stored.delete(channelId)
    else this.stored.set(channelId, { ...(key ? { key } : {}), ...(secret ? { secret } : {}) })
    for (const l of this.listeners) l(channelId)
    await this.save()
  }

  /** The channels with a stored key or secret (a cluster's bucket never seeded takes them). */
  storedIds(): string[] {
    return [...this.stored.keys()]
  }

  /** A channel's stored entry (not the environment's): for seeding a cluster's bucket only. */
  storedEntry(channelId: string): ChannelSecret | undefined {
    const s = this.stored.get(channelId)
    return s ? { ...s } : undefined
  }

  onChange(listener: (channelId: string) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * A channel's key and secret from environment variables (the zone file's `keyEnv` /
   * `secretEnv`), in memory only. Returns whether any was found.
   */
  fromEnv(channelId: string, names: { keyEnv?: string | undefined; secretEnv?: string | undefined }, env: NodeJS.ProcessEnv = process.env): boolean {
    const key = names.keyEnv ? checked(names.keyEnv, env[names.keyEnv]) : undefined
    const secret = names.secretEnv ? checked(names.secretEnv, env[names.secretEnv]) : undefined
    if (key === undefined && secret === undefined) return false
    this.env.set(channelId, { ...(key ? { key } : {}), ...(secret ? { secret } : {}) })
    return true
  }

  values(): string[] {
    const out: string[] = []
    for (const m of [this.stored, this.env]) for (const s of m.values()) for (const v of [s.key, s.secret]) if (v) out.push(v)
    return out
  }

  /** Which channels have a key and a secret (never the values). */
  describe(): Record<string, { hasKey: boolean; hasSecret: boolean }> {
    const out: Record<string, { hasKey: boolean; hasSecret: boolean }> = {}
    for (const id of new Set([...this.stored.keys(), ...this.env.keys()])) {
      const s = this.get(id)
      out[id] = { hasKey: Boolean(s?.key), hasSecret: Boolean(s?.secret) }
    }
    return out
  }

  toJSON(): Record<string, { hasKey: boolean; hasSecret: boolean }> {
    return this.describe()
  }

  [inspect.custom](): string {
    return `ChannelSecrets ${JSON.stringify(this.describe())}`
  }

  /** One write at a time, in order: the last `set` is what the file holds. */
  private save(): Promise<void> {
    const text = JSON.stringify(Object.fromEntries(this.stored), null, 1)
    this.writing = this.writing.catch(() => undefined).then(() => this.writeAtomically(text))
    return this.writing
  }

  private async writeAtomically(text: string): Promise<void> {
    await mkdir(join(this.path, '..'), { recursive: true, mode: PRIVATE_DIR_MODE })
    const tmp = `${this.path}.tmp`
    const fh = await open(tmp, 'w', PRIVATE_FILE_MODE)
    try {
      await fh.writeFile(text)
      await fh.sync()
    } finally {
      await fh.close()
    }
    await rename(tmp, this.path)
  }
}

/**
 * `text` with every secret in `values` (as is, and as a URL would carry it) replaced by ***:
 * for errors and log lines that might quote a request (a transport error naming its URL, a
 * gateway echoing what it signed). Values under 4 characters are left alone (they would
 * garble the text and protect nothing).
 */
export function scrubSecrets(text: string, values: readonly string[]): string {
  let out = text
  for (const v of values) {
    if (v.length < 4) continue
    for (const form of new Set([v, encodeURIComponent(v), new URLSearchParams({ v }).toString().slice(2)])) out = out.split(form).join('***')
  }
  return out
}
