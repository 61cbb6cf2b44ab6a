/// <reference lib="dom" />
/**
 * Shared set-up for the dashboard's end-to-end tests: Debian's Chromium driven by
 * playwright-core, the dashboard build, screenshots under test-results/, sign-in, and the
 * language check (which text on the page is Chinese, and whether it is allowed to be).
 * The DOM library (referenced above) types the functions that run inside the page.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { mkdir, rmdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { eventually } from '../support/hub-harness.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const RESULTS = fileURLToPath(new URL('../../test-results/', import.meta.url))
const DIST_INDEX = fileURLToPath(new URL('../../dashboard/dist/index.html', import.meta.url))

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

/** A desk monitor / command-room screen. */
export const DESK = { width: 1920, height: 1080 } as const
/** A responder's laptop. */
export const LAPTOP = { width: 1366, height: 768 } as const

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
}

/**
 * Build the dashboard when dashboard/dist has no index.html, or one older than its sources
 * (`npm test` builds it first). A lock directory keeps two test files from building into the
 * same folder at once; one left by a run killed while building (older than LOCK_STALE_MS) is
 * taken over.
 */
export async function ensureDashboardBuilt(): Promise<void> {
  if (builtFresh()) return
  await mkdir(RESULTS, { recursive: true })
  const lock = `${RESULTS}.dashboard-build.lock`
  let mine = false
  try {
    if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) await rmdir(lock)
    await mkdir(lock)
    mine = true
  } catch {
    // Someone else is building: wait for the result.
  }
  if (!mine) {
    await eventually(() => builtFresh(), 120_000, 'the dashboard build of another test file')
    return
  }
  try {
    if (builtFresh()) return
    // Built as `npm run build` builds it: without the test runner's NODE_ENV=test, which makes vite build another bundle.
    const { NODE_ENV: _testEnv, ...env } = process.env
    const r = spawnSync('npx', ['vite', 'build', '--config', 'dashboard/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8', env })
    if (r.status !== 0 || !existsSync(DIST_INDEX)) throw new Error(`dashboard build failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`)
  } finally {
    await rmdir(lock).catch(() => undefined)
  }
}

/**
 * What the dashboard's build is made of: a build older than any of them is built again, so a
 * local run never tests yesterday's bundle (a fresh clone has none and builds it anyway).
 */
/** A build takes well under this; a lock older than it was left by a run that died building. */
const LOCK_STALE_MS = 10 * 60_000

const DASHBOARD_SOURCES = ['dashboard/src', 'dashboard/index.html', 'dashboard/vite.config.ts', 'hub/src/model', 'hub/src/api', 'hub/src/emissions', 'hub/src/energy'].map((p) => join(ROOT, p))

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0
  const s = statSync(path)
  if (!s.isDirectory()) return s.mtimeMs
  let newest = s.mtimeMs
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)))
  return newest
}

function builtFresh(): boolean {
  if (!existsSync(DIST_INDEX)) return false
  const built = statSync(DIST_INDEX).mtimeMs
  return DASHBOARD_SOURCES.every((p) => newestMtime(p) <= built)
}

/** Save a full-viewport screenshot as test-results/<name>.png and return its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(RESULTS, { recursive: true })
  const path = `${RESULTS}${name}.png`
  await page.screenshot({ path, animations: 'disabled' })
  return path
}

/** Sign in through the login form and wait for the signed-in shell with a live connection. */
export async function signIn(page: Page, http: string, username: string, password: string): Promise<void> {
  await page.goto(`${http}/`)
  const form = page.locator('form', { has: page.locator('input[type=password]') })
  await form.locator('input[autocomplete=username]').fill(username)
  await form.locator('input[type=password]').fill(password)
  await form.locator('button[type=submit]').click()
  await page.locator('[data-testid=connection][data-state=live]').waitFor({ timeout: 15_000 })
}

