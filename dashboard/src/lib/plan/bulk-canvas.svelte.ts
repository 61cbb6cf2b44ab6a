/**
 * The page's side of the bulk canvas: an attachment that hands the canvas to a worker that draws
 * it (bulk-worker.ts) and sends it each new scene, with the marks' colours read from the page's
 * theme at the next frame (when a theme change has been applied).
 */
import type { Attachment } from 'svelte/attachments'
import { MARK_COLOURS, type BulkScene, type MarkColours } from './bulk-draw.js'
import { ui } from '../ui.svelte.js'

/** The marks' colours as `element` has them (the theme's custom properties). */
export function markColours(element: Element): MarkColours {
  const style = getComputedStyle(element)
  return Object.fromEntries(MARK_COLOURS.map((name) => [name, style.getPropertyValue(name).trim()]))
}

/** Draws `scene()` (nothing to draw while it is null) on the canvas, in a worker, for as long as the canvas is attached. */
export function bulkCanvas(scene: () => Omit<BulkScene, 'colours'> | null): Attachment<HTMLCanvasElement> {
  return (canvas) => {
    let worker: Worker | undefined
    let latest: BulkScene | undefined
    // The worker starts and takes the canvas once the frame that shows the plan has painted: the
    // first hand-over of a page took 24 ms of the click that opened the biggest park (a CPU
    // profile in the dashboard bench), and the bulk comes a frame after the plan anyway.
    let timer: ReturnType<typeof setTimeout> | undefined
    const start = requestAnimationFrame(
      () =>
        (timer = setTimeout(() => {
          worker = new Worker(new URL('./bulk-worker.ts', import.meta.url), { type: 'module' })
          const offscreen = canvas.transferControlToOffscreen()
          worker.postMessage({ canvas: offscreen }, [offscreen])
          if (latest !== undefined) worker.postMessage({ scene: latest })
        })),
    )
    $effect(() => {
      const next = scene()
      void ui.theme
      if (next === null) return
      const frame = requestAnimationFrame(() => {
        latest = { ...next, colours: markColours(canvas) }
        worker?.postMessage({ scene: latest })
      })
      return () => cancelAnimationFrame(frame)
    })
    return () => {
      cancelAnimationFrame(start)
      clearTimeout(timer)
      worker?.terminate()
    }
  }
}
