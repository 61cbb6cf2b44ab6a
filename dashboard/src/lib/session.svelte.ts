/** Who is signed in. The token itself is kept by api.ts; the user's name and roles here. */
import { api, getToken, setToken, setUnauthorizedHandler, type User } from './api.js'

const USER_KEY = 'smartpark.user'

function restore(): User | null {
  if (getToken() === null) return null
  try {
    const raw = sessionStorage.getItem(USER_KEY)
    if (!raw) return null
    const u = JSON.parse(raw) as Partial<User>
    return typeof u.name === 'string' && Array.isArray(u.roles) ? { name: u.name, roles: u.roles.map(String) } : null
  } catch {
    return null
  }
}

class Session {
  user = $state<User | null>(restore())
  /** Set when the hub said 401: the sign-in page explains why the user is back. */
  expired = $state(false)

  constructor() {
    setUnauthorizedHandler(() => this.expire())
  }

  async login(username: string, password: string): Promise<void> {
    const res = await api.login(username, password)
    setToken(res.token)
    try {
      sessionStorage.setItem(USER_KEY, JSON.stringify(res.user))
    } catch {
      /* memory only */
    }
    this.expired = false
    this.user = res.user
  }

  logout(): void {
    this.#clear()
    this.expired = false
  }

  expire(): void {
    if (this.user === null) return
    this.#clear()
    this.expired = true
  }

  #clear(): void {
    setToken(null)
    try {
      sessionStorage.removeItem(USER_KEY)
    } catch {
      /* ignore */
    }
    this.user = null
  }

  get roles(): string[] {
    return this.user?.roles ?? []
  }
}

export const session = new Session()
