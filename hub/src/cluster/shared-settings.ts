import type { Policy, Roster } from '../model/notify.js'
import type { ChannelSecret } from '../notify/types.js'
import type { NotifyService } from '../notify/service.js'
import { decodeJson, encodeJson, fromKeyToken, keyToken, SharedBucket, type SharedStateOptions } from './shared-bucket.js'
import { SETTINGS_BUCKET } from './subjects.js'

/**
 * Settings edited at run time, shared by every node (docs/cluster.md, "Shared registry and
 * settings"): notification rosters, policies and channel keys and secrets, and HJ 212 upstream
 * platforms' PWs, live in the bucket `hub_settings`, and every node applies them to its own
 * NotifyOverrides, ChannelSecrets and Forwarder — so whichever node owns a park notifies the
 * people on the roster set through any node, with the secret set through any node, and every
 * node forwards upstream with the PW set through any node.
 *
 * Keys: `roster.<scope>` (a Roster), `policies` (`{ policies }`, the whole ordered list),
 * `secret.<channel>` (`{ key?, secret? }`; `{}` when removed), `upstream-pw.<upstream>`
 * (`{ pw }`), `meta.seeded`, and the cluster's signing key `meta.signing-key` (signing-key.ts).
 *
 * A roster or the policies are written whole (the last writer wins, as two admins' edits on
 * one node); a channel's key and secret are merged with the bucket's present entry by
 * compare-and-set (a field left out keeps the value another node set). The API answers once the
 * bucket holds the change and this node applied it; without a NATS quorum it answers 503 with
 * nothing changed. At start the bucket's values replace this node's files (which stay as their
 * copies), except once: the first node to find the bucket never seeded copies its own edits,
 * stored secrets and upstream PWs into it. Secrets in the bucket are in JetStream's store on each NATS server —
 * as readable as the data dir's secrets.json to whoever can read that store (docs/cluster.md).
 */
export interface SharedSettings {
  readonly bucket: SharedBucket
  close(): void
}

/** What the settings need of the HJ 212 forwarder (hj212/forwarder.ts). */
export interface UpstreamPws {
  applyPw(upstreamId: string, pw: string): Promise<void>
  storedPws(): Record<string, string>
  shareWith(share: (upstreamId: string, pw: string) => Promise<void>): void
}

export interface SharedSettingsOptions {
  /** `hub_settings`, opened by `openSettingsBucket`. */
  bucket: SharedBucket
  node: string
  log: SharedStateOptions['log']
  /** Without the zone file's notify section: none. */
  notify?: NotifyService | undefined
  /** Without upstreams in the zone file: none. */
  upstreams?: UpstreamPws | undefined
}

const ROSTER = 'roster.'
const POLICIES = 'policies'
const SECRET = 'secret.'
const UPSTREAM_PW = 'upstream-pw.'
const SEEDED = 'meta.seeded'

interface PoliciesRecord { v: 1; policies: Policy[] }
type SecretRecord = { v: 1 } & ChannelSecret
interface UpstreamPwRecord { v: 1; pw: string }

/**
 * The bucket `hub_settings`, opened at start before anything signs: it also holds the cluster's
 * signing key (`meta.signing-key`, signing-key.ts). Waited for up to 60 s, else the node refuses to start.
 */
export function openSettingsBucket(o: SharedStateOptions): Promise<SharedBucket> {
  return SharedBucket.open({ js: o.js, jsm: o.jsm, name: SETTINGS_BUCKET, replicas: o.replicas, log: o.log, deadlineMs: 60_000 })
}

export async function startSharedSettings(o: SharedSettingsOptions): Promise<SharedSettings> {
  const { bucket } = o
  if (o.notify || o.upstreams) await seedOnce(bucket, o)
  const notify = o.notify ? notifySettings(o.notify, o.log) : undefined
  const pws = o.upstreams ? upstreamPws(o.upstreams, o.log) : undefined
  await bucket.start((key, value) => {
    if (key.startsWith(UPSTREAM_PW)) pws?.apply(key, value)
    else notify?.apply(key, value)
  })
  await notify?.loaded()
  if (pws) o.log.info({ upstreamPws: pws.count() }, 'shared HJ 212 upstream PWs loaded')
  if (o.notify) {
    o.notify.overrides.shareWith({
      roster: (r) => bucket.put(`${ROSTER}${keyToken(r.scope)}`, encodeJson(r)),
      policies: (list) => bucket.put(POLICIES, encodeJson({ v: 1, policies: list } satisfies PoliciesRecord)),
    })
    o.notify.secrets.shareWith(async (id, given) => {
      await bucket.change<SecretRecord>(`${SECRET}${keyToken(id)}`, (current) => {
        if (!given.key && !given.secret) return { v: 1 }
        const { v: _v, ...before } = current ?? { v: 1 as const }
        return { v: 1, ...before, ...given }
      })
    })
  }
  // The last writer wins, as two admins setting it on one node; written only once the PW is one a packet can carry (forwarder.ts).
  o.upstreams?.shareWith((id, pw) => bucket.put(`${UPSTREAM_PW}${keyToken(id)}`, encodeJson({ v: 1, pw } satisfies UpstreamPwRecord)))
  return { bucket, close: () => bucket.stop() }
}

