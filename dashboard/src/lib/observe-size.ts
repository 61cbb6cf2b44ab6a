/**
 * An element's content size from a ResizeObserver, as an attachment (`{@attach observeSize(…)}`).
 * Unlike `bind:clientWidth`, it never reads the size synchronously when the element is created,
 * so a component mounted in a click handler does not force the browser to lay out the page
 * inside that click: the observer reports the size after the next layout, before it is painted.
 */
import type { Attachment } from 'svelte/attachments'

export function observeSize(onSize: (width: number, height: number) => void): Attachment<HTMLElement> {
  return (element) => {
    const observer = new ResizeObserver(([entry]) => {
      const box = entry?.contentBoxSize[0]
      if (box !== undefined) onSize(Math.round(box.inlineSize), Math.round(box.blockSize))
    })
    observer.observe(element)
    return () => observer.disconnect()
  }
}
