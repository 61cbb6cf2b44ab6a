/**
 * Outbound hosts the hub may send notifications to (the zone file's `notify.allowHosts`, set by
 * an admin). A channel's URL comes from configuration that an admin edits and a request to
 * any other host would carry alarm details (and a key) there, so delivery checks the final URL
 * of every request — after the channel built it — against this list, and refuses otherwise,
 * for good (OWASP SSRF prevention: an allowlist of destinations). Entries are host names or
 * addresses, optionally with a port ("127.0.0.1:8091"), or "*.example.com" for its subdomains;
 * matching ignores case. Only http: and https: are sent.
 */
export class HostNotAllowedError extends Error {
  constructor(readonly host: string) {
    super(`host ${host} is not in the notification allowlist (notify.allowHosts)`)
    this.name = 'HostNotAllowedError'
  }
}

function normal(host: string): string {
  return host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '')
}

/** Whether `url`'s host (and port) is allowed by `allowHosts`. */
export function hostAllowed(url: string, allowHosts: readonly string[]): boolean {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false
  const host = normal(u.hostname)
  const port = u.port || (u.protocol === 'https:' ? '443' : '80')
  return allowHosts.some((entry) => {
    const e = parseEntry(entry)
    if (e === undefined || (e.port !== undefined && e.port !== port)) return false
    if (e.name.startsWith('*.')) return host.endsWith(e.name.slice(1)) && host.length > e.name.length - 1
    return e.name === host
  })
}

/** "host", "host:port", "[v6]", "[v6]:port", a bare v6 address, or "*.domain". */
function parseEntry(entry: string): { name: string; port: string | undefined } | undefined {
  const e = entry.trim().toLowerCase()
  if (e.startsWith('[')) {
    const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(e)
    return m ? { name: normal(m[1]!), port: m[2] } : undefined
  }
  const parts = e.split(':')
  if (parts.length === 2) return /^\d+$/.test(parts[1]!) ? { name: normal(parts[0]!), port: parts[1] } : undefined
  return { name: normal(e), port: undefined }
}

/** Throws HostNotAllowedError unless `url` may be sent to. */
export function assertHostAllowed(url: string, allowHosts: readonly string[]): void {
  if (!hostAllowed(url, allowHosts)) {
    let host = '(invalid URL)'
    try {
      host = new URL(url).host
    } catch {
      // the URL does not parse: the message says so
    }
    throw new HostNotAllowedError(host)
  }
}
