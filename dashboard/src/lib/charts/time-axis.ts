/**
 * One time axis for every chart, in the zone's time zone (the zone file's `timezone`, IANA),
 * whatever the browser's own zone: uPlot places its ticks on the zone's round hours and days
 * through `tzDate`, and the labels are written here with Intl in that zone and the page's
 * language. Instants are epoch milliseconds (uPlot's `ms: 1`).
 */
import type uPlot from 'uplot'
import { localParts } from '../local-date.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/**
 * uPlot's `tzDate` for a zone: a Date whose local fields read as the zone's wall clock (as
 * uPlot.tzDate does, through the cached Intl parts rather than toLocaleString, and without
 * loading uPlot for it).
 */
export function zoneDate(timeZone: string): (ts: number) => Date {
  return (ts) => {
    const p = localParts(ts, timeZone)
    return new Date(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, ((ts % 1000) + 1000) % 1000)
  }
}

const formats = new Map<string, Intl.DateTimeFormat>()

function format(locale: string, timeZone: string, kind: 'hm' | 'md' | 'ym' | 'ymd'): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${kind}`
  let f = formats.get(key)
  if (f === undefined) {
    const opts: Intl.DateTimeFormatOptions =
      kind === 'hm' ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : kind === 'md' ? { month: '2-digit', day: '2-digit' } : kind === 'ym' ? { year: 'numeric', month: '2-digit' } : { year: 'numeric', month: '2-digit', day: '2-digit' }
    f = new Intl.DateTimeFormat(locale, { timeZone, ...opts })
    formats.set(key, f)
  }
  return f
}

/**
 * Labels for the ticks uPlot chose, `step` apart: times of day under a day's step, with the
 * date under the first tick and under each tick that starts a new day; dates from a day's
 * step; year and month from a month's.
 */
export function tickLabels(ticks: readonly number[], step: number, locale: string, timeZone: string): string[] {
  if (step >= 28 * DAY) return ticks.map((ts) => format(locale, timeZone, 'ym').format(ts))
  if (step >= DAY) return ticks.map((ts) => format(locale, timeZone, 'md').format(ts))
  const md = format(locale, timeZone, 'md')
  const hm = format(locale, timeZone, 'hm')
  let lastDay = ''
  return ticks.map((ts, i) => {
    const day = md.format(ts)
    const withDay = i === 0 || day !== lastDay
    lastDay = day
    return withDay ? `${hm.format(ts)}\n${day}` : hm.format(ts)
  })
}

/**
 * The time of a point in a tooltip: date and time to the minute (to the second when asked),
 * then the zone's offset ("GMT+5:30"), so a reader in another zone knows which clock it is.
 */
export function pointTime(ts: number, locale: string, timeZone: string, withSeconds = false): string {
  const key = `${locale}|${timeZone}|tip${withSeconds ? 's' : ''}`
  let f = formats.get(key)
  if (f === undefined) {
    f = new Intl.DateTimeFormat(locale, { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', ...(withSeconds ? { second: '2-digit' } : {}), hourCycle: 'h23' })
    formats.set(key, f)
  }
  return `${f.format(ts)} ${zoneOffsetName(ts, timeZone)}`
}

const offsetNames = new Map<string, Intl.DateTimeFormat>()

/** "GMT+8", "GMT+5:30", "GMT-5": the zone's offset at an instant (daylight saving included). */
export function zoneOffsetName(ts: number, timeZone: string): string {
  let f = offsetNames.get(timeZone)
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'shortOffset' })
    offsetNames.set(timeZone, f)
  }
  return f.formatToParts(ts).find((p) => p.type === 'timeZoneName')?.value ?? timeZone
}

/** The x axis of a time chart: zone ticks, zone labels, room for the two-line labels. */
export function timeAxis(locale: () => string, timeZone: () => string, colours: { text: string; grid: string; font: string }): uPlot.Axis {
  return {
    stroke: colours.text,
    font: `11px ${colours.font}`,
    grid: { stroke: colours.grid, width: 1 },
    ticks: { stroke: colours.grid, width: 1, size: 4 },
    size: 40,
    space: 70,
    values: (u, splits, _axis, _space, incr) => {
      const labels = tickLabels(splits, incr, locale(), timeZone())
      // The labels as drawn, on the chart's element: the canvas has no text to read.
      u.root.dataset.xTicks = labels.map((l) => l.replace('\n', ' ')).join('|')
      return labels
    },
  }
}

export { HOUR, DAY }
