/** English: the zone map (each park's position, outline and live level), the site plan's zoom and drawing. Typed against the zh-CN keys. */
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
  'plan.zoom': 'Zoom',
  'plan.zoomIn': 'Zoom in',
  'plan.zoomOut': 'Zoom out',
  'plan.fit': 'Fit',
  'plan.drawing': 'Drawing',
  'plan.drawingUpload': 'Upload the park\'s drawing (PNG, JPEG or SVG, ≤ 10 MB)',
  'plan.drawingSvg': 'SVG drawn as PNG',
  'plan.drawingScale': 'Scale (metres per pixel)',
  'plan.drawingSave': 'Save scale',
  'plan.drawingRemove': 'Remove drawing',
  'plan.unplaced': 'Not placed on the plan ({n})',
  'plan.unplacedHint': 'Drag one onto the plan to place it',
  'plan.group': '{area}: {n} devices ({offline} offline); click to zoom in',
}
