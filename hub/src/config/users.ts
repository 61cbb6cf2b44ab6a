import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { Role, UserEntry, Zone } from '../model/zone.js'
import { hashPassword, verifyPassword } from './credentials.js'

/**
 * People who sign in: the users of the zone file, plus `admin`, whose password comes from
 * HUB_ADMIN_PASSWORD or is generated at first start, printed once, and kept only as an
 * scrypt hash in `<data dir>/admin.json`.
 *
 * A token names its user; every request and every socket event reads the user as it is now
 * (`get`), so a changed role or scope applies at once and a removed user is refused.
 * `replaceZoneUsers` (the zone file read again) tells listeners, which re-check live sockets.
 */
export interface User {
  name: string
  roles: Role[]
  /** Absent: the whole zone. Otherwise what the user may see (api/scope.ts). */
  scope?: UserScopeView | undefined
}

/**
 * A user's scope resolved against the zone: whole parks, single enterprises, and the parks
 * in which the user sees some enterprises only.
 */
export interface UserScopeView {
  parks: string[]
  enterprises: string[]
  partialParks: string[]
}

export class UserDirectory {
  private readonly users = new Map<string, UserEntry>()
  private readonly listeners: (() => void)[] = []
  /** Work done for an unknown name too, so timing does not tell which names exist. */
  private dummyHash = ''
  private enterprisePark = new Map<string, string>()
  private parkIds = new Set<string>()

  private constructor() {}

  static async open(o: { zoneUsers: UserEntry[]; zone?: Pick<Zone, 'parks'>; dataDir: string; adminPassword: string | undefined; announce: (password: string) => void }): Promise<UserDirectory> {
    const dir = new UserDirectory()
    if (o.zone) {
      dir.parkIds = new Set(o.zone.parks.map((p) => p.id))
      dir.enterprisePark = new Map(o.zone.parks.flatMap((p) => p.enterprises.map((e) => [e.id, p.id] as const)))
    }
    dir.setZoneUsers(o.zoneUsers)
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

  /** The zone file's users, replaced whole (admin stays); tokens and sockets follow at once. */
  replaceZoneUsers(entries: UserEntry[]): void {
    for (const u of entries) this.check(u)
    const admin = this.users.get('admin')
    this.users.clear()
    this.setZoneUsers(entries)
    if (admin) this.users.set('admin', admin)
    for (const l of this.listeners) l()
  }

  /** Called after users change (removed, roles or scope changed). */
  onChange(listener: () => void): void {
    this.listeners.push(listener)
  }

  async verify(name: string, password: string): Promise<User | undefined> {
    const u = this.users.get(name)
    const ok = await verifyPassword(password, u?.passwordHash ?? this.dummyHash)
    return u && ok ? this.view(u) : undefined
  }

  get(name: string): User | undefined {
    const u = this.users.get(name)
    return u ? this.view(u) : undefined
  }

  names(): string[] {
    return [...this.users.keys()]
  }

  private setZoneUsers(entries: UserEntry[]): void {
    for (const u of entries) {
      if (u.name === 'admin') continue
      this.check(u)
      this.users.set(u.name, u)
    }
  }

  /** A scope names parks and enterprises of the zone, and never goes with the admin role. */
  private check(u: UserEntry): void {
    // An admin manages the whole zone (devices, audit log): a scope would promise a limit it cannot keep.
    if (u.scope && u.roles.includes('admin')) throw new Error(`user ${u.name}: the admin role is zone-wide and cannot have a scope`)
    for (const p of u.scope?.parks ?? []) if (this.parkIds.size > 0 && !this.parkIds.has(p)) throw new Error(`user ${u.name}: scope names unknown park ${p}`)
    for (const e of u.scope?.enterprises ?? []) if (this.parkIds.size > 0 && !this.enterprisePark.has(e)) throw new Error(`user ${u.name}: scope names unknown enterprise ${e}`)
  }

  private view(u: UserEntry): User {
    if (!u.scope) return { name: u.name, roles: [...u.roles] }
    const parks = [...(u.scope.parks ?? [])]
    const enterprises = [...(u.scope.enterprises ?? [])]
    const partialParks = [...new Set(enterprises.map((e) => this.enterprisePark.get(e)).filter((p): p is string => p !== undefined && !parks.includes(p)))]
    return { name: u.name, roles: [...u.roles], scope: { parks, enterprises, partialParks } }
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
