/**
 * uPlot, loaded on demand (its own chunk of ~51 kB, 22 kB gzipped): the command screen's first
 * paint does not wait for it, and the first chart opened fetches it once.
 */
import type uPlot from 'uplot'

let loading: Promise<typeof uPlot> | undefined
let loaded: typeof uPlot | undefined

export function loadUPlot(): Promise<typeof uPlot> {
  return (loading ??= import('uplot').then((m) => (loaded = m.default)))
}

/** The class once loaded: for what runs while a chart draws (a chart exists only after the load). */
export function uPlotClass(): typeof uPlot {
  if (loaded === undefined) throw new Error('uPlot is used before it was loaded (loadUPlot)')
  return loaded
}
