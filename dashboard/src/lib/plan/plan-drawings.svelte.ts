/**
 * Each park's site-plan drawing as the plans draw it: what it is and where it lies (plans.ts),
 * and an object URL of its image. Asked for once per park when its plan is first shown; an
 * upload or a new placement replaces the park's entry.
 */
import { plansApi, type PlanInfo } from '../plans.js'

class PlanDrawings {
  info = $state.raw(new Map<string, PlanInfo>())
  url = $state.raw(new Map<string, string>())
  private asked = new Set<string>()

  /** Ask the hub for a park's drawing, once. */
  want(park: string): void {
    if (this.asked.has(park)) return
    this.asked.add(park)
    plansApi.info(park).then((i) => this.set(i), () => this.asked.delete(park))
  }

  set(i: PlanInfo): void {
    this.info = new Map(this.info).set(i.park, i)
    if (!i.image) {
      const next = new Map(this.url)
      next.delete(i.park)
      this.url = next
      return
    }
    const version = i.image.version
    plansApi.imageUrl(i.park, version).then((u) => {
      if (this.info.get(i.park)?.image?.version === version) this.url = new Map(this.url).set(i.park, u)
    }, () => undefined)
  }
}

export const planDrawings = new PlanDrawings()

/** Where the image lies on the site, metres: its placement, or the whole site when it has none. */
export function drawingRect(i: PlanInfo, site: { width: number; height: number }): { x: number; y: number; w: number; h: number } | undefined {
  if (!i.image) return undefined
  if (!i.placement) return { x: 0, y: 0, w: site.width, h: site.height }
  const s = i.placement.metresPerPixel
  return { x: i.placement.origin.x, y: i.placement.origin.y, w: i.image.width * s, h: i.image.height * s }
}
