/**
 * How an operator moves a site plan: the wheel zooms at the pointer, two fingers pinch, a drag
 * pans (the plan's layers follow it by a transform and the view moves once, when it ends: one
 * layout of the plan, not one per pointer move); a zoom likewise scales the layers at once and
 * lays the plan out for the new view once the zooming pauses (ZOOM_SETTLE_MS: a zoom click laid
 * out at once took 104 – 160 ms for a big park, the dashboard bench); the keyboard zooms with + − and 0 (fit) and
 * pans with the arrows, the buttons zoom about the centre. A drag's closing click selects
 * nothing; the marks and the buttons keep their own pointer and keys.
 */
import type { PlanFit, ViewBox } from './plan-bulk.js'
import { fitView, toMetres } from './plan-bulk.js'
import { panView, zoomView, ZOOM_STEP } from './plan-zoom.js'

export interface GestureContext {
  view: () => ViewBox
  whole: () => ViewBox
  fit: () => PlanFit
  /** The plan's box, px. */
  box: () => { w: number; h: number }
  /** False while another park's plan is on its way. */
  idle: () => boolean
  /** The view the operator moved to; undefined: the plan's own again. */
  move: (v: ViewBox | undefined) => void
}

/** The plan is laid out for a zoomed view this long after the last zoom step. */
const ZOOM_SETTLE_MS = 200
/** A pointer moved less than this far is a click, not a drag. */
const DRAG_PX = 5
/** The arrows move the view by this share of it. */
const KEY_PAN = 0.1
const OWN_INPUT = '.controls, .device, .unplaced, .group'

export class PlanGestures {
  /** How far the current drag has moved the layers, px; null when none. */
  dragPx = $state<{ x: number; y: number } | null>(null)
  /** The view a zoom is going to, shown by scaling the layers until it settles; null when none. */
  preview = $state<ViewBox | null>(null)
  private settle: ReturnType<typeof setTimeout> | undefined
  private readonly pointers = new Map<number, { x: number; y: number }>()
  private dragFrom: { x: number; y: number } | null = null
  private pinchFrom: number | null = null
  private dragged = false

  constructor(private readonly c: GestureContext) {}

  /** Zoom by `factor` (> 1 in) about a point of the box (px), or its centre. */
  zoomAt = (factor: number, px?: number, py?: number): void => {
    const fit = this.c.fit()
    if (!this.c.idle() || fit.scale <= 0) return
    // Points on screen are where the committed view puts them, moved by the preview's scale.
    const from = this.preview ?? this.c.view()
    const shownFit = this.preview ? this.fitOf(this.preview) : fit
    const at = px === undefined || py === undefined ? undefined : toMetres(shownFit, px, py)
    this.preview = zoomView(from, factor, this.c.whole(), at)
    clearTimeout(this.settle)
    this.settle = setTimeout(() => this.commit(), ZOOM_SETTLE_MS)
  }

  private fitOf(view: ViewBox): PlanFit {
    const b = this.c.box()
    return fitView(view, b.w, b.h)
  }

  /** Lay the plan out for the zoom's view now. */
  commit(): void {
    clearTimeout(this.settle)
    if (this.preview === null) return
    const v = this.preview
    this.preview = null
    this.c.move(v)
  }

  /** The layers' CSS transform while a zoom settles: the committed view's screen mapped onto the preview's. */
  previewTransform(): string {
    const fit = this.c.fit()
    if (this.preview === null || fit.scale <= 0) return ''
    const to = this.fitOf(this.preview)
    const k = to.scale / fit.scale
    return `transform-origin: 0 0; transform: translate(${to.x - k * fit.x}px, ${to.y - k * fit.y}px) scale(${k})`
  }

  /** An attachment: the wheel zooms at the pointer (not passive: the page must not scroll). */
  wheel = (box: HTMLElement): (() => void) => {
    const onWheel = (e: WheelEvent): void => {
      e.preventDefault()
      const r = box.getBoundingClientRect()
      this.zoomAt(e.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP, e.clientX - r.left, e.clientY - r.top)
    }
    box.addEventListener('wheel', onWheel, { passive: false })
    return () => box.removeEventListener('wheel', onWheel)
  }

  /** Whether the click now arriving ends a drag (and so selects nothing). */
  tookClick(): boolean {
    const was = this.dragged
    this.dragged = false
    return was
  }

  down = (e: PointerEvent): void => {
    if (e.button !== 0 || (e.target instanceof Element && e.target.closest(OWN_INPUT) !== null)) return
    this.commit()
    this.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY })
    if (this.pointers.size === 1) this.dragFrom = { x: e.clientX, y: e.clientY }
    if (this.pointers.size === 2) {
      const [a, b] = [...this.pointers.values()]
      this.pinchFrom = Math.hypot(a!.x - b!.x, a!.y - b!.y)
      this.dragFrom = null
      this.dragPx = null
    }
  }

  drag = (e: PointerEvent): void => {
    if (!this.pointers.has(e.pointerId)) return
    this.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY })
    if (this.pointers.size === 2 && this.pinchFrom !== null) {
      const [a, b] = [...this.pointers.values()]
      const d = Math.hypot(a!.x - b!.x, a!.y - b!.y)
      if (Math.abs(d / this.pinchFrom - 1) > 0.1) {
        const r = (e.currentTarget as HTMLElement).getBoundingClientRect()
        this.zoomAt(d / this.pinchFrom, (a!.x + b!.x) / 2 - r.left, (a!.y + b!.y) / 2 - r.top)
        this.pinchFrom = d
      }
      return
    }
    if (this.dragFrom === null) return
    const [dx, dy] = [e.clientX - this.dragFrom.x, e.clientY - this.dragFrom.y]
    if (this.dragPx === null && Math.hypot(dx, dy) < DRAG_PX) return
    if (this.dragPx === null) (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId)
    this.dragPx = { x: dx, y: dy }
  }

  up = (e: PointerEvent): void => {
    this.pointers.delete(e.pointerId)
    if (this.pointers.size < 2) this.pinchFrom = null
    const fit = this.c.fit()
    if (this.dragPx !== null && fit.scale > 0) {
      this.c.move(panView(this.c.view(), -this.dragPx.x / fit.scale, -this.dragPx.y / fit.scale, this.c.whole()))
      this.dragged = true
    }
    this.dragPx = null
    this.dragFrom = null
  }

  key = (e: KeyboardEvent): void => {
    if (e.target instanceof Element && e.target.closest(OWN_INPUT) !== null) return
    const moves: Record<string, [number, number]> = { ArrowLeft: [-KEY_PAN, 0], ArrowRight: [KEY_PAN, 0], ArrowUp: [0, -KEY_PAN], ArrowDown: [0, KEY_PAN] }
    if (e.key !== '+' && e.key !== '=' && e.key !== '-' && e.key !== '_') this.commit()
    const v = this.c.view()
    if (e.key === '+' || e.key === '=') this.zoomAt(ZOOM_STEP)
    else if (e.key === '-' || e.key === '_') this.zoomAt(1 / ZOOM_STEP)
    else if (e.key === '0') this.c.move(undefined)
    else if (moves[e.key]) this.c.move(panView(v, moves[e.key]![0] * v.w, moves[e.key]![1] * v.h, this.c.whole()))
    else return
    e.preventDefault()
  }
}

