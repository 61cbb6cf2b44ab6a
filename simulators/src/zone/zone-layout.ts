import type { Building, Enterprise, Park, Rect } from '../../../hub/src/model/zone.js'
import type { Prng } from './prng.js'
import { NAME_HEADS, NAME_TAILS, type AreaTemplate, type IndustryTemplate, type ParkTemplate } from './zone-catalogue.js'

/**
 * The layout of the demo zone: each park's site plan (its gates, its enterprises' plots with
 * their areas in rows with roads between, the structures drawn in each area, its assembly
 * points) and the enterprises themselves (names and figures from the seed). Positions are
 * metres on the park's site plan, origin top left. What stands in each area is
 * zone-devices.ts's job; zone-generator.ts puts the two together.
 */

/** Metres to one decimal, as the zone file writes positions. */
export const round1 = (v: number): number => Math.round(v * 10) / 10

/** A park's site plan: the rectangle of each area, and the site's size in metres. */
export interface SiteLayout<A> { rects: Map<A, Rect>; width: number; height: number }

/**
 * Lays each enterprise's areas out in a row (its plot), the plots in rows with roads between,
 * about half again as wide as high, then spreads them over the site: the rows down its height
 * and each row's plots across its width, the spare room going to the roads. A small park so
 * fills its plan instead of crowding one corner of it.
 */
export function layoutPark<A extends { tpl: AreaTemplate }>(enterprises: readonly { areas: readonly A[] }[]): SiteLayout<A> {
  const MARGIN = 60, ROAD = 30, PAD = 10, GAP = 14
  const plots = enterprises.map((e) => {
    const w = PAD * 2 + e.areas.reduce((s, a) => s + a.tpl.size[0], 0) + GAP * (e.areas.length - 1)
    const h = PAD * 2 + Math.max(...e.areas.map((a) => a.tpl.size[1]))
    return { e, w, h }
  })
  const area = plots.reduce((s, p) => s + (p.w + ROAD) * (p.h + ROAD), 0)
  const rowLimit = Math.max(...plots.map((p) => p.w), Math.sqrt(area * 1.5))
  const rows: { plots: typeof plots; w: number; h: number }[] = []
  for (const p of plots) {
    const row = rows.at(-1)
    if (row && row.w + ROAD + p.w <= rowLimit) {
      row.plots.push(p)
      row.w += ROAD + p.w
      row.h = Math.max(row.h, p.h)
    } else rows.push({ plots: [p], w: p.w, h: p.h })
  }
  const up50 = (v: number): number => Math.ceil(v / 50) * 50
  const contentW = Math.max(0, ...rows.map((r) => r.w))
  const contentH = rows.reduce((s, r) => s + r.h, 0) + ROAD * Math.max(0, rows.length - 1)
  const width = Math.max(1200, up50(contentW + 2 * MARGIN))
  const height = Math.max(800, up50(contentH + 2 * MARGIN))
  const rects: SiteLayout<A>['rects'] = new Map()
  const rowGap = ROAD + (height - 2 * MARGIN - contentH) / (rows.length + 1)
  let y = MARGIN + rowGap - ROAD
  for (const row of rows) {
    const plotGap = ROAD + (width - 2 * MARGIN - row.w) / (row.plots.length + 1)
    let x = MARGIN + plotGap - ROAD
    for (const p of row.plots) {
      let ax = round1(x + PAD)
      for (const a of p.e.areas) {
        rects.set(a, { x: ax, y: round1(y + PAD), w: a.tpl.size[0], h: a.tpl.size[1] })
        ax = round1(ax + a.tpl.size[0] + GAP)
      }
      x += p.w + plotGap
    }
    y += row.h + rowGap
  }
  return { rects, width, height }
}

/**
 * A park on its site plan, its enterprises and areas still to come: the main gate at the foot
 * of the site and, in a chemical park, the hazardous-goods vehicle gate on its west side.
 */
export function siteOf(pt: ParkTemplate, layout: SiteLayout<unknown>): Park {
  const park: Park = {
    id: pt.id, name: pt.name, nameEn: pt.nameEn, kind: pt.kind,
    ...(pt.grade ? { grade: pt.grade, gradeScore: pt.gradeScore, targetGrade: pt.targetGrade } : {}),
    mapPosition: pt.mapPosition,
    site: { width: layout.width, height: layout.height, buildings: [] },
    areas: [], enterprises: [],
  }
  park.site.buildings.push({ id: `${pt.id}-gate-main`, name: '园区主大门', nameEn: 'Main gate', kind: 'gate',
    rect: { x: layout.width / 2 - 15, y: layout.height - 12, w: 30, h: 10 } })
  if (pt.kind === 'chemical') {
    // Closed-park management: hazardous-goods vehicles use their own gate (2022 platform guideline).
    park.site.buildings.push({ id: `${pt.id}-gate-hazmat`, name: '危化品车辆专用出入口', nameEn: 'Hazardous-goods vehicle gate', kind: 'gate',
      rect: { x: 2, y: layout.height / 2 - 15, w: 10, h: 30 } })
  }
  return park
}

