import { retrying } from './park-leases.js'
import { decodeJson, encodeJson, type SharedBucket } from './shared-bucket.js'

/**
 * The key every node of a cluster signs with when `HUB_JWT_SECRET` is unset (docs/cluster.md,
 * "Shared registry and settings"): dashboard tokens (api/auth) and notifications' one-click ack
 * links (notify's `hubSecret`). One key for the cluster, so a token issued by one node behind a
 * balancer is accepted by the others, and a link signed by the park's owner works after the park
 * moved.
 *
 * It is the `hub_settings` bucket's `meta.signing-key`, created-if-absent with this node's own
 * persisted key (`<dataDir>/jwt-secret`): the first node to write it wins, and every other
 * node reads it back and signs with the bucket's value. Settled before anything signs; a node
 * that cannot read it within the deadline refuses to start, as for the registry.
 */
export const SIGNING_KEY = 'meta.signing-key'

interface SigningKeyRecord { v: 1; key: string; node: string; at: number }

/** As HUB_JWT_SECRET (config/settings.ts): a shorter key is guessable offline from one token (RFC 7518 §3.2: ≥ 256 bits for HS256). */
const MIN_KEY_LENGTH = 32

export async function sharedSigningKey(bucket: SharedBucket, own: string, node: string, deadlineMs = 30_000): Promise<string> {
  if (own.length < MIN_KEY_LENGTH) throw new Error(`this node's signing key is shorter than ${MIN_KEY_LENGTH} characters`)
  const raw = await retrying(`signing key in bucket ${bucket.name}`, async () => {
    const made = await bucket.create(SIGNING_KEY, encodeJson({ v: 1, key: own, node, at: Date.now() } satisfies SigningKeyRecord))
    // Read back either way: a create whose acknowledgement was lost is found on the next attempt.
    if (made !== 'exists') return own
    const e = await bucket.get(SIGNING_KEY)
    if (!e || e.operation !== 'PUT') throw new Error(`${SIGNING_KEY} was removed while being read`)
    return decodeJson<Partial<SigningKeyRecord>>(e.value).key
  }, deadlineMs)
  if (typeof raw !== 'string' || raw.length < MIN_KEY_LENGTH) throw new Error(`bucket ${bucket.name}: ${SIGNING_KEY} holds no key of ${MIN_KEY_LENGTH} characters or more; remove it (nats kv del ${bucket.name} ${SIGNING_KEY}) or set HUB_JWT_SECRET`)
  return raw
}
