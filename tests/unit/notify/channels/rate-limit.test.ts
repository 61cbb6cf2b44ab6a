import { describe, expect, it } from 'vitest'
import { RateLimiter } from '../../../../hub/src/notify/rate-limit.js'
import { rateWindows } from '../../../../hub/src/notify/channels/registry.js'

describe('send rate per channel (sliding window)', () => {
  it('lets 20 go within a minute, then waits for the oldest to leave the window (plus the margin)', () => {
    const l = new RateLimiter([{ limit: 20, windowMs: 60_000 }], 1000)
    let t = 0
    for (let i = 0; i < 20; i++) {
      expect(l.waitMs(t)).toBe(0)
      l.record(t)
      t += 100
    }
    expect(l.waitMs(t)).toBe(61_000 - t)
    expect(l.waitMs(61_000)).toBe(0)
  })

  it('never lets more than 20 through in any minute, however they come (unlike a full token bucket)', () => {
    const l = new RateLimiter([{ limit: 20, windowMs: 60_000 }], 0)
    const sent: number[] = []
    for (let t = 0; t < 300_000; t += 250) {
      if (l.waitMs(t) === 0) {
        l.record(t)
        sent.push(t)
      }
    }
    for (const start of sent) expect(sent.filter((s) => s >= start && s < start + 60_000).length).toBeLessThanOrEqual(20)
    expect(sent.length).toBe(100) // 20 a minute for 5 minutes
  })

  it('keeps every window of a platform: Feishu 100 a minute and 5 a second', () => {
    const l = new RateLimiter(rateWindows('feishu', undefined), 0)
    for (let i = 0; i < 5; i++) l.record(0)
    expect(l.waitMs(0)).toBe(1000)
    expect(l.waitMs(1000)).toBe(0)
  })

  it('takes each platform\'s rate, and the channel\'s ratePerMinute over it', () => {
    expect(rateWindows('wecom', undefined)).toEqual([{ limit: 20, windowMs: 60_000 }])
    expect(rateWindows('dingtalk', 10)).toEqual([{ limit: 10, windowMs: 60_000 }])
    expect(rateWindows('sms', undefined)).toEqual([])
    expect(rateWindows('webhook', 600)).toEqual([{ limit: 600, windowMs: 60_000 }])
  })
})
