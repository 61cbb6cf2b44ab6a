/**
 * The names the site plan asks to place (plan-labels.ts places them): alarming devices (most
 * severe first), the affected area, areas, buildings by size. A name that would overlap one
 * placed before it is left to the tooltip.
 */
import type { Park } from '../../../../hub/src/model/zone.js'
import type { PlacedDevice } from './plan-devices.svelte.js'
import { localName } from '../i18n/index.svelte.js'
import type { LabelRequest } from './plan-labels.js'

/** A device's name hangs below its selection ring (r × 2.4, r = u × 1.1) by the text's ascent. */
export function deviceLabel(d: PlacedDevice, u: number, textU: number): LabelRequest {
  return { id: `device:${d.id}`, text: localName(d), x: d.position.x, y: d.position.y + u * 1.1 * 2.4 + textU * 1.1, size: textU * 1.15, anchor: 'middle' }
}

/** The names of `named` devices, then the park's areas (the highlighted one first), then its buildings, largest first. */
export function nameRequests(park: Park, named: readonly PlacedDevice[], highlightArea: string | undefined, u: number, textU: number): LabelRequest[] {
  const areas = [...park.areas].sort((a, b) => Number(b.id === highlightArea) - Number(a.id === highlightArea))
  const buildings = [...park.site.buildings].sort((a, b) => b.rect.w * b.rect.h - a.rect.w * a.rect.h)
  return [
    ...named.map((d) => deviceLabel(d, u, textU)),
    // Above the area's outline, where its devices do not cover it.
    ...areas.map((a) => ({ id: `area:${a.id}`, text: localName(a), x: a.rect.x, y: a.rect.y - textU * 0.6, size: textU * 1.6, anchor: 'start' as const })),
    ...buildings.map((b) => ({ id: `building:${b.id}`, text: localName(b), x: b.rect.x + b.rect.w / 2, y: b.rect.y + b.rect.h + textU * 1.6, size: textU * 1.3, anchor: 'middle' as const })),
  ]
}
