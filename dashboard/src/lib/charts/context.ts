/**
 * What every chart draws with: the theme's tokens, the page's language and the zone's time
 * zone. Read inside a `$derived`, so a chart is made anew when any of them changes.
 */
import { i18n } from '../i18n/index.svelte.js'
import { ui } from '../ui.svelte.js'
import { zone } from '../zone.svelte.js'
import { readTheme, type ChartTheme } from './theme.js'

export interface ChartContext {
  theme: ChartTheme
  locale: string
  timeZone: string
}

export function chartContext(): ChartContext {
  void ui.theme // the tokens below follow <html data-theme>, which follows ui.theme
  return { theme: readTheme(), locale: i18n.intl, timeZone: zone.timeZone }
}
