/**
 * Draws the bulk of a big site plan into the canvas the page handed over (bulk-canvas.ts), off
 * the page's main thread. Scenes that arrive while one is drawn are not all drawn: only the last.
 */
import { drawBulk, type BulkScene } from './bulk-draw.js'

let ctx: OffscreenCanvasRenderingContext2D | null = null
let latest: BulkScene | null = null
let pending = false

function drawLatest(): void {
  pending = false
  if (ctx === null || latest === null) return
  const scene = latest
  latest = null
  drawBulk(ctx, scene)
}

self.onmessage = (e: MessageEvent<{ canvas?: OffscreenCanvas; scene?: BulkScene }>) => {
  if (e.data.canvas !== undefined) ctx = e.data.canvas.getContext('2d')
  if (e.data.scene !== undefined) latest = e.data.scene
  if (!pending) {
    pending = true
    setTimeout(drawLatest)
  }
}
