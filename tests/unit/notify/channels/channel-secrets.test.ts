import { afterEach, describe, expect, it } from 'vitest'
import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { ChannelSecrets, scrubSecrets, SecretInputError } from '../../../../hub/src/notify/channel-secrets.js'

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})
async function dataDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'smartpark-secrets-'))
  dirs.push(d)
  return d
}

describe('channel secrets', () => {
  it('keeps what an admin sets in <dataDir>/notify/secrets.json, 0600, across a reopen', async () => {
    const dir = await dataDir()
    const s = await ChannelSecrets.load(dir)
    await s.set('vtc-wecom', { key: 'wecom-key-1' })
    await s.set('vtc-ding', { key: 'ding-token', secret: 'SECding' })
    await s.set('vtc-ding', { secret: 'SECding-2' })
    const file = ChannelSecrets.fileIn(dir)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    const again = await ChannelSecrets.load(dir)
    expect(again.get('vtc-wecom')).toEqual({ key: 'wecom-key-1' })
    expect(again.get('vtc-ding')).toEqual({ key: 'ding-token', secret: 'SECding-2' })
    expect(again.has('nothing')).toBe(false)
    await again.set('vtc-wecom', {})
    expect((await ChannelSecrets.load(dir)).get('vtc-wecom')).toBeUndefined()
  })

  it('takes keys from the environment (in memory only, over the file\'s)', async () => {
    const dir = await dataDir()
    const s = await ChannelSecrets.load(dir)
    await s.set('ch', { key: 'file-key', secret: 'file-secret' })
    expect(s.fromEnv('ch', { keyEnv: 'K', secretEnv: 'S' }, { K: 'env-key' })).toBe(true)
    expect(s.fromEnv('other', { keyEnv: 'MISSING' }, {})).toBe(false)
    expect(s.get('ch')).toEqual({ key: 'env-key', secret: 'file-secret' })
    await s.set('x', { key: 'x-key' })
    expect(await readFile(ChannelSecrets.fileIn(dir), 'utf8')).not.toContain('env-key')
  })

  it('never prints or serialises a value', async () => {
    const s = await ChannelSecrets.load(await dataDir())
    await s.set('ch', { key: 'very-secret-key', secret: 'very-secret-secret' })
    const shown = [JSON.stringify(s), JSON.stringify({ s }), inspect(s), String(inspect({ nested: s }))].join('\n')
    expect(shown).not.toMatch(/very-secret/)
    expect(JSON.parse(JSON.stringify(s))).toEqual({ ch: { hasKey: true, hasSecret: true } })
    expect(s.values().sort()).toEqual(['very-secret-key', 'very-secret-secret'])
  })

  it('refuses values that are not short strings without control characters', async () => {
    const s = await ChannelSecrets.load(await dataDir())
    await expect(s.set('ch', { key: 42 })).rejects.toThrow(SecretInputError)
    await expect(s.set('ch', { key: 'a\nb' })).rejects.toThrow(/control/)
    await expect(s.set('ch', { secret: 'x'.repeat(2000) })).rejects.toThrow(/longer/)
  })

  it('tightens a file left readable by others', async () => {
    const dir = await dataDir()
    await mkdir(join(dir, 'notify'), { recursive: true })
    await writeFile(ChannelSecrets.fileIn(dir), '{"ch":{"key":"k"}}', { mode: 0o644 })
    await ChannelSecrets.load(dir)
    expect((await stat(ChannelSecrets.fileIn(dir))).mode & 0o777).toBe(0o600)
  })

  it('scrubs secrets from a text, as they are and URL-encoded', () => {
    const t = 'POST https://x/send?key=a%2Bb%2Fc%3D&s=a+b/c= failed; a+b/c= again'
    expect(scrubSecrets(t, ['a+b/c='])).toBe('POST https://x/send?key=***&s=*** failed; *** again')
    expect(scrubSecrets('short abc', ['abc'])).toBe('short abc')
  })
})
