/** Hash routes: the command screen, the zone map, alarm performance, the energy and emissions pages, notifications, and shift handover reports. */
export const ROUTES = ['command', 'map', 'kpi', 'energy', 'emissions', 'notify', 'reports'] as const
export type Route = (typeof ROUTES)[number]

function parse(hash: string): Route {
  const name = hash.replace(/^#\/?/, '')
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'command'
}

class Router {
  current = $state<Route>(parse(location.hash))

  constructor() {
    addEventListener('hashchange', () => {
      this.current = parse(location.hash)
    })
  }

  href(route: Route): string {
    return `#/${route}`
  }
}

export const router = new Router()
