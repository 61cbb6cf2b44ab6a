// The demo's notification secrets (docs/notifications.md, "The demo and the local sink"). The
// zone file's channels name environment variables for their keys and secrets (keyEnv /
// secretEnv) instead of holding them. For `npm start` they are made once, kept in
// <dataDir>/notify-demo-env.json (0600), and given to the hub and to the local sink alike; a
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
 * Returns `{ env, sink, sinkArgs, file }`: the variables for the hub and the sink, the local
 * sink's base URL (or null when no channel points at this machine) and the arguments that start it.
 */
export async function demoNotifyEnv(root, processEnv = process.env) {
  const zoneFile = resolve(root, processEnv.HUB_CONFIG || 'hub/zones/demo-zone.yaml')
  const dataDir = resolve(root, processEnv.HUB_DATA_DIR || 'data')
  const file = join(dataDir, 'notify-demo-env.json')
  const none = { env: {}, sink: null, sinkArgs: [], file }
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
  if (changed) {
    await mkdir(dataDir, { recursive: true })
    await writeFile(file, `${JSON.stringify(kept, null, 2)}\n`, { mode: 0o600 })
    await chmod(file, 0o600)
  }
  const local = channels.map((c) => new URL(c.url)).find((u) => LOCAL_HOSTS.has(u.hostname))
  const sink = local ? local.origin : null
  const sinkArgs = local ? ['--port', local.port || '80', '--host', local.hostname, '--zone', zoneFile] : []
  return { env, sink, sinkArgs, file }
}
