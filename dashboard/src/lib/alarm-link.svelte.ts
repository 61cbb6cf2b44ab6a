/**
 * A message's link to an alarm, `#/alarms/<id>` (the hub's notifications link to it,
 * docs/notifications.md): the command screen with that alarm selected, once it is live.
 */
function idOf(hash: string): string | null {
  const m = /^#\/alarms\/([^/?#]+)$/.exec(hash)
  if (m === null) return null
  try {
    return decodeURIComponent(m[1]!)
  } catch {
    return null
  }
}

class AlarmLink {
  /** The alarm the address names, until it has been selected. */
  id = $state<string | null>(idOf(location.hash))

  constructor() {
    addEventListener('hashchange', () => {
      this.id = idOf(location.hash)
    })
  }

  /** Selected: later changes of the alarm do not select it again. */
  done(): void {
    this.id = null
  }
}

export const alarmLink = new AlarmLink()
