import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../config/private-files.js'

/**
 * HJ 212 loggers' PWs, by device id: `<dataDir>/hj212/logger-secrets.json` (0600). The PW
 * travels in clear in every packet (HJ 212-2017 §6.3.2) and forwarding upstream with the
 * logger's own identity needs it, so it is kept as it is, like a channel secret, never hashed;
 * never in the zone the hub holds, an API reply or a log. A PW given in the zone file or a POST
 * replaces the one kept.
 */
interface SecretsFile {
  version: 1
  pw: Record<string, string>
}

export class LoggerSecrets {
  private readonly pw = new Map<string, string>()
  private saveQueued = false

  constructor(private readonly path: string) {
    let text: string | undefined
    try {
      text = readFileSync(path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    if (text === undefined) return
    const parsed = JSON.parse(text) as SecretsFile
    if (parsed.version !== 1 || typeof parsed.pw !== 'object' || parsed.pw === null) throw new Error(`${path}: not an HJ 212 secrets file of version 1`)
    for (const [id, pw] of Object.entries(parsed.pw)) if (typeof pw === 'string') this.pw.set(id, pw)
  }

  get(deviceId: string): string | undefined {
    return this.pw.get(deviceId)
  }

  /**
   * Keeps a device's PW when it is new or changed: written atomically (0600) before the hub
   * turns to any I/O, once for all the changes of one turn — a zone of 2,000 loggers is one
   * write at start, not 2,000 rewrites of a growing file.
   */
  set(deviceId: string, pw: string): void {
    if (this.pw.get(deviceId) === pw) return
    this.pw.set(deviceId, pw)
    this.queueSave()
  }

  delete(deviceId: string): void {
    if (this.pw.delete(deviceId)) this.queueSave()
  }

  private queueSave(): void {
    if (this.saveQueued) return
    this.saveQueued = true
    queueMicrotask(() => {
      this.saveQueued = false
      this.save()
    })
  }

  private save(): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: PRIVATE_DIR_MODE })
    const file: SecretsFile = { version: 1, pw: Object.fromEntries(this.pw) }
    const tmp = `${this.path}.tmp`
    writeFileSync(tmp, JSON.stringify(file, null, 1), { mode: PRIVATE_FILE_MODE })
    renameSync(tmp, this.path)
  }
}
