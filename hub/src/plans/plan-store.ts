import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { PlanImageInfo, PlanPlacement, type PlanInfo } from '../model/plan.js'
import { writePrivateFileAtomic } from '../config/private-files.js'
import type { CheckedImage } from './image-check.js'

/**
 * The parks' site-plan drawings in the data dir: `plans/<park>.png|jpg` and, for all parks,
 * `plans/plans.json` (what each image is and where it lies). Both written whole and atomically
 * (0600), the image before the index that names it, so a crash leaves the old plan or the new.
 */
const IndexFile = Type.Object({ version: Type.Literal(1), parks: Type.Record(Type.String(), Type.Object({ image: Type.Optional(PlanImageInfo), placement: Type.Optional(PlanPlacement) }, { additionalProperties: false })) })
type IndexFile = Static<typeof IndexFile>

export class PlanStore {
  private index: IndexFile = { version: 1, parks: {} }
  private readonly dir: string

  constructor(dataDir: string, private readonly parks: ReadonlySet<string>) {
    this.dir = join(dataDir, 'plans')
    const file = join(this.dir, 'plans.json')
    if (existsSync(file)) {
      const saved: unknown = JSON.parse(readFileSync(file, 'utf8'))
      if (!Value.Check(IndexFile, saved)) throw new Error(`${file}: not a site-plan index this hub wrote`)
      this.index = saved
    }
  }

  has(park: string): boolean {
    return this.parks.has(park)
  }

  info(park: string): PlanInfo {
    const p = this.index.parks[park]
    return { park, ...(p?.image ? { image: p.image } : {}), ...(p?.placement ? { placement: p.placement } : {}) }
  }

  /** The image's bytes and format, undefined without one. */
  image(park: string): { data: Buffer; format: 'png' | 'jpeg'; version: string } | undefined {
    const img = this.index.parks[park]?.image
    if (!img) return undefined
    return { data: readFileSync(this.imagePath(park, img.format)), format: img.format, version: img.version }
  }

  saveImage(park: string, checked: CheckedImage, by: string, now: number): PlanInfo {
    const old = this.index.parks[park]?.image
    writePrivateFileAtomic(this.imagePath(park, checked.format), checked.data)
    const image: PlanImageInfo = {
      format: checked.format, uploaded: checked.uploaded, width: checked.width, height: checked.height, bytes: checked.data.length,
      version: randomBytes(6).toString('hex'), uploadedAt: now, uploadedBy: by,
    }
    this.write({ ...this.index.parks, [park]: { ...this.index.parks[park], image } })
    if (old && old.format !== checked.format) rmSync(this.imagePath(park, old.format), { force: true })
    return this.info(park)
  }

  savePlacement(park: string, placement: PlanPlacement): PlanInfo {
    this.write({ ...this.index.parks, [park]: { ...this.index.parks[park], placement } })
    return this.info(park)
  }

  removeImage(park: string): PlanInfo {
    const old = this.index.parks[park]?.image
    if (!old) return this.info(park)
    const { image: _gone, ...rest } = this.index.parks[park]!
    this.write({ ...this.index.parks, [park]: rest })
    rmSync(this.imagePath(park, old.format), { force: true })
    return this.info(park)
  }

  private imagePath(park: string, format: 'png' | 'jpeg'): string {
    return join(this.dir, `${park}.${format === 'png' ? 'png' : 'jpg'}`)
  }

  private write(parks: IndexFile['parks']): void {
    const next: IndexFile = { version: 1, parks }
    writePrivateFileAtomic(join(this.dir, 'plans.json'), `${JSON.stringify(next, null, 1)}\n`)
    this.index = next
  }
}
