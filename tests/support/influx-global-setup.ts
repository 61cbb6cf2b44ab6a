import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { InfluxdSupervisor } from '../../hub/src/store/influxd-supervisor.js'

/** One real `influxd` for the integration tests, on a random loopback port; each test file uses its own database. */
declare module 'vitest' {
  export interface ProvidedContext {
    influxUrl: string
  }
}

const quiet = { info() {}, warn() {}, error(o: object, m: string) { console.error(m, o) } }

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'smartpark-influx-'))
  const supervisor = new InfluxdSupervisor({ binary: process.env.INFLUXD_PATH ?? 'influxd', dataDir: dir, log: quiet })
  await supervisor.start()
  project.provide('influxUrl', supervisor.url)
  return async () => {
    await supervisor.stop()
    await rm(dir, { recursive: true, force: true })
  }
}
