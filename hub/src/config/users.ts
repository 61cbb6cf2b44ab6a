import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { Role, UserEntry } from '../model/zone.js'
import { hashPassword, verifyPassword } from './credentials.js'

/**
 * People who sign in: the users of the zone file, plus `admin`, whose password comes from
 * HUB_ADMIN_PASSWORD or is generated at first start, printed once, and kept only as an
 * scrypt hash in `<data dir>/admin.json`.
 */
export interface User {
  name: string
  roles: Role[]
}

export class UserDirectory {
  private readonly users = new Map<string, UserEntry>()
  /** Work done for an unknown name too, so timing does not tell which names exist. */
  private dummyHash = ''

  private constructor() {}

  static async open(o: { zoneUsers: UserEntry[]; dataDir: string; adminPassword: string | undefined; announce: (password: string) => void }): Promise<UserDirectory> {
    const dir = new UserDirectory()
    for (const u of o.zoneUsers) dir.users.set(u.name, u)
    const file = join(o.dataDir, 'admin.json')
    let admin: UserEntry | undefined
    if (o.adminPassword !== undefined) {
      const stored = await readAdmin(file)
      // Re-hash only when the setting changed, so restarts stay fast.
      admin = stored && (await verifyPassword(o.adminPassword, stored.passwordHash)) ? stored : { name: 'admin', roles: ['admin'], passwordHash: await hashPassword(o.adminPassword) }
      if (admin !== stored) await writeAdmin(file, admin)
    } else {
      admin = await readAdmin(file)
      if (!admin) {
        const password = randomBytes(12).toString('base64url')
        admin = { name: 'admin', roles: ['admin'], passwordHash: await hashPassword(password) }
        await writeAdmin(file, admin)
        o.announce(password)
      }
    }
    dir.users.set('admin', admin)
    dir.dummyHash = admin.passwordHash
    return dir
  }

  async verify(name: string, password: string): Promise<User | undefined> {
    const u = this.users.get(name)
    const ok = await verifyPassword(password, u?.passwordHash ?? this.dummyHash)
    return u && ok ? { name: u.name, roles: [...u.roles] } : undefined
  }

  get(name: string): User | undefined {
    const u = this.users.get(name)
    return u ? { name: u.name, roles: [...u.roles] } : undefined
  }

  names(): string[] {
    return [...this.users.keys()]
  }
}

async function readAdmin(file: string): Promise<UserEntry | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as UserEntry
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new Error(`${file}: ${(err as Error).message}`)
  }
}

async function writeAdmin(file: string, admin: UserEntry): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true })
  await writeFile(file, JSON.stringify(admin, null, 1), { mode: 0o600 })
}
