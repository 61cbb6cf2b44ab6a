/**
 * The live alarms as the overview sees them, computed once per change for every reader
 * (header, park tiles, site plan, tab title) instead of once per reader and per park.
 */
import { hasPendingShelf, indexAlarms } from './alarms.js'
import { clock } from './clock.svelte.js'
import { live } from './live.svelte.js'

class AlarmView {
  /**
   * Hub time for deciding what is hidden (shelved). It ticks with the clock only while some
   * alarm is shelved until a later time; otherwise nothing hidden depends on the time, and the
   * alarm lists are not rebuilt every second.
   */
  now = $derived.by(() => (hasPendingShelf(live.alarms.values(), clock.read()) ? clock.now : clock.read()))

  index = $derived(indexAlarms(live.alarms.values(), this.now))
}

export const alarmView = new AlarmView()
