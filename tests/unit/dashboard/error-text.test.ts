import { afterEach, describe, expect, it, vi } from 'vitest'
import { ERROR_CODES } from '../../../hub/src/api/error-codes.js'
import { ERROR_TEXT, errorText } from '../../../dashboard/src/lib/error-text.js'
import { api, ApiError } from '../../../dashboard/src/lib/api.js'

/** The dashboard shows the hub's error codes (docs/contract.md) as text in zh-CN and en. */
describe('error codes on the screen', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('has zh-CN and en text for every code of the hub’s catalogue, and no code the hub lacks', () => {
    const hub = Object.keys(ERROR_CODES).sort()
    const screen = Object.keys(ERROR_TEXT).filter((c) => c !== 'NETWORK').sort()
    expect(screen).toEqual(hub)
    for (const [code, text] of Object.entries(ERROR_TEXT)) {
      expect(text['zh-CN'], code).toMatch(/[\u4e00-\u9fff]/)
      expect(text.en, code).toMatch(/^[A-Z][ -~]+$/)
    }
  })

  it('reads the code of a hub’s error reply into ApiError, and a reply without one by its status', async () => {
    const reply = (status: number, body: object): Response => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
    const fetched = vi.fn()
      .mockResolvedValueOnce(reply(400, { statusCode: 400, error: 'Bad Request', message: 'a year at 1 s', code: 'TOO_MANY_POINTS' }))
      .mockResolvedValueOnce(reply(409, { statusCode: 409, error: 'Conflict', message: 'already closed' }))
      .mockRejectedValueOnce(new TypeError('failed to fetch'))
    vi.stubGlobal('fetch', fetched)
    const codes: unknown[] = []
    for (let i = 0; i < 3; i++) await api.kpi('24h').catch((err: unknown) => codes.push(err instanceof ApiError ? [err.status, err.code] : err))
    expect(codes).toEqual([[400, 'TOO_MANY_POINTS'], [409, 'CONFLICT'], [0, 'NETWORK']])
    expect(errorText('TOO_MANY_POINTS', 'en')).toBe('Too many points: choose a shorter range or a coarser interval')
    expect(errorText('NOT_FOUND', 'zh-CN')).toBe('未找到，或不在您的管辖范围内')
  })
})
