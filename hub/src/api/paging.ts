import { Type } from 'typebox'

/**
 * Paging of list replies: `limit` (a default and a maximum; a larger one is clamped, not
 * refused) and an opaque `cursor` (the offset of the next item in the list's fixed order),
 * with `total` and `next` (the cursor of the following page, or null on the last). A list is
 * never sent whole: its reply holds at most `max` items.
 */
export interface PageSize { default: number; max: number }

export const PAGE_SIZES = {
  alarms: { default: 500, max: 2000 },
  incidents: { default: 500, max: 2000 },
  devices: { default: 1000, max: 5000 },
  audit: { default: 500, max: 5000 },
} as const satisfies Record<string, PageSize>

/** Query fields every paged list takes. `limit` has no maximum in the schema: it is clamped. */
export const PagingQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1 })),
  cursor: Type.Optional(Type.String({ maxLength: 32, pattern: '^[0-9]{1,9}$' })),
}

export interface Page<T> { items: T[]; total: number; next: string | null; limit: number }

export function clampLimit(limit: number | undefined, size: PageSize): number {
  if (limit === undefined || !Number.isFinite(limit) || limit < 1) return size.default
  return Math.min(Math.floor(limit), size.max)
}

type PageQuery = { limit?: number | undefined; cursor?: string | undefined }

/** Where a page starts in the list and how many items it holds at most. */
export function pageWindow(q: PageQuery, size: PageSize): { start: number; limit: number } {
  return { start: q.cursor !== undefined ? Number(q.cursor) : 0, limit: clampLimit(q.limit, size) }
}

/** The cursor of the page after the one of `limit` items starting at `start` in a list of `total`, or null. */
export function nextCursor(start: number, limit: number, total: number): string | null {
  return start + limit < total ? String(start + limit) : null
}

/** One page of an already ordered list (the list holds references, the page copies none of the rest). */
export function pageOf<T>(all: readonly T[], q: PageQuery, size: PageSize): Page<T> {
  const w = pageWindow(q, size)
  const start = Math.min(w.start, all.length)
  const end = Math.min(start + w.limit, all.length)
  return { items: all.slice(start, end), total: all.length, next: nextCursor(start, w.limit, all.length), limit: w.limit }
}
