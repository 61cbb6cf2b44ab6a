/** What the operator is looking at: the selected park, device, alarm and incident. */
import type { Alarm } from '../../../hub/src/model/alarm.js'

const MUTE_KEY = 'smartpark.muted'
const THEME_KEY = 'smartpark.theme'

function stored(key: string): string | null {
  try {
    return localStorage.getItem(key)
  } catch {
    return null
  }
}
function store(key: string, value: string): void {
  try {
    localStorage.setItem(key, value)
  } catch {
    /* ignore */
  }
}

export type Theme = 'dark' | 'light'

class Ui {
  park = $state<string | null>(null)
  device = $state<string | null>(null)
  alarm = $state<string | null>(null)
  /** The incident on the centre stage, when one is open. */
  incident = $state<string | null>(null)
  /** The operator chose to look at the plan while an incident is open. */
  planOverIncident = $state(false)
  muted = $state(stored(MUTE_KEY) === '1')
  theme = $state<Theme>(stored(THEME_KEY) === 'light' ? 'light' : 'dark')

  selectDevice(id: string, park?: string): void {
    this.device = id
    this.alarm = null
    if (park !== undefined) this.park = park
  }

  /** One click from an alarm to its device on the plan. */
  selectAlarm(a: Alarm): void {
    this.alarm = a.id
    this.device = a.device
    this.park = a.park
  }

  clearSelection(): void {
    this.device = null
    this.alarm = null
  }

  toggleMute(): void {
    this.muted = !this.muted
    store(MUTE_KEY, this.muted ? '1' : '0')
  }

  toggleTheme(): void {
    this.theme = this.theme === 'dark' ? 'light' : 'dark'
    store(THEME_KEY, this.theme)
  }
}

export const ui = new Ui()