/** What an area's template draws on the site plan: its tanks or its building, and its stack if it has one. */
export function structures(areaId: string, tpl: AreaTemplate, r: Rect): Building[] {
  const out: Building[] = []
  const s = tpl.structure
  const stackTpl = tpl.stack ?? tpl.tailGasStack
  const mainW = stackTpl ? r.w - 34 : r.w - 12
  if (s.kind === 'tank') {
    const count = s.count ?? 1
    const cols = Math.max(1, Math.round(Math.sqrt((count * mainW) / (r.h - 12))))
    const rows = Math.ceil(count / cols)
    const cw = mainW / cols, ch = (r.h - 12) / rows
    const side = round1(Math.min(cw, ch, 24) * 0.75)
    for (let i = 0; i < count; i++) {
      const cx = r.x + 6 + cw * ((i % cols) + 0.5), cy = r.y + 6 + ch * (Math.floor(i / cols) + 0.5)
      out.push({ id: `${areaId}-t${i + 1}`, name: `${s.name}${i + 1}`, nameEn: `${s.nameEn} ${i + 1}`, kind: 'tank',
        rect: { x: round1(cx - side / 2), y: round1(cy - side / 2), w: side, h: side } })
    }
  } else {
    out.push({ id: `${areaId}-b1`, name: s.name, nameEn: s.nameEn, kind: s.kind, rect: { x: r.x + 6, y: r.y + 6, w: mainW, h: r.h - 12 } })
  }
  if (stackTpl) {
    out.push({ id: `${areaId}-stk`, name: stackTpl.name, nameEn: stackTpl.nameEn, kind: 'stack', rect: { x: r.x + r.w - 20, y: r.y + 8, w: 10, h: 10 } })
  }
  return out
}

/**
 * A park's assembly points (应急集合点), one near each corner of the site, clear of the plots
 * (layoutPark keeps a 60 m margin): whichever way the wind blows, one of them is upwind.
 */
export function musterPointsOf(park: Park): NonNullable<Park['musterPoints']> {
  const [W, H] = [park.site.width, park.site.height]
  return [
    { id: `${park.id}-muster-nw`, name: '西北应急集合点', nameEn: 'North-west assembly point', position: { x: 30, y: 30 } },
    { id: `${park.id}-muster-ne`, name: '东北应急集合点', nameEn: 'North-east assembly point', position: { x: W - 30, y: 30 } },
    { id: `${park.id}-muster-sw`, name: '西南应急集合点', nameEn: 'South-west assembly point', position: { x: 30, y: H - 30 } },
    { id: `${park.id}-muster-se`, name: '东南应急集合点', nameEn: 'South-east assembly point', position: { x: W - 30, y: H - 30 } },
  ]
}

/** An invented name, unique in the zone, of a head, a tail and the industry's suffix; a number once 40 draws collided. */
function enterpriseName(prng: Prng, industry: IndustryTemplate, used: Set<string>): [string, string] {
  for (let attempt = 0; ; attempt++) {
    const [h, he] = prng.pick(NAME_HEADS)
    const [t, te] = prng.pick(NAME_TAILS)
    const extra = attempt < 40 ? '' : String(attempt)
    const zh = `${h}${t}${extra}${industry.suffix}`
    if (!used.has(zh)) {
      used.add(zh)
      return [zh, `${he}${te}${extra} ${industry.suffixEn}`]
    }
  }
}

/** An enterprise of an industry: its name, land, output value and staff drawn within the industry's ranges. */
export function enterpriseOf(prng: Prng, id: string, ind: IndustryTemplate, usedNames: Set<string>): Enterprise {
  const [name, nameEn] = enterpriseName(prng, ind, usedNames)
  return {
    id, name, nameEn, industry: ind.industry,
    landMu: prng.int(ind.landMu[0], ind.landMu[1]),
    outputValue: Math.round(prng.range(ind.outputValue[0], ind.outputValue[1]) / 100) * 100,
    employees: prng.int(ind.employees[0], ind.employees[1]),
    majorHazard: ind.majorHazard,
  }
}