/**
 * Select a device on the site plan as a keyboard user does (focus its mark, press Enter), so
 * the device chosen is exactly this one: a pointer click lands on whatever mark or name is
 * drawn on top at that spot, and marks of a crowded area overlap.
 */
export async function selectPlanDevice(page: Page, device: string): Promise<void> {
  const mark = page.locator(`[data-testid=plan-device][data-device="${device}"]`)
  await mark.waitFor({ state: 'attached', timeout: 15_000 })
  await mark.focus()
  await mark.press('Enter')
}

/** Han ideographs, CJK punctuation, kana, hangul and full-width forms. */
export const CJK = /[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]/u

export interface LanguageAudit {
  /** document.body.innerText. */
  pageText: string
  /** The same text with every element marked lang="zh…" taken out. */
  unmarkedText: string
  /** Text in an element marked lang="zh…" (Chinese on purpose), with the data-testid of the nearest marked ancestor ('' if none). */
  marked: { text: string; within: string }[]
  /** Visible text, placeholders, tooltips and accessible names with CJK outside a lang="zh…" element. */
  offenders: { where: string; text: string }[]
}

/**
 * What of the page is Chinese. Anything Chinese by nature (a name with no English, a note
 * typed in Chinese, the language switch's own "中文") must sit in an element marked
 * lang="zh…"; the rest of an English screen must have no CJK character at all.
 */
export function auditLanguage(page: Page): Promise<LanguageAudit> {
  return page.evaluate((cjkSource) => {
    const cjk = new RegExp(cjkSource, 'u')
    const isZh = (el: Element | null): boolean => (el?.closest('[lang]')?.getAttribute('lang') ?? document.documentElement.lang).toLowerCase().startsWith('zh')
    const markedEls = [...document.body.querySelectorAll('[lang]')].filter((el) => el.getAttribute('lang')!.toLowerCase().startsWith('zh') && !isZh(el.parentElement))
    const pageText = document.body.innerText
    let unmarkedText = pageText
    const marked: { text: string; within: string }[] = []
    for (const el of markedEls) {
      const text = (el as HTMLElement).innerText ?? el.textContent ?? ''
      if (!text.trim()) continue
      marked.push({ text: text.trim(), within: el.closest('[data-testid]')?.getAttribute('data-testid') ?? '' })
      unmarkedText = unmarkedText.replace(text, '')
    }
    const describe = (el: Element): string => {
      const parts: string[] = []
      for (let e: Element | null = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
        const id = e.getAttribute('data-testid')
        parts.unshift(`${e.tagName.toLowerCase()}${id ? `[data-testid=${id}]` : ''}${e.classList.length ? `.${[...e.classList].filter((c) => !c.startsWith('svelte-')).join('.')}` : ''}`)
      }
      return parts.join(' > ')
    }
    const visible = (el: Element): boolean => {
      if (el.getClientRects().length === 0) return false
      const s = getComputedStyle(el)
      return s.visibility !== 'hidden' && s.display !== 'none'
    }
    const offenders: { where: string; text: string }[] = []
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement
      const text = n.textContent ?? ''
      if (!el || !cjk.test(text) || isZh(el)) continue
      if (el.closest('script, style, title, desc')) continue
      if (!visible(el) && !el.closest('option')) continue
      offenders.push({ where: describe(el), text: text.trim() })
    }
    for (const el of document.body.querySelectorAll('[placeholder], [title], [aria-label], svg title')) {
      if (isZh(el)) continue
      for (const attr of ['placeholder', 'title', 'aria-label']) {
        const v = el.getAttribute(attr)
        if (v && cjk.test(v)) offenders.push({ where: `${describe(el)} @${attr}`, text: v })
      }
      if (el.tagName.toLowerCase() === 'title' && cjk.test(el.textContent ?? '')) offenders.push({ where: describe(el), text: el.textContent ?? '' })
    }
    return { pageText, unmarkedText, marked, offenders }
  }, CJK.source)
}