/**
 * Rosters, policies and channel secrets: while loading, the bucket's values are gathered and
 * replace the files' whole at the end (`loaded`); after that each change is applied as it comes.
 */
function notifySettings(notify: NotifyService, log: SharedStateOptions['log']): { apply(key: string, value: Uint8Array | undefined): void; loaded(): Promise<void> } {
  const { overrides, secrets } = notify
  let loading = true
  const rosters = new Map<string, Roster>()
  let policies: Policy[] | undefined
  const stored = new Map<string, ChannelSecret>()
  const report = (key: string, p: { path: string; problem: string } | undefined): void => {
    if (p) log.error({ key, path: p.path, problem: p.problem }, 'shared notification setting not applied: it does not fit this node\'s zone file')
  }
  return {
    apply(key, value) {
      if (key.startsWith(ROSTER)) {
        if (!value) return
        const roster = decodeJson<Roster>(value)
        if (loading) rosters.set(roster.scope, roster)
        else report(key, overrides.applyRoster(roster))
      } else if (key === POLICIES) {
        const list = value ? decodeJson<PoliciesRecord>(value).policies : undefined
        if (loading) policies = list
        else report(key, overrides.applyPolicies(list))
      } else if (key.startsWith(SECRET)) {
        const id = fromKeyToken(key.slice(SECRET.length))
        const { v: _v, ...entry } = value ? decodeJson<SecretRecord>(value) : { v: 1 as const }
        const given = entry.key || entry.secret ? entry : undefined
        if (loading) {
          if (given) stored.set(id, given)
          else stored.delete(id)
        } else {
          secrets.applyStored(id, given).catch((err: Error) => log.warn({ err: err.message, channel: id }, 'channel secret not kept'))
        }
      }
    },
    async loaded() {
      loading = false
      // Each checked against this node's zone file as it is applied; one that does not fit is left out and logged.
      const fitting = [...rosters.values()].filter((r) => {
        const p = overrides.applyRoster(r)
        report(`${ROSTER}${keyToken(r.scope)}`, p)
        return p === undefined
      })
      overrides.replaceEdits(fitting, undefined)
      report(POLICIES, overrides.applyPolicies(policies))
      for (const id of new Set([...secrets.storedIds(), ...stored.keys()])) {
        await secrets.applyStored(id, stored.get(id)).catch((err: Error) => log.error({ err: err.message, channel: id }, 'shared channel secret not applied'))
      }
      log.info({ rosters: rosters.size, policies: policies?.length ?? null, secrets: stored.size }, 'shared notification settings loaded')
    },
  }
}

/**
 * HJ 212 upstream PWs, applied to the forwarder as they come, at start too: a PW only in this
 * node's file (set before the cluster held any) stays in use until one is set through the API.
 */
function upstreamPws(upstreams: UpstreamPws, log: SharedStateOptions['log']): { apply(key: string, value: Uint8Array | undefined): void; count(): number } {
  const seen = new Set<string>()
  return {
    apply(key, value) {
      // PWs are set, never removed, through the API.
      if (!value) return
      const id = fromKeyToken(key.slice(UPSTREAM_PW.length))
      seen.add(id)
      upstreams.applyPw(id, decodeJson<UpstreamPwRecord>(value).pw).catch((err: Error) => log.error({ err: err.message, upstream: id }, 'shared HJ 212 upstream PW not applied'))
    },
    count: () => seen.size,
  }
}

/**
 * A bucket never seeded takes this node's edits, stored secrets and upstream PWs (create-if-absent),
 * then `meta.seeded`. A bucket seeded before upstream PWs were shared holds none until one is set
 * through the API.
 */
async function seedOnce(bucket: SharedBucket, o: SharedSettingsOptions): Promise<void> {
  if (await bucket.get(SEEDED)) return
  let copied = 0
  const copy = async (key: string, value: unknown): Promise<void> => {
    if ((await bucket.create(key, encodeJson(value))) !== 'exists') copied++
  }
  if (o.notify) {
    const edits = o.notify.overrides.edits()
    for (const r of edits.rosters) await copy(`${ROSTER}${keyToken(r.scope)}`, r)
    if (edits.policies) await copy(POLICIES, { v: 1, policies: edits.policies })
    for (const id of o.notify.secrets.storedIds()) await copy(`${SECRET}${keyToken(id)}`, { v: 1, ...o.notify.secrets.storedEntry(id) })
  }
  for (const [id, pw] of Object.entries(o.upstreams?.storedPws() ?? {})) await copy(`${UPSTREAM_PW}${keyToken(id)}`, { v: 1, pw } satisfies UpstreamPwRecord)
  await bucket.create(SEEDED, encodeJson({ node: o.node, at: Date.now(), copied }))
  if (copied > 0) o.log.info({ settings: copied, node: o.node }, 'shared notification settings seeded from this node\'s files')
}
