import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { startTestHub, type TestHub } from '../support/hub-harness.js'
import { ensureDashboardBuilt, launchBrowser } from './browser.js'

/**
 * The dashboard and the API description under their Content-Security-Policy in Chromium: a
 * policy that blocked their own scripts, styles, images or socket would show as a console
 * error ("Refused to …") and a page that does not draw.
 */
describe('security headers', () => {
  let t: TestHub
  let browser: Browser
  beforeAll(async () => {
    await ensureDashboardBuilt()
    t = await startTestHub({ dashboard: true })
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await t?.stop()
  })

  it('serves the dashboard with a CSP, nosniff, no framing and no referrer', async () => {
    const res = await fetch(`${t.http}/`)
    const csp = res.headers.get('content-security-policy') ?? ''
    console.log('dashboard CSP:', csp)
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/)
    expect(csp).toContain("frame-ancestors 'none'")
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(res.headers.get('referrer-policy')).toBe('no-referrer')
    const api = await fetch(`${t.http}/api/v1/health`)
    expect(api.headers.get('content-security-policy')).toContain("default-src 'self'")
  })

  it('draws the sign-in page and the API description without a CSP violation', async () => {
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())))
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${t.http}/`)
    await page.locator('input[type=password]').waitFor({ timeout: 15_000 })
    await page.goto(`${t.http}/docs`)
    await page.locator('.swagger-ui .info .title').waitFor({ timeout: 15_000 })
    console.log('console errors:', errors)
    expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([])
    await page.close()
  })
})
