/**
 * The page's side of the bulk canvas: an attachment that hands the canvas to a worker that draws
 * it (bulk-worker.ts) and sends it each new scene, with the marks' colours read from the page's
 * theme at the next frame (when a theme change has been applied).
 */
import type { Attachment } from 'svelte/attachments'
import { MARK_COLOURS, type BulkScene, type MarkColours } from './bulk-draw.js'
import { ui } from './ui.svelte.js'

/** The marks' colours as `element` has them (the theme's custom properties). */
export function markColours(element: Element): MarkColours {
  const style = getComputedStyle(element)
  return Object.fromEntries(MARK_COLOURS.map((name) => [name, style.getPropertyValue(name).trim()]))
}

/** Draws `scene()` (nothing to draw while it is null) on the canvas, in a worker, for as long as the canvas is attached. */
export function bulkCanvas(scene: () => Omit<BulkScene, 'colours'> | null): Attachment<HTMLCanvasElement> {
  return (canvas) => {
    const worker = new Worker(new URL('./bulk-worker.ts', import.meta.url), { type: 'module' })
    const offscreen = canvas.transferControlToOffscreen()
    worker.postMessage({ canvas: offscreen }, [offscreen])
    $effect(() => {
      const next = scene()
      void ui.theme
      if (next === null) return
      const frame = requestAnimationFrame(() => worker.postMessage({ scene: { ...next, colours: markColours(canvas) } }))
      return () => cancelAnimationFrame(frame)
    })
    return () => worker.terminate()
  }
}
