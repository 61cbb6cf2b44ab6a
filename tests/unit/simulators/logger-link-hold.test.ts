import { createServer, type Server, type Socket } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { LoggerLink } from '../../../simulators/src/hj212/logger-link.js'

describe('a simulated data logger\'s link (logger-link.ts)', () => {
  let server: Server | undefined
  let link: LoggerLink | undefined
  afterEach(async () => {
    vi.restoreAllMocks()
    await link?.stop()
    await new Promise((r) => (server ? server.close(r) : r(undefined)))
    server = undefined
    link = undefined
  })

  it('comes back after a disconnect even when its timer fires before Date.now() reaches the end of the hold', async () => {
    const sockets: Socket[] = []
    server = createServer((s) => void sockets.push(s))
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
    const port = (server.address() as { port: number }).port
    link = new LoggerLink('51040000000001', { host: '127.0.0.1', port })
    expect(await link.connect()).toBe(true)
    await vi.waitFor(() => expect(sockets.length).toBe(1))
    link.disconnect(100)
    // Date.now() lags the timers by 20 ms from here (timers count from the loop's cached time).
    const realNow = Date.now.bind(Date)
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() - 20)
    await vi.waitFor(() => expect(sockets.length).toBe(2), { timeout: 3000, interval: 20 })
    expect(link.connected).toBe(true)
  })
})
