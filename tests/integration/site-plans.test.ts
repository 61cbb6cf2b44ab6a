/**
 * Site-plan drawings through a real hub's REST API: an admin uploads a park's drawing and places
 * it by two reference points; every signed-in user of the park gets it; other roles may not
 * change it; bad uploads are refused with the reason and change nothing; it all survives a
 * restart and is audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Resvg } from '@resvg/resvg-js'
import { api, login, startTestHub, type TestHub } from '../support/hub-harness.js'
import type { PlanInfo } from '../../hub/src/model/plan.js'

const png = (w: number, h: number): Buffer => Buffer.from(new Resvg(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="#cde"/></svg>`).render().asPng())

async function upload(t: TestHub, park: string, body: Buffer, type: string, token = t.adminToken): Promise<{ status: number; body: PlanInfo & { message?: string } }> {
  const res = await fetch(`${t.http}/api/v1/parks/${park}/plan/image`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body: new Uint8Array(body) })
  return { status: res.status, body: (await res.json()) as PlanInfo & { message?: string } }
}

describe('site-plan drawings through the API', () => {
  let t: TestHub

  beforeAll(async () => {
    t = await startTestHub()
  })
  afterAll(async () => {
    await t?.stop()
  })

  it('an admin uploads and places a drawing; a signed-in user of the park gets both', async () => {
    expect((await api<PlanInfo>(t, 'GET', '/api/v1/parks/vtc/plan')).body).toEqual({ park: 'vtc' })
    const up = await upload(t, 'vtc', png(1200, 800), 'image/png')
    expect(up.status).toBe(200)
    expect(up.body.image).toMatchObject({ format: 'png', uploaded: 'png', width: 1200, height: 800, uploadedBy: 'admin' })
    const placed = await api<PlanInfo>(t, 'PUT', '/api/v1/parks/vtc/plan/placement', { points: [{ px: { x: 0, y: 0 }, m: { x: -20, y: -20 } }, { px: { x: 1200, y: 800 }, m: { x: 1180, y: 780 } }] })
    expect(placed.status).toBe(200)
    expect(placed.body.placement!.metresPerPixel).toBeCloseTo(1, 9)
    expect(placed.body.placement!.origin).toEqual({ x: -20, y: -20 })

    const viewer = await login(t.http, 'viewer', 'viewer-demo')
    const info = await api<PlanInfo>(t, 'GET', '/api/v1/parks/vtc/plan', undefined, viewer)
    expect(info.body.image?.version).toBe(up.body.image!.version)
    const img = await fetch(`${t.http}/api/v1/parks/vtc/plan/image`, { headers: { authorization: `Bearer ${viewer}` } })
    expect(img.status).toBe(200)
    expect(img.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await img.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG')
    // Another park's user sees nothing of it (scope): 404, as for a park that does not exist.
    const vtcOnly = await login(t.http, 'vtc-safety', 'vtc-safety-demo')
    expect((await api(t, 'GET', '/api/v1/parks/glc/plan', undefined, vtcOnly)).status).toBe(404)
    expect((await api(t, 'GET', '/api/v1/parks/nowhere/plan')).status).toBe(404)
  })

  it('refuses other roles, bad images and impossible placements, changing nothing', async () => {
    const before = (await api<PlanInfo>(t, 'GET', '/api/v1/parks/vtc/plan')).body
    const safety = await login(t.http, 'safety', 'safety-demo')
    expect((await upload(t, 'vtc', png(10, 10), 'image/png', safety)).status).toBe(403)
    const text = await upload(t, 'vtc', Buffer.from('not an image at all'), 'image/png')
    expect(text.status).toBe(400)
    expect(text.body.message).toMatch(/not a PNG, JPEG or SVG/)
    const gif = await fetch(`${t.http}/api/v1/parks/vtc/plan/image`, { method: 'PUT', headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'image/gif' }, body: Buffer.from('GIF89a') })
    expect(gif.status).toBe(415)
    const huge = await upload(t, 'vtc', Buffer.alloc(11 * 2 ** 20), 'image/png')
    expect(huge.status).toBe(413)
    const turned = await api<{ message: string }>(t, 'PUT', '/api/v1/parks/vtc/plan/placement', { points: [{ px: { x: 0, y: 0 }, m: { x: 0, y: 0 } }, { px: { x: 100, y: 0 }, m: { x: 0, y: 100 } }] })
    expect(turned.status).toBe(400)
    expect(turned.body.message).toMatch(/turned 90\.0°/)
    expect((await api(t, 'PUT', '/api/v1/parks/vtc/plan/placement', { metresPerPixel: -1 })).status).toBe(400)
    expect((await api<PlanInfo>(t, 'GET', '/api/v1/parks/vtc/plan')).body).toEqual(before)
  })

  it('an SVG is kept as a PNG; the drawing and placement survive a restart; every change is audited', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 100"><script>alert(1)</script><rect width="400" height="100" fill="#eee"/></svg>')
    const up = await upload(t, 'glc', svg, 'image/svg+xml')
    expect(up.status).toBe(200)
    expect(up.body.image).toMatchObject({ format: 'png', uploaded: 'svg', width: 4096, height: 1024 })
    const vtc = (await api<PlanInfo>(t, 'GET', '/api/v1/parks/vtc/plan')).body
    await t.stop({ keepData: true })
    t = await startTestHub({ dataDir: t.dataDir })
    expect((await api<PlanInfo>(t, 'GET', '/api/v1/parks/vtc/plan')).body).toEqual(vtc)
    expect((await api<PlanInfo>(t, 'GET', '/api/v1/parks/glc/plan')).body.image?.uploaded).toBe('svg')
    const audit = (await api<{ entries: { action: string; target?: string; ok: boolean }[] }>(t, 'GET', '/api/v1/audit?action=plan')).body.entries
    expect(audit.filter((e) => e.action === 'plan.image' && e.ok).map((e) => e.target).sort()).toEqual(['glc', 'vtc'])
    expect(audit.some((e) => e.action === 'plan.image' && !e.ok)).toBe(true)
    expect(audit.some((e) => e.action === 'plan.placement' && e.target === 'vtc')).toBe(true)
  })
})
