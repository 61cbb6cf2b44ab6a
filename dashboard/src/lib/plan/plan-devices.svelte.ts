/**
 * Which of a park's devices the site plan draws how. A park of up to ELEMENTS_UP_TO devices
 * draws each one as an SVG element. A bigger park (a thousand devices and more) keeps elements
 * for the devices that matter — selected, highlighted, and the ALARMING_ELEMENTS most urgent
 * alarming ones, which pulse — and draws the rest in bulk, on a canvas a worker draws
 * (bulk-canvas.svelte.ts). Each list stays the same array while it holds the same marks, so a
 * clock tick that changes no device's look rebuilds nothing on the plan.
 */
import { alarmView } from '../alarm-view.svelte.js'
import type { DeviceWithState } from '../api.js'
import { clock } from '../clock.svelte.js'
import { deviceLook, sameLook, type DeviceLook } from '../device-state.js'
import { t } from '../i18n/index.svelte.js'
import { kept } from '../kept.svelte.js'
import { live } from '../live.svelte.js'
import { ui } from '../ui.svelte.js'
import { sameItems } from './plan-bulk.js'

/** Up to this many devices in the park, every device is an element of its own. */
export const ELEMENTS_UP_TO = 300
/** In a bigger park, at most this many alarming devices are elements (and pulse). */
export const ALARMING_ELEMENTS = 50
/** At most this many alarming devices are named on the plan; none when there are more. */
export const NAMED_UP_TO = 10

/** A device with its place on the plan; one not yet placed is listed as unplaced instead (UnplacedDevices). */
export type PlacedDevice = DeviceWithState & { position: { x: number; y: number } }
export const isPlaced = (d: DeviceWithState): d is PlacedDevice => d.position !== undefined

export type Marker = { d: PlacedDevice; look: DeviceLook }

/** What the plan's devices are drawn from; each read when the plan's frames come to it. */
export interface PlanDevicesInput {
  devices: () => readonly DeviceWithState[]
  highlight: () => ReadonlySet<string>
  /** The devices' marks are due (a frame after the plan). */
  marksReady: () => boolean
  /** The bulk is due (a frame after the marks). */
  bulkReady: () => boolean
  /** The plan's ground and names are due. */
  namesReady: () => boolean
}

/** A device's level and connectivity, as its tooltip and label say them. */
export function stateText(look: DeviceLook): string {
  const parts: string[] = []
  if (look.level !== null) parts.push(t(`level.${look.level}`))
  parts.push(t(`device.${look.connectivity}`))
  return parts.join(' · ')
}

/** The same array as `before` while it holds the same items, else `list`. */
const sameOr = <T>(list: T[], before: T[] | undefined): T[] => (before !== undefined && sameItems(list, before) ? before : list)

/** Most urgent first: level, then waiting for an acknowledgement, then newest. */
function mostUrgent(list: readonly Marker[], n: number): Marker[] {
  const byDevice = alarmView.index.byDevice
  const raisedAt = (m: Marker): number => byDevice.get(m.d.id)?.raisedAt ?? 0
  return [...list].sort((a, b) => (a.look.level ?? 9) - (b.look.level ?? 9) || Number(b.look.pulse) - Number(a.look.pulse) || raisedAt(b) - raisedAt(a)).slice(0, n)
}

/** The plan's devices, split into elements, bulk and names. Create it while a component starts. */
export function planDevices(input: PlanDevicesInput) {
  // A device keeps its marker object while its look stays the same, and the list stays the same
  // array while every marker does.
  const markerState = kept<{ list: Marker[]; byId: ReadonlyMap<string, Marker> }>((before) => {
    if (!input.marksReady()) return before !== undefined && before.list.length === 0 ? before : { list: [], byId: new Map() }
    const alarms = alarmView.index.byDevice
    const now = clock.now
    const byId = new Map<string, Marker>()
    const list: Marker[] = []
    for (const d of input.devices()) {
      if (!isPlaced(d)) continue
      const state = live.devices.get(d.id)
      const look = deviceLook({ online: state?.online ?? d.online, lastSeen: state?.lastSeen ?? d.lastSeen, intervalSec: d.interval, alarm: alarms.get(d.id), readings: d.metrics.length > 0 }, now)
      const prev = before?.byId.get(d.id)
      const m = prev !== undefined && prev.d === d && sameLook(prev.look, look) ? prev : { d, look }
      byId.set(d.id, m)
      list.push(m)
    }
    return before !== undefined && sameItems(list, before.list) ? before : { list, byId }
  })
  const markers = $derived(markerState.current.list)
  const inBulk = $derived(input.devices().length > ELEMENTS_UP_TO)
  const alarming = $derived(markers.filter((m) => m.look.level !== null))
  /** The most urgent alarming devices, drawn as elements whatever is selected. */
  const urgent = $derived(new Set(alarming.length <= ALARMING_ELEMENTS ? alarming : mostUrgent(alarming, ALARMING_ELEMENTS)))
  /** Elements whatever is selected: the most urgent alarming devices and the highlighted ones. */
  const alwaysElement = (m: Marker): boolean => urgent.has(m) || input.highlight().has(m.d.id)
  /** The devices drawn as elements; the same array while the same marks (selecting one of them changes none). */
  const asElements = kept<Marker[]>((before) => {
    if (!inBulk) return markers
    const selected = ui.device
    return sameOr(
      markers.filter((m) => alwaysElement(m) || selected === m.d.id),
      before,
    )
  })
  // Alarming devices are drawn last, on top; the most severe above the rest.
  const ordered = $derived([...asElements.current].sort((a, b) => (b.look.level ?? 9) - (a.look.level ?? 9)))
  /** The devices with a new (unacknowledged) alarm: their rings flash. */
  const pulsing = $derived(ordered.filter((m) => m.look.level !== null && m.look.pulse))
  /**
   * The devices drawn in bulk; the same array while the same marks, so the bulk is not redrawn.
   * A selected device stays in the bulk too, its element drawn over its mark: selecting one then
   * changes the marks layer only, not the bulk under it (a whole redraw of the canvas).
   */
  const inBulkList = kept<Marker[]>((before) => sameOr(inBulk && input.bulkReady() ? markers.filter((m) => !alwaysElement(m)) : [], before))
  /**
   * The alarming devices named on the plan, most severe first: all of them while there are at
   * most NAMED_UP_TO, none otherwise. Read from the alarms, not the markers, so they are placed
   * with the plan's other names; the same array while the same devices.
   */
  const named = kept<PlacedDevice[]>((before) => {
    if (!input.namesReady()) return sameOr([], before)
    const byDevice = alarmView.index.byDevice
    const alarmingHere = input.devices().filter((d): d is PlacedDevice => isPlaced(d) && byDevice.has(d.id))
    return sameOr(alarmingHere.length <= NAMED_UP_TO ? alarmingHere.sort((a, b) => byDevice.get(a.id)!.level - byDevice.get(b.id)!.level) : [], before)
  })

  return {
    /** More devices than ELEMENTS_UP_TO: the rest of them are drawn in bulk. */
    get inBulk() {
      return inBulk
    },
    /** The devices drawn as elements. */
    get asElements() {
      return asElements.current
    },
    /** The same, in drawing order: alarming last, the most severe on top. */
    get ordered() {
      return ordered
    },
    get pulsing() {
      return pulsing
    },
    /** The devices drawn in bulk. */
    get drawn() {
      return inBulkList.current
    },
    /** The alarming devices named on the plan. */
    get named() {
      return named.current
    },
  }
}
