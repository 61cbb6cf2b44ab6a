import type { Policy, Roster } from '../model/notify.js'
import type { ChannelSecret } from '../notify/types.js'
import type { NotifyService } from '../notify/service.js'
import { decodeJson, encodeJson, fromKeyToken, keyToken, SharedBucket, type SharedStateOptions } from './shared-bucket.js'
import { SETTINGS_BUCKET } from './subjects.js'

/**
 * Notification settings edited at run time, shared by every node (docs/cluster.md, "Shared
 * registry and settings"): rosters, policies and channel keys and secrets live in the bucket
 * `hub_settings`, and every node applies them to its own NotifyOverrides and ChannelSecrets —
 * so whichever node owns a park notifies the people on the roster set through any node, with
 * the secret set through any node.
 *
 * Keys: `roster.<scope>` (a Roster), `policies` (`{ policies }`, the whole ordered list),
 * `secret.<channel>` (`{ key?, secret? }`; `{}` when removed), `meta.seeded`, and the cluster's
 * signing key `meta.signing-key` (signing-key.ts).
 *
 * A roster or the policies are written whole (the last writer wins, as two admins' edits on
 * one node); a channel's key and secret are merged with the bucket's present entry by
 * compare-and-set (a field left out keeps the value another node set). The API answers once the
 * bucket holds the change and this node applied it; without a NATS quorum it answers 503 with
 * nothing changed. At start the bucket's values replace this node's files (which stay as their
 * copies), except once: the first node to find the bucket never seeded copies its own edits and
 * stored secrets into it. Secrets in the bucket are in JetStream's store on each NATS server —
 * as readable as the data dir's secrets.json to whoever can read that store (docs/cluster.md).
 */
export interface SharedSettings {
  readonly bucket: SharedBucket
  close(): void
}

export interface SharedSettingsOptions {
  /** `hub_settings`, opened by `openSettingsBucket`. */
  bucket: SharedBucket
  node: string
  log: SharedStateOptions['log']
  notify: NotifyService
}

const ROSTER = 'roster.'
const POLICIES = 'policies'
const SECRET = 'secret.'
const SEEDED = 'meta.seeded'

interface PoliciesRecord { v: 1; policies: Policy[] }
type SecretRecord = { v: 1 } & ChannelSecret

/**
 * The bucket `hub_settings`, opened at start before anything signs: it also holds the cluster's
 * signing key (`meta.signing-key`, signing-key.ts). Waited for up to 60 s, else the node refuses to start.
 */
export function openSettingsBucket(o: SharedStateOptions): Promise<SharedBucket> {
  return SharedBucket.open({ js: o.js, jsm: o.jsm, name: SETTINGS_BUCKET, replicas: o.replicas, log: o.log, deadlineMs: 60_000 })
}

export async function startSharedSettings(o: SharedSettingsOptions): Promise<SharedSettings> {
  const { bucket } = o
  const { overrides, secrets } = o.notify
  await seedOnce(bucket, o)
  // While loading, the bucket's values are gathered and replace the files' whole at the end.
  let loading = true
  const rosters = new Map<string, Roster>()
  let policies: Policy[] | undefined
  const stored = new Map<string, ChannelSecret>()
  const report = (key: string, p: { path: string; problem: string } | undefined): void => {
    if (p) o.log.error({ key, path: p.path, problem: p.problem }, 'shared notification setting not applied: it does not fit this node\'s zone file')
  }
  await bucket.start((key, value) => {
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
        secrets.applyStored(id, given).catch((err: Error) => o.log.warn({ err: err.message, channel: id }, 'channel secret not kept'))
      }
    }
  })
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
    await secrets.applyStored(id, stored.get(id)).catch((err: Error) => o.log.error({ err: err.message, channel: id }, 'shared channel secret not applied'))
  }
  o.log.info({ rosters: rosters.size, policies: policies?.length ?? null, secrets: stored.size }, 'shared notification settings loaded')

  overrides.shareWith({
    roster: (r) => bucket.put(`${ROSTER}${keyToken(r.scope)}`, encodeJson(r)),
    policies: (list) => bucket.put(POLICIES, encodeJson({ v: 1, policies: list } satisfies PoliciesRecord)),
  })
  secrets.shareWith(async (id, given) => {
    await bucket.change<SecretRecord>(`${SECRET}${keyToken(id)}`, (current) => {
      if (!given.key && !given.secret) return { v: 1 }
      const { v: _v, ...before } = current ?? { v: 1 as const }
      return { v: 1, ...before, ...given }
    })
  })
  return { bucket, close: () => bucket.stop() }
}

/** A bucket never seeded takes this node's edits and stored secrets (create-if-absent), then `meta.seeded`. */
async function seedOnce(bucket: SharedBucket, o: SharedSettingsOptions): Promise<void> {
  if (await bucket.get(SEEDED)) return
  const edits = o.notify.overrides.edits()
  let copied = 0
  const copy = async (key: string, value: unknown): Promise<void> => {
    if ((await bucket.create(key, encodeJson(value))) !== 'exists') copied++
  }
  for (const r of edits.rosters) await copy(`${ROSTER}${keyToken(r.scope)}`, r)
  if (edits.policies) await copy(POLICIES, { v: 1, policies: edits.policies })
  for (const id of o.notify.secrets.storedIds()) await copy(`${SECRET}${keyToken(id)}`, { v: 1, ...o.notify.secrets.storedEntry(id) })
  await bucket.create(SEEDED, encodeJson({ node: o.node, at: Date.now(), copied }))
  if (copied > 0) o.log.info({ settings: copied, node: o.node }, 'shared notification settings seeded from this node\'s files')
}
