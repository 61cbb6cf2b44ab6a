import { describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { UserDirectory } from '../../../hub/src/config/users.js'
import type { UserEntry } from '../../../hub/src/model/zone.js'

const zone = { parks: [{ id: 'p1', enterprises: [{ id: 'e1' }] }, { id: 'p2', enterprises: [{ id: 'e2' }] }] } as never
const hash = 'scrypt$16384$8$1$AAAA$AAAA'
const user = (name: string, roles: UserEntry['roles'], scope?: UserEntry['scope']): UserEntry => ({ name, roles, passwordHash: hash, ...(scope ? { scope } : {}) })

describe('UserDirectory scopes and changes', () => {
  it('resolves a scope, refuses unknown places and a scoped admin, and replaces users all or nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'users-'))
    try {
      const open = (users: UserEntry[]) => UserDirectory.open({ zoneUsers: users, zone, dataDir: dir, adminPassword: 'pw-for-the-test', announce: () => undefined })
      const d = await open([user('a', ['safety'], { enterprises: ['e2'] }), user('b', ['viewer'])])
      expect(d.get('a')?.scope).toEqual({ parks: [], enterprises: ['e2'], partialParks: ['p2'] })
      expect(d.get('b')?.scope).toBeUndefined()
      await expect(open([user('c', ['viewer'], { parks: ['p9'] })])).rejects.toThrow(/unknown park p9/)
      await expect(open([user('c', ['admin'], { parks: ['p1'] })])).rejects.toThrow(/zone-wide/)
      let changes = 0
      d.onChange(() => changes++)
      expect(() => d.replaceZoneUsers([user('b', ['safety']), user('x', ['viewer'], { enterprises: ['nope'] })])).toThrow(/unknown enterprise/)
      expect([d.get('a')?.roles, d.get('b')?.roles, changes]).toEqual([['safety'], ['viewer'], 0])
      d.replaceZoneUsers([user('b', ['safety'])])
      expect([d.get('a'), d.get('b')?.roles, d.get('admin')?.roles, changes]).toEqual([undefined, ['safety'], ['admin'], 1])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
