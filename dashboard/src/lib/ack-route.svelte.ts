/**
 * The personal acknowledgement link `#/ack/<token>` (docs/notifications.md): a page of its own,
 * shown without signing in; the token is the credential. Opening it acknowledges nothing.
 */
function tokenOf(hash: string): string | null {
  const m = /^#\/ack\/([^/?#]+)$/.exec(hash)
  if (m === null) return null
  try {
    return decodeURIComponent(m[1]!)
  } catch {
    return null
  }
}

class AckRoute {
  token = $state<string | null>(tokenOf(location.hash))

  constructor() {
    addEventListener('hashchange', () => {
      this.token = tokenOf(location.hash)
    })
  }
}

export const ackRoute = new AckRoute()
