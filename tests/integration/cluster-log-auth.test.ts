import { afterEach, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createUser } from '@nats-io/nkeys'
import { freePort } from '../../hub/src/cluster/nats-servers.js'
import { NatsLink } from '../../hub/src/cluster/nats-link.js'
import { loadClusterSettings } from '../../hub/src/cluster/cluster-settings.js'
import { eventually } from '../support/hub-harness.js'

/**
 * Signing in to NATS as cluster-settings.ts reads it (HUB_NATS_USER/PASSWORD, HUB_NATS_TOKEN,
 * HUB_NATS_NKEY), against a real nats-server that requires it; a wrong secret stops start-up with
 * the server's refusal instead of waiting for ever.
 */
const quiet = { info() {}, warn() {} }

describe('cluster: NATS credentials', () => {
  let child: ChildProcess | undefined
  let dir: string | undefined

  afterEach(async () => {
    child?.kill('SIGKILL')
    child = undefined
    if (dir) await rm(dir, { recursive: true, force: true })
    dir = undefined
  })

  /** One nats-server with `args` (its auth), answering on a free port. */
  async function server(args: (dir: string) => Promise<string[]>): Promise<string> {
    dir = await mkdtemp(join(tmpdir(), 'smartpark-nats-auth-'))
    const port = await freePort()
    const monitor = await freePort()
    child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-m', String(monitor), ...(await args(dir))], { stdio: 'ignore' })
    await eventually(async () => (await fetch(`http://127.0.0.1:${monitor}/healthz`)).ok, 15_000, 'nats-server up')
    return `nats://127.0.0.1:${port}`
  }

  async function signIn(env: Record<string, string>): Promise<string> {
    const c = loadClusterSettings(env, 0)!
    const link = await NatsLink.open(c, quiet)
    try {
      // A round trip proves the server took us.
      await link.nc.flush()
      return link.status().connectedTo!
    } finally {
      await link.close()
    }
  }

  it('signs in with a user and password, and a wrong password stops start-up', async () => {
    const url = await server(async () => ['--user', 'hub', '--pass', 'hub-secret-pw'])
    expect(await signIn({ HUB_NATS_URL: url, HUB_NATS_USER: 'hub', HUB_NATS_PASSWORD: 'hub-secret-pw' })).toMatch(/^127\.0\.0\.1:/)
    await expect(signIn({ HUB_NATS_URL: url, HUB_NATS_USER: 'hub', HUB_NATS_PASSWORD: 'wrong' })).rejects.toThrow(/Authorization Violation/i)
  })

  it('signs in with a token', async () => {
    const url = await server(async () => ['--auth', 'hub-token-0123456789'])
    expect(await signIn({ HUB_NATS_URL: url, HUB_NATS_TOKEN: 'hub-token-0123456789' })).toMatch(/^127\.0\.0\.1:/)
    await expect(signIn({ HUB_NATS_URL: url, HUB_NATS_TOKEN: 'other-token' })).rejects.toThrow(/Authorization Violation/i)
  })

  it('signs in with an nkey seed file', async () => {
    const user = createUser()
    const other = createUser()
    const url = await server(async (d) => {
      const conf = join(d, 'server.conf')
      await writeFile(conf, `authorization { users = [ { nkey: ${user.getPublicKey()} } ] }\n`)
      return ['-c', conf]
    })
    const seed = join(dir!, 'hub.nk')
    await writeFile(seed, `${new TextDecoder().decode(user.getSeed())}\n`, { mode: 0o600 })
    expect(await signIn({ HUB_NATS_URL: url, HUB_NATS_NKEY: seed })).toMatch(/^127\.0\.0\.1:/)
    const wrong = join(dir!, 'other.nk')
    await writeFile(wrong, new TextDecoder().decode(other.getSeed()), { mode: 0o600 })
    await expect(signIn({ HUB_NATS_URL: url, HUB_NATS_NKEY: wrong })).rejects.toThrow(/Authorization Violation/i)
  })
})
