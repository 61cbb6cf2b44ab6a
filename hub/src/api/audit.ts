import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../config/private-files.js'

/**
 * The audit log: every operator action and sign-in (who, what, when, from where), appended
 * to `<data dir>/audit.jsonl` and kept in memory (the newest 20,000) for admins to query.
 */
export interface AuditEntry {
  ts: number
  user: string
  ip: string
  action: string
  target?: string | undefined
  ok: boolean
  detail?: string | undefined
}

const KEEP = 20_000

export class AuditLog {
  private entries: AuditEntry[] = []

  constructor(private readonly path: string) {
    mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE })
    if (existsSync(path)) {
      const lines = readFileSync(path, 'utf8').split('\n')
      for (const l of lines.slice(-KEEP - 1)) {
        if (!l) continue
        try {
          this.entries.push(JSON.parse(l) as AuditEntry)
        } catch {
          /* a torn last line */
        }
      }
    }
  }

  record(e: AuditEntry): void {
    this.entries.push(e)
    if (this.entries.length > KEEP * 1.1) this.entries = this.entries.slice(-KEEP)
    appendFileSync(this.path, `${JSON.stringify(e)}\n`, { mode: PRIVATE_FILE_MODE })
  }

  query(q: { user?: string | undefined; action?: string | undefined; from?: number | undefined; to?: number | undefined; limit?: number | undefined }): AuditEntry[] {
    const out: AuditEntry[] = []
    for (let i = this.entries.length - 1; i >= 0 && out.length < (q.limit ?? 500); i--) {
      const e = this.entries[i]!
      if (q.user && e.user !== q.user) continue
      if (q.action && !e.action.startsWith(q.action)) continue
      if (q.from !== undefined && e.ts < q.from) continue
      if (q.to !== undefined && e.ts > q.to) continue
      out.push(e)
    }
    return out
  }
}
