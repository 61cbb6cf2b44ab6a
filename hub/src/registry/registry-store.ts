import { mkdir, readFile, rename, writeFile, open } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Device } from '../model/device.js'
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../config/private-files.js'

/** Run-time registry changes as kept on disk (`registry.json` in the data dir). */
export interface RegistryFile {
  version: 1
  devices: { device: Device; secretHash: string }[]
  retired: string[]
  /** Secrets replaced at run time for devices of the zone file (their other fields stay the zone's). */
  secrets?: { id: string; secretHash: string }[]
  /** Devices of the zone file placed on their plan at run time (their other fields stay the zone's). */
  positions?: { id: string; position: { x: number; y: number } }[]
}

export interface RegistryStore {
  load(): Promise<RegistryFile>
  save(file: RegistryFile): Promise<void>
}

/** Atomic JSON file: write a temporary file, fsync it, rename over the old one. */
export class JsonRegistryStore implements RegistryStore {
  constructor(private readonly path: string) {}

  async load(): Promise<RegistryFile> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, devices: [], retired: [] }
      throw err
    }
    const parsed = JSON.parse(text) as RegistryFile
    if (parsed.version !== 1 || !Array.isArray(parsed.devices) || !Array.isArray(parsed.retired)) {
      throw new Error(`${this.path}: not a registry file of version 1`)
    }
    return parsed
  }

  async save(file: RegistryFile): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: PRIVATE_DIR_MODE })
    const tmp = `${this.path}.tmp`
    // Hashed device secrets: readable by the hub's user only.
    await writeFile(tmp, JSON.stringify(file, null, 1), { mode: PRIVATE_FILE_MODE })
    const fh = await open(tmp, 'r')
    try {
      await fh.sync()
    } finally {
      await fh.close()
    }
    await rename(tmp, this.path)
  }
}

/**
 * Cluster mode: the cluster's bucket is the registry's truth (cluster/shared-registry.ts) and
 * `registry.json` its copy — written after every change applied, never read (a stale copy must
 * not bring back a device retired meanwhile on another node).
 */
export function copyOnly(store: RegistryStore): RegistryStore {
  return { load: async () => ({ version: 1, devices: [], retired: [] }), save: (file) => store.save(file) }
}
