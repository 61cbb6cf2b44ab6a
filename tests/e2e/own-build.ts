/**
 * A test's own build of the dashboard (dashboard/dist may be older than the code under test),
 * in a temp dir removed by `remove()`; a desk-sized page; and a screenshot of the page when a test fails.
 */
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeEach } from 'vitest'
import type { Page } from 'playwright-core'
import { DESK, screenshot } from './browser.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export async function buildDashboard(prefix: string): Promise<{ dist: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  const dist = join(dir, 'dist')
  const r = spawnSync('npx', ['vite', 'build', '--config', 'dashboard/vite.config.ts', '--logLevel', 'warn', '--outDir', dist, '--emptyOutDir'], { cwd: ROOT, encoding: 'utf8' })
  if (r.status !== 0) {
    await rm(dir, { recursive: true, force: true })
    throw new Error(`dashboard build failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`)
  }
  return { dist, remove: () => rm(dir, { recursive: true, force: true }) }
}

/** Registers, for every test of the file, a screenshot named `name` of the page as it was when the test failed. */
export function screenshotOnFailure(page: () => Page | undefined, name: string): void {
  beforeEach(({ onTestFailed }) => {
    onTestFailed(async () => {
      const p = page()
      if (p && !p.isClosed()) await screenshot(p, name).catch(() => undefined)
    })
  })
}

/** A page on a desk-sized screen in zh-CN, China time, whose uncaught errors land in `errors`. */
export async function deskPage(browser: import('playwright-core').Browser, errors: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: DESK, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const page = await context.newPage()
  page.on('pageerror', (err) => errors.push(`${err.name}: ${err.message}`))
  return page
}
