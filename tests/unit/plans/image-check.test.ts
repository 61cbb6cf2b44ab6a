import { Resvg } from '@resvg/resvg-js'
import { describe, expect, it } from 'vitest'
import { checkPlanImage, MAX_PLAN_BYTES, PlanImageError, SVG_RASTER_SIDE } from '../../../hub/src/plans/image-check.js'

/** A real PNG of the given size, drawn by resvg. */
export function png(width: number, height: number): Buffer {
  return Buffer.from(new Resvg(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="${width}" height="${height}" fill="#ddd"/></svg>`).render().asPng())
}
/** The smallest JPEG: 1 × 1 px. */
const JPEG_1PX = Buffer.from('/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=', 'base64')

async function refused(data: Buffer): Promise<string> {
  try {
    await checkPlanImage(data)
  } catch (err) {
    expect(err).toBeInstanceOf(PlanImageError)
    return (err as Error).message
  }
  throw new Error('accepted')
}

describe('a site-plan drawing is checked before it is kept', () => {
  it('keeps a PNG and a JPEG as sent, with their size from the header', async () => {
    const p = png(640, 480)
    expect(await checkPlanImage(p)).toMatchObject({ format: 'png', uploaded: 'png', width: 640, height: 480, data: p })
    expect(await checkPlanImage(JPEG_1PX)).toMatchObject({ format: 'jpeg', uploaded: 'jpeg', width: 1, height: 1 })
  })

  it('rasterises an SVG to PNG, its scripts and outside references gone with it', async () => {
    const svg = Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 300 150"><script>fetch("/api/v1/users")</script><rect x="10" y="10" width="100" height="50" fill="red" onclick="alert(1)"/><image xlink:href="http://127.0.0.1:9/x.png" width="10" height="10"/></svg>')
    const c = await checkPlanImage(svg)
    expect(c).toMatchObject({ format: 'png', uploaded: 'svg', width: SVG_RASTER_SIDE, height: SVG_RASTER_SIDE / 2 })
    expect(c.data.subarray(1, 4).toString()).toBe('PNG')
    expect(c.data.includes(Buffer.from('script'))).toBe(false)
  })

  it.each([
    ['empty', Buffer.alloc(0), /empty/],
    ['a text file', Buffer.from('hello, not an image'), /not a PNG, JPEG or SVG/],
    ['a GIF', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), /not a PNG, JPEG or SVG/],
    ['a PNG cut after its signature', png(10, 10).subarray(0, 12), /damaged PNG|without its size/],
    ['a broken SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><rect width="10"></svg'), /an SVG that cannot be drawn/],
  ])('refuses %s, saying why', async (_name, data, why) => {
    expect(await refused(data)).toMatch(why)
  })

  it('refuses more bytes, pixels or side than a browser should be asked to draw', async () => {
    expect(await refused(Buffer.concat([png(10, 10), Buffer.alloc(MAX_PLAN_BYTES)]))).toMatch(/bytes: at most/)
    // A PNG header claiming 20,000 × 100 px: the header is enough to refuse it.
    const wide = png(10, 10)
    wide.writeUInt32BE(20_000, 16)
    expect(await refused(wide)).toMatch(/20000 × 10 px: at most 16384 px a side/)
    const big = png(10, 10)
    big.writeUInt32BE(8000, 16)
    big.writeUInt32BE(8000, 20)
    expect(await refused(big)).toMatch(/64\.0 megapixels: at most 40/)
  })
})
