import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** A device of the bench's generated zone, as the generators and probes use it. */
export interface Dev { id: string; secret: string; topic: string; metric: string; park: string }

export interface LoadResult { sent: number; acked: number; errors: number; elapsed: number }

const generator = fileURLToPath(new URL('./load-generator.ts', import.meta.url))

/**
 * Load spread over several hub nodes: one load-generator.ts process per MQTT URL, the devices
 * and the rate split evenly; every generator connects first, then all start together. Resolves
 * with the counters summed (elapsed: the longest).
 */
export function generate(devices: Dev[], o: { urls: string[]; rate: number; seconds: number; qos: 0 | 1; tsBase: number }): Promise<LoadResult> {
  const children: ChildProcess[] = []
  let ready = 0
  const runs = o.urls.map((url, g) => {
    const mine = devices.filter((_, i) => i % o.urls.length === g).map(({ id, secret, topic, metric }) => ({ id, secret, topic, metric }))
    const spec = { url, devices: mine, rate: o.rate / o.urls.length, seconds: o.seconds, qos: o.qos, window: 200, tsBase: o.tsBase }
    return new Promise<LoadResult>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', generator, JSON.stringify(spec)], { stdio: ['pipe', 'pipe', 'inherit'] })
      children.push(child)
      let out = ''
      child.stdout!.on('data', (d: Buffer) => {
        const before = out.includes('"ready"')
        out += d.toString()
        if (!before && out.includes('"ready"') && ++ready === o.urls.length) for (const c of children) c.stdin!.end('go\n')
      })
      child.once('exit', () => {
        const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as LoadResult & { error?: string }
        if (r.error) reject(new Error(r.error))
        else resolve(r)
      })
    })
  })
  return Promise.all(runs).then((rs) => rs.reduce((s, r) => ({ sent: s.sent + r.sent, acked: s.acked + r.acked, errors: s.errors + r.errors, elapsed: Math.max(s.elapsed, r.elapsed) }), { sent: 0, acked: 0, errors: 0, elapsed: 0 }))
}
