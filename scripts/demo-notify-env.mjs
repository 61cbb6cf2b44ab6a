// The demo's notification secrets (docs/notifications.md, "The demo and the local sink"). The
// zone file's channels name environment variables for their keys and secrets (keyEnv /
// secretEnv) instead of holding them — in the demo zone, the variables the local sink reads its
// accounts from (simulators/src/channels/sink-cli.ts). For `npm start` they are made once, kept
// in <dataDir>/notify-demo-env.json (0600), and given to the hub and to the sink alike; a
// variable already set in the environment wins (e.g. a real robot's key for one channel).
// Plain Node and a dynamic import of `yaml`: it runs after ensureNpm().
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]'])

/** A fresh value shaped like the platform's own: DingTalk signing secrets start with SEC. */
function fresh(name, type) {
  if (type === 'dingtalk' && name.endsWith('_SECRET')) return `SEC${randomBytes(32).toString('hex')}`
  return randomBytes(24).toString('base64url')
}

/**
 * Returns `{ env, sink, file }`: the variables for the hub and the sink (the secrets, the
 * sink's port, host, SMS sign name and template and webhook header from the zone's channels,
 * and HUB_PUBLIC_URL when the zone's local publicUrl names another port than the hub's), and
 * the local sink's base URL, or null when no channel points at this machine.
 */
export async function demoNotifyEnv(root, processEnv = process.env) {
  const zoneFile = resolve(root, processEnv.HUB_CONFIG || 'hub/zones/demo-zone.yaml')
  const dataDir = resolve(root, processEnv.HUB_DATA_DIR || 'data')
  const file = join(dataDir, 'notify-demo-env.json')
  const none = { env: {}, sink: null, file }
  if (!existsSync(zoneFile)) return none
  const { default: YAML } = await import('yaml')
  const zone = YAML.parse(await readFile(zoneFile, 'utf8'))
  const channels = zone?.notify?.channels ?? []
  const wanted = []
  for (const c of channels) for (const name of [c.keyEnv, c.secretEnv]) if (name) wanted.push({ name, type: c.type })
  if (wanted.length === 0) return none

  let kept = {}
  try {
    kept = JSON.parse(await readFile(file, 'utf8'))
  } catch {
    // First start (or an unreadable file): made afresh below.
  }
  const env = {}
  let changed = false
  for (const { name, type } of wanted) {
    if (processEnv[name]) env[name] = processEnv[name]
    else if (typeof kept[name] === 'string' && kept[name]) env[name] = kept[name]
    else {
      env[name] = kept[name] = fresh(name, type)
      changed = true
    }
  }
  // The demo's links (publicUrl http://localhost:8080) follow the port the hub is given.
  const port = processEnv.HUB_HTTP_PORT || '8080'
  const pub = zone.notify.publicUrl ? new URL(zone.notify.publicUrl) : undefined
  if (!processEnv.HUB_PUBLIC_URL && pub && LOCAL_HOSTS.has(pub.hostname) && (pub.port || '80') !== port) {
    env.HUB_PUBLIC_URL = `${pub.protocol}//${pub.hostname}:${port}`
  }
  if (changed) {
    await mkdir(dataDir, { recursive: true })
    await writeFile(file, `${JSON.stringify(kept, null, 2)}\n`, { mode: 0o600 })
    await chmod(file, 0o600)
  }
  const local = channels.find((c) => LOCAL_HOSTS.has(new URL(c.url).hostname))
  if (local === undefined) return { env, sink: null, file }
  const url = new URL(local.url)
  // NOTIFY_SINK_PORT naming another port than the zone file's sink (two demos on one machine):
  // the sink listens there and the hub is given a copy of the zone file whose channels posting
  // to the sink post there instead (<dataDir>/notify-demo-zone.yaml; the zone file is left alone).
  const sinkPort = processEnv.NOTIFY_SINK_PORT
  if (sinkPort && sinkPort !== (url.port || '80')) {
    const moved = `${url.protocol}//${url.host.replace(/:\d+$/, '')}:${sinkPort}`
    const text = (await readFile(zoneFile, 'utf8')).split(`${url.origin}/`).join(`${moved}/`)
    const copy = join(dataDir, 'notify-demo-zone.yaml')
    await mkdir(dataDir, { recursive: true })
    await writeFile(copy, text)
    env.HUB_CONFIG = copy
    url.port = sinkPort
  }
  const sms = channels.find((c) => c.type === 'sms' && LOCAL_HOSTS.has(new URL(c.url).hostname))
  const hook = channels.find((c) => c.type === 'webhook' && LOCAL_HOSTS.has(new URL(c.url).hostname))
  Object.assign(env, {
    NOTIFY_SINK_PORT: url.port || '80',
    NOTIFY_SINK_HOST: url.hostname.replace(/^\[|\]$/g, ''),
    ...(sms?.signName ? { NOTIFY_SINK_SMS_SIGN_NAME: sms.signName } : {}),
    ...(sms?.template ? { NOTIFY_SINK_SMS_TEMPLATE: sms.template } : {}),
    ...(hook?.signatureHeader ? { NOTIFY_SINK_WEBHOOK_HEADER: hook.signatureHeader } : {}),
  })
  return { env, sink: url.origin, file }
}
