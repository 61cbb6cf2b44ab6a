/**
 * Every NATS name the cluster uses, in one place (docs/cluster.md). Park and device ids may
 * hold `.` (model/device.ts: `[A-Za-z0-9_.-]`), NATS's token separator; `~` never appears in
 * an id, so a `.` travels as `~` inside a subject token and comes back on decoding.
 */

/** The readings log: one stream, subjects partitioned by park, then device. */
export const READINGS_STREAM = 'READINGS'
/** Parks' owner state (alarms, rules, incidents), fenced per park (cluster/fenced-park-log.ts). */
export const STATE_STREAM = 'PARK_STATE'
/** Key-value buckets. */
export const LEASE_BUCKET = 'park_leases'
export const NODES_BUCKET = 'hub_nodes'
export const MOVES_BUCKET = 'park_moves'
/** The devices' run-time changes, one key per device (shared-registry.ts). */
export const REGISTRY_BUCKET = 'hub_registry'
/** Notification rosters, policies and channel secrets edited at run time (shared-settings.ts). */
export const SETTINGS_BUCKET = 'hub_settings'
/** The shared durable consumers that write InfluxDB (one per target). */
export const INFLUX_CONSUMER = 'influx'
export const INFLUX2_CONSUMER = 'influx2'

export function token(id: string): string {
  if (id.includes('~') || /[\s*>]/.test(id) || id === '') throw new Error(`not a valid id for a NATS subject: ${JSON.stringify(id)}`)
  return id.replaceAll('.', '~')
}

export function fromToken(t: string): string {
  return t.replaceAll('~', '.')
}

/** `readings.<park>.<device>`: one device's readings, events and statuses. */
export function readingsSubject(park: string, device: string): string {
  return `readings.${token(park)}.${token(device)}`
}

/**
 * `readings.<park>.=many`: readings of several devices of one park that arrived in one turn of
 * the event loop, in one message (cluster-log.ts). `=` never appears in an id, so no device's
 * subject is this one.
 */
export function parkBatchSubject(park: string): string {
  return `readings.${token(park)}.=many`
}

/** Every reading of one park (a park owner's feed). */
export function parkReadingsFilter(park: string): string {
  return `readings.${token(park)}.>`
}

/** `state.<park>`: the park owner's state records, one subject per park so writes are fenced by its last sequence. */
export function stateSubject(park: string): string {
  return `state.${token(park)}`
}

/** `live.<park>.<event>`: what each node hands its own socket.io clients. */
export function liveSubject(park: string, event: string): string {
  return `live.${token(park)}.${event}`
}

/** `actions.<park>`: operator actions sent to the park's owner (request/reply). */
export function actionSubject(park: string): string {
  return `actions.${token(park)}`
}

/** `commands.<device>`: a device command published by the park's owner, delivered by the node holding the device's connection. */
export function commandSubject(device: string): string {
  return `commands.${token(device)}`
}

/** `hub.node.<node>`: a running node answers here, so a second node started with the same HUB_NODE_ID is refused. */
export function nodeSubject(node: string): string {
  return `hub.node.${token(node)}`
}

/** `hub.roster.<node>`: a node taking part in park ownership answers here over core NATS, which works while JetStream elects (node-roster.ts). */
export function rosterProbeSubject(node: string): string {
  return `hub.roster.${token(node)}`
}
