/** English: the zone map (each park's position, outline and live level). Typed against the zh-CN keys. */
import type { zhMap } from './zh-CN-map.js'

export const enMap: Readonly<Record<keyof typeof zhMap, string>> = {
  'nav.map': 'Zone map',
  'map.title': 'Zone map',
  'map.offline': 'No basemap: park outlines, roads and rivers from the zone file',
  'map.basemap': 'Online basemap ({crs})',
  'map.fit': 'Show all parks',
  'map.unplaced': '{n} parks without a position:',
  'map.normal': 'Normal',
  'map.online': 'Online {n}/{total}',
}
