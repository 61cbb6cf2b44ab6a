#!/usr/bin/env node
// `npm test`: installs what is missing, then runs every test (unit, integration against a
// real influxd and real MQTT clients, end to end in Chromium) and prints a closing summary.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureChromium, ensureInfluxd, ensureMosquittoClients, ensureNatsServer, ensureNpm } from './ensure.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
ensureNpm()
if (!ensureInfluxd()) process.exit(1)
ensureMosquittoClients()
ensureChromium()
ensureNatsServer()
if (existsSync(join(root, 'dashboard', 'vite.config.ts'))) {
  const b = spawnSync('npx', ['vite', 'build', '--config', 'dashboard/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' })
  if (b.status !== 0) process.exit(b.status ?? 1)
}
mkdirSync(join(root, 'test-results'), { recursive: true })
const out = join(root, 'test-results', 'vitest.json')
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)]
const r = spawnSync('npx', args, { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR } })
if (existsSync(out)) {
  const j = JSON.parse(readFileSync(out, 'utf8'))
  process.stdout.write(`\ntests: ${j.numPassedTests} passed, ${j.numFailedTests} failed, ${j.numPendingTests + (j.numTodoTests ?? 0)} skipped\n`)
}
process.exit(r.status ?? 1)
