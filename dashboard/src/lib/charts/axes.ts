/** The value axis shared by the charts: grid lines, figures in the page's locale, the unit as its title. */
import type uPlot from 'uplot'
import { formatNumber } from '../format.js'
import type { ChartTheme } from './theme.js'

export function axisOf(theme: ChartTheme, locale: string, unit: string, size = 56): uPlot.Axis {
  return {
    stroke: theme.text,
    font: `11px ${theme.font}`,
    labelFont: `11px ${theme.font}`,
    label: unit,
    labelSize: unit ? 16 : 0,
    labelGap: 0,
    size,
    grid: { stroke: theme.grid, width: 1 },
    ticks: { show: false },
    values: (_u, splits) => splits.map((v) => formatNumber(v, locale)),
  }
}

/** Finite or null: uPlot hands a range function ±Infinity or null when nothing is shown. */
export function finite(v: number | null | undefined): number | null {
  return v === null || v === undefined || !Number.isFinite(v) ? null : v
}
