/**
 * The typed client of the parks' site-plan drawings (docs/site-plans.md,
 * /api/v1/parks/:park/plan), beside api.ts and through its `request`; the drawing itself is
 * fetched with the token (an <image> cannot send one) and handed to the plan as an object URL,
 * one per park and version, kept for the page's life.
 */
import type { PlacementBody, PlanInfo } from '../../../hub/src/model/plan.js'
import { ApiError, BASE, getToken, request } from './api.js'
import type { ApiErrorCode } from './error-text.js'

export type { PlanInfo, PlacementBody }

const enc = encodeURIComponent
const urls = new Map<string, Promise<string>>()

export const plansApi = {
  info: (park: string) => request<PlanInfo>('GET', `/parks/${enc(park)}/plan`),
  place: (park: string, body: PlacementBody) => request<PlanInfo>('PUT', `/parks/${enc(park)}/plan/placement`, { body }),
  remove: (park: string) => request<PlanInfo>('DELETE', `/parks/${enc(park)}/plan/image`),

  /** Upload a drawing (PNG, JPEG or SVG) as it is. */
  async upload(park: string, file: Blob): Promise<PlanInfo> {
    const type = file.type || 'application/octet-stream'
    const res = await fetch(`${BASE}/parks/${enc(park)}/plan/image`, { method: 'PUT', headers: { 'Content-Type': type, Authorization: `Bearer ${getToken() ?? ''}` }, body: file })
    const body = (await res.json().catch(() => ({}))) as PlanInfo & { code?: string; message?: string }
    if (!res.ok) throw new ApiError(res.status, (body.code ?? 'INTERNAL') as ApiErrorCode, body.message ?? res.statusText)
    return body
  },

  /** An object URL of the park's drawing at this version. */
  imageUrl(park: string, version: string): Promise<string> {
    const key = `${park}@${version}`
    let url = urls.get(key)
    if (url === undefined) {
      url = fetch(`${BASE}/parks/${enc(park)}/plan/image`, { headers: { Authorization: `Bearer ${getToken() ?? ''}` } }).then(async (res) => {
        if (!res.ok) throw new ApiError(res.status, 'NOT_FOUND', res.statusText)
        return URL.createObjectURL(await res.blob())
      })
      url.catch(() => urls.delete(key))
      urls.set(key, url)
    }
    return url
  },
}
