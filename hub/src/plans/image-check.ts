import { imageSize } from 'image-size'

/**
 * What an uploaded site-plan drawing may be, and what the hub keeps of it. PNG and JPEG are
 * kept as sent once their header says what they are and how big; an SVG is rasterised to PNG
 * by resvg (which runs no script and fetches nothing), since an SVG served back could carry
 * scripts. Limits: the bytes (the route's body limit) and the pixels, which a browser must
 * decode and hold (a 40-megapixel image is 160 MB of RGBA) and a canvas can draw (16,384 px
 * a side in Chromium).
 */
export const MAX_PLAN_BYTES = 10 * 2 ** 20
export const MAX_PLAN_PIXELS = 40_000_000
export const MAX_PLAN_SIDE = 16_384
/** An SVG is drawn this many pixels on its longer side. */
export const SVG_RASTER_SIDE = 4096

export class PlanImageError extends Error {}

export interface CheckedImage {
  format: 'png' | 'jpeg'
  uploaded: 'png' | 'jpeg' | 'svg'
  data: Buffer
  width: number
  height: number
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

function kindOf(data: Buffer): 'png' | 'jpeg' | 'svg' | undefined {
  if (data.subarray(0, 8).equals(PNG_MAGIC)) return 'png'
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg'
  const head = data.subarray(0, 1024).toString('utf8').replace(/^\uFEFF/, '').trimStart()
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(head)) return 'svg'
  return undefined
}

function checkPixels(width: number, height: number): void {
  if (width > MAX_PLAN_SIDE || height > MAX_PLAN_SIDE) throw new PlanImageError(`the image is ${width} × ${height} px: at most ${MAX_PLAN_SIDE} px a side`)
  if (width * height > MAX_PLAN_PIXELS) throw new PlanImageError(`the image is ${(width * height / 1e6).toFixed(1)} megapixels: at most ${MAX_PLAN_PIXELS / 1e6}`)
}

/** Check an upload and return what to keep; a clear error for anything else. */
export async function checkPlanImage(data: Buffer): Promise<CheckedImage> {
  if (data.length === 0) throw new PlanImageError('the upload is empty')
  if (data.length > MAX_PLAN_BYTES) throw new PlanImageError(`the upload is ${data.length} bytes: at most ${MAX_PLAN_BYTES}`)
  const kind = kindOf(data)
  if (kind === undefined) throw new PlanImageError('not a PNG, JPEG or SVG image')
  if (kind === 'svg') return rasterise(data, (await import('@resvg/resvg-js')).Resvg)
  let size: { width?: number | undefined; height?: number | undefined; type?: string | undefined }
  try {
    size = imageSize(data)
  } catch (err) {
    throw new PlanImageError(`a damaged ${kind.toUpperCase()}: ${(err as Error).message}`)
  }
  if (!size.width || !size.height) throw new PlanImageError(`a ${kind.toUpperCase()} without its size`)
  checkPixels(size.width, size.height)
  return { format: kind, uploaded: kind, data, width: size.width, height: size.height }
}

/** resvg is a native module of some megabytes: loaded when the first SVG comes, not at every start. */
function rasterise(data: Buffer, Resvg: typeof import('@resvg/resvg-js').Resvg): CheckedImage {
  let png: Buffer
  let width: number
  let height: number
  try {
    // The size needs no fonts; the drawing does (Chinese labels of a CAD export).
    const probe = new Resvg(data, { font: { loadSystemFonts: false } })
    const longer = Math.max(probe.width, probe.height)
    if (!(longer > 0)) throw new PlanImageError('an SVG without a size (width, height or viewBox)')
    const fitTo = probe.width >= probe.height ? { mode: 'width' as const, value: Math.min(SVG_RASTER_SIDE, Math.max(1, Math.round(probe.width * (SVG_RASTER_SIDE / longer)))) } : { mode: 'height' as const, value: Math.min(SVG_RASTER_SIDE, Math.max(1, Math.round(probe.height * (SVG_RASTER_SIDE / longer)))) }
    const rendered = new Resvg(data, { fitTo, font: { loadSystemFonts: true }, background: 'rgba(255,255,255,0)' }).render()
    png = rendered.asPng()
    width = rendered.width
    height = rendered.height
  } catch (err) {
    if (err instanceof PlanImageError) throw err
    throw new PlanImageError(`an SVG that cannot be drawn: ${(err as Error).message}`)
  }
  checkPixels(width, height)
  return { format: 'png', uploaded: 'svg', data: png, width, height }
}
