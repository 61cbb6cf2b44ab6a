import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import YAML from 'yaml'
// @ts-expect-error: a plain-Node script of `npm start` (scripts/demo-notify-env.mjs), without types.
import { demoNotifyEnv } from '../../../scripts/demo-notify-env.mjs'
import { demoNotify, SINK_ENV } from '../../../simulators/src/zone/zone-notify.js'

const root = fileURLToPath(new URL('../../..', import.meta.url))
type Made = { env: Record<string, string>; sink: string | null; file: string }
const make = demoNotifyEnv as (root: string, env: Record<string, string | undefined>) => Promise<Made>

describe("npm start's demo notification secrets (scripts/demo-notify-env.mjs)", () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smartpark-demo-env-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it("makes a value for every variable the demo zone's channels name, once, kept 0600, the same for hub and sink", async () => {
    const first = await make(root, { HUB_DATA_DIR: dir })
    const named = new Set(Object.values(SINK_ENV).flatMap((e) => Object.values(e)))
    for (const name of named) expect(first.env[name], name).toMatch(/^.{24,}$/)
    expect(first.env.NOTIFY_SINK_DINGTALK_SECRET).toMatch(/^SEC[0-9a-f]{64}$/)
    expect(first.sink).toBe('http://127.0.0.1:8091')
    expect(first.env).toMatchObject({ NOTIFY_SINK_PORT: '8091', NOTIFY_SINK_HOST: '127.0.0.1', NOTIFY_SINK_SMS_SIGN_NAME: '园区安全', NOTIFY_SINK_WEBHOOK_HEADER: 'X-Hub-Signature-256' })
    expect((await stat(first.file)).mode & 0o777).toBe(0o600)
    // The next start finds them: the hub's imported secrets and the sink's accounts still agree.
    expect((await make(root, { HUB_DATA_DIR: dir })).env).toEqual(first.env)
  })

  it("points the demo's links at the hub's port when it is not 8080, unless HUB_PUBLIC_URL is set", async () => {
    expect((await make(root, { HUB_DATA_DIR: dir })).env.HUB_PUBLIC_URL).toBeUndefined()
    expect((await make(root, { HUB_DATA_DIR: dir, HUB_HTTP_PORT: '18080' })).env.HUB_PUBLIC_URL).toBe('http://localhost:18080')
    expect((await make(root, { HUB_DATA_DIR: dir, HUB_HTTP_PORT: '18080', HUB_PUBLIC_URL: 'https://hub.example.cn' })).env.HUB_PUBLIC_URL).toBeUndefined()
  })

  it("moves the sink to NOTIFY_SINK_PORT: the hub gets a copy of the zone file whose sink channels post there", async () => {
    const made = await make(root, { HUB_DATA_DIR: dir, NOTIFY_SINK_PORT: '18491' })
    expect(made.sink).toBe('http://127.0.0.1:18491')
    expect(made.env.NOTIFY_SINK_PORT).toBe('18491')
    expect(made.env.HUB_CONFIG).toBe(join(dir, 'notify-demo-zone.yaml'))
    const copy = YAML.parse(await readFile(made.env.HUB_CONFIG!, 'utf8')) as { notify: { channels: { url: string }[] }; parks: unknown[] }
    const original = YAML.parse(await readFile(join(root, 'hub/zones/demo-zone.yaml'), 'utf8')) as typeof copy
    expect(copy.notify.channels.map((c) => c.url)).toEqual(original.notify.channels.map((c) => c.url.replace('http://127.0.0.1:8091/', 'http://127.0.0.1:18491/')))
    expect(copy.parks).toEqual(original.parks)
    // The zone file's own port: nothing copied.
    expect((await make(root, { HUB_DATA_DIR: dir, NOTIFY_SINK_PORT: '8091' })).env.HUB_CONFIG).toBeUndefined()
  })

  it('lets a variable already set win (a real key for one channel)', async () => {
    const made = await make(root, { HUB_DATA_DIR: dir, NOTIFY_SINK_WECOM_KEY: 'a-real-robot-key' })
    expect(made.env.NOTIFY_SINK_WECOM_KEY).toBe('a-real-robot-key')
  })

  it('starts no sink for a zone whose channels point elsewhere, and makes nothing for a zone without notifications', async () => {
    const elsewhere = join(dir, 'elsewhere.yaml')
    const notify = demoNotify({ parks: ['vtc'], sink: 'https://qyapi.weixin.qq.com', publicUrl: 'https://hub.example.cn' })
    await writeFile(elsewhere, YAML.stringify({ notify }))
    const made = await make(root, { HUB_DATA_DIR: dir, HUB_CONFIG: elsewhere })
    expect(made.sink).toBeNull()
    expect(made.env.NOTIFY_SINK_WECOM_KEY).toBeDefined()
    const none = join(dir, 'none.yaml')
    await writeFile(none, YAML.stringify({ id: 'z' }))
    expect(await make(root, { HUB_DATA_DIR: dir, HUB_CONFIG: none })).toMatchObject({ env: {}, sink: null })
  })
})
