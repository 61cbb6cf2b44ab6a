/**
 * A uPlot plugin for the hover tooltip: the point's time in the zone's time zone, and each
 * value with its unit (the caller writes the lines). Text only (textContent, never HTML). It
 * follows the cursor inside the chart and flips to the cursor's left near the right edge.
 */
import type uPlot from 'uplot'

export interface TipLine {
  text: string
  /** A swatch before the text (a series' colour); none for the time line. */
  swatch?: string
  strong?: boolean
}

/** `lines(u, idx)`: the tooltip of the data index under the cursor, or null for none. */
export function tooltipPlugin(lines: (u: uPlot, idx: number) => TipLine[] | null): uPlot.Plugin {
  let tip: HTMLDivElement | null = null
  const hide = (): void => {
    if (tip) tip.hidden = true
  }
  return {
    hooks: {
      init: (u) => {
        tip = document.createElement('div')
        tip.className = 'chart-tip'
        tip.dataset.testid = 'chart-tooltip'
        tip.setAttribute('role', 'status')
        tip.hidden = true
        u.root.querySelector('.u-wrap')?.appendChild(tip)
        u.over.addEventListener('mouseleave', hide)
      },
      setCursor: (u) => {
        if (tip === null) return
        const idx = u.cursor.idx
        const left = u.cursor.left ?? -1
        const content = idx === null || idx === undefined || left < 0 ? null : lines(u, idx)
        if (content === null || content.length === 0) return hide()
        tip.replaceChildren(
          ...content.map((l) => {
            const row = document.createElement('div')
            if (l.strong) row.className = 'strong'
            if (l.swatch !== undefined) {
              const sw = document.createElement('i')
              sw.style.background = l.swatch
              row.append(sw)
            }
            row.append(l.text)
            return row
          }),
        )
        tip.hidden = false
        const plotLeft = u.over.offsetLeft
        const plotTop = u.over.offsetTop
        const x = plotLeft + left
        const y = plotTop + Math.max(0, u.cursor.top ?? 0)
        const flip = x + 16 + tip.offsetWidth > u.root.clientWidth
        tip.style.left = `${flip ? Math.max(0, x - 12 - tip.offsetWidth) : x + 12}px`
        tip.style.top = `${Math.min(Math.max(0, y - tip.offsetHeight - 8), Math.max(0, u.root.clientHeight - tip.offsetHeight))}px`
      },
      destroy: (u) => {
        u.over.removeEventListener('mouseleave', hide)
        tip?.remove()
        tip = null
      },
    },
  }
}
