/**
 * The page's side of the bulk canvas: hands the canvas to a worker that draws it (bulk-worker.ts)
 * and sends it scenes, with the marks' colours read from the page's theme.
 */
import { MARK_COLOURS, type BulkScene, type MarkColours } from './bulk-draw.js'

export interface BulkCanvas {
  draw(scene: BulkScene): void
  stop(): void
}

export function bulkCanvas(canvas: HTMLCanvasElement): BulkCanvas {
  const worker = new Worker(new URL('./bulk-worker.ts', import.meta.url), { type: 'module' })
  const offscreen = canvas.transferControlToOffscreen()
  worker.postMessage({ canvas: offscreen }, [offscreen])
  return {
    draw: (scene) => worker.postMessage({ scene }),
    stop: () => worker.terminate(),
  }
}

/** The marks' colours as `element` has them (the theme's custom properties). */
export function markColours(element: Element): MarkColours {
  const style = getComputedStyle(element)
  return Object.fromEntries(MARK_COLOURS.map((name) => [name, style.getPropertyValue(name).trim()]))
}
