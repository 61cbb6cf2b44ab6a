/**
 * Rosters and policies as admins edit them through the API, kept in
 * `<dataDir>/notify/overrides.json` (0600) and laid over the zone file's: a roster saved for a
 * scope replaces the zone file's roster of that scope; saved policies replace the zone file's
 * list as a whole (their order is their meaning: the first match wins). Every edit is checked
 * with the zone file's schema and cross-references before it is kept; the file is replaced
 * atomically (temporary file, fsync, rename), so a crash leaves the old or the new one.
 */
import { readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { Type, type Static } from 'typebox'
import { firstSchemaError } from '../model/schema-errors.js'
import { writePrivateFileAtomic } from '../config/private-files.js'
import { Policy, Roster, policiesProblem, rosterProblem, unheldRoleProblem, type NotifyProblem, type NotifySettings } from '../model/notify.js'

export const OverridesFile = Type.Object(
  {
    version: Type.Literal(1),
    rosters: Type.Array(Roster),
    policies: Type.Optional(Type.Array(Policy)),
  },
  { additionalProperties: false },
)
export type OverridesFile = Static<typeof OverridesFile>

export class NotifyEditError extends Error {
  constructor(readonly path: string, readonly problem: string) {
    super(`${path || '(root)'}: ${problem}`)
    this.name = 'NotifyEditError'
  }
}

/**
 * Cluster mode (cluster/shared-settings.ts): edits are written to the cluster's bucket, which
 * applies them on every node (`applyRoster`, `applyPolicies`) before the write resolves.
 */
export interface OverridesShare {
  roster(roster: Roster): Promise<void>
  policies(policies: Policy[]): Promise<void>
}

export class NotifyOverrides {
  private data: OverridesFile = { version: 1, rosters: [] }
  private readonly file: string
  private share: OverridesShare | undefined

  constructor(dataDir: string, private readonly base: NotifySettings, private readonly parkIds: ReadonlySet<string>) {
    this.file = join(dataDir, 'notify', 'overrides.json')
  }

  /** Reads the saved edits; a file that no longer fits the zone (a park removed) is reported and left unused. */
  load(): NotifyProblem | undefined {
    if (!existsSync(this.file)) return undefined
    let raw: unknown
    try {
      raw = JSON.parse(readFileSync(this.file, 'utf8'))
    } catch (err) {
      return { path: this.file, problem: `not JSON: ${(err as Error).message}` }
    }
    const bad = firstSchemaError(OverridesFile, raw)
    if (bad) return { path: `${this.file}${bad.path}`, problem: bad.problem }
    const data = raw as OverridesFile
    for (const [i, r] of data.rosters.entries()) {
      const p = rosterProblem(r, this.parkIds, `${this.file}/rosters/${i}`)
      if (p) return p
    }
    const p = data.policies ? policiesProblem(data.policies, this.parkIds, this.channelIds(), `${this.file}/policies`) : undefined
    if (p) return p
    this.data = data
    return undefined
  }

  /** The rosters in force: the zone file's, each replaced by an edited one of its scope, then the edited ones of new scopes. */
  rosters(): Roster[] {
    const edited = new Map(this.data.rosters.map((r) => [r.scope, r]))
    const out = (this.base.rosters ?? []).map((r) => edited.get(r.scope) ?? r)
    for (const r of this.data.rosters) if (!out.includes(r)) out.push(r)
    return out
  }

  policies(): Policy[] {
    return this.data.policies ?? this.base.policies ?? []
  }

  /** Checks and keeps an edited roster of `scope`; throws NotifyEditError with the path of the problem. */
  setRoster(scope: string, input: unknown): Roster {
    const roster = this.checkedRoster(scope, input)
    this.save({ ...this.data, rosters: [...this.data.rosters.filter((r) => r.scope !== scope), roster] })
    return roster
  }

  /** As setRoster; in cluster mode kept by the cluster first and applied on every node from there. */
  async editRoster(scope: string, input: unknown): Promise<Roster> {
    if (!this.share) return this.setRoster(scope, input)
    const roster = this.checkedRoster(scope, input)
    await this.share.roster(roster)
    return roster
  }

  /** As setPolicies; in cluster mode kept by the cluster first and applied on every node from there. */
  async editPolicies(input: unknown): Promise<Policy[]> {
    if (!this.share) return this.setPolicies(input)
    const policies = this.checkedPolicies(input)
    await this.share.policies(policies)
    return policies
  }

  /** Cluster mode: edits go through `share` (editRoster, editPolicies). */
  shareWith(share: OverridesShare): void {
    this.share = share
  }

  /** A roster as the cluster holds it (checked against this node's zone), kept here; a problem is returned, not kept. */
  applyRoster(roster: Roster): NotifyProblem | undefined {
    const p = rosterProblem(roster, this.parkIds)
    if (p) return p
    this.save({ ...this.data, rosters: [...this.data.rosters.filter((r) => r.scope !== roster.scope), roster] })
    return undefined
  }

  /** The policies as the cluster holds them; undefined: the zone file's. */
  applyPolicies(policies: Policy[] | undefined): NotifyProblem | undefined {
    const p = policies ? policiesProblem(policies, this.parkIds, this.channelIds()) : undefined
    if (p) return p
    const { policies: _old, ...rest } = this.data
    this.save(policies ? { ...rest, policies } : rest)
    return undefined
  }

  /** The edits kept here (a cluster's bucket never seeded takes them). */
  edits(): OverridesFile {
    return structuredClone(this.data)
  }

  /** Cluster mode at start: the cluster's edits replace whatever this node's file held. */
  replaceEdits(rosters: Roster[], policies: Policy[] | undefined): void {
    this.save({ version: 1, rosters, ...(policies ? { policies } : {}) })
  }

  private checkedRoster(scope: string, input: unknown): Roster {
    const bad = firstSchemaError(Roster, input)
    if (bad) throw new NotifyEditError(bad.path, bad.problem)
    const roster = input as Roster
    if (roster.scope !== scope) throw new NotifyEditError('/scope', `the body's scope ${roster.scope} is not ${scope}`)
    const p = rosterProblem(roster, this.parkIds)
    if (p) throw new NotifyEditError(p.path, p.problem)
    return roster
  }

  setPolicies(input: unknown): Policy[] {
    const policies = this.checkedPolicies(input)
    this.save({ ...this.data, policies })
    return policies
  }

  private checkedPolicies(input: unknown): Policy[] {
    const bad = firstSchemaError(Type.Array(Policy, { maxItems: 200 }), input)
    if (bad) throw new NotifyEditError(bad.path, bad.problem)
    const policies = input as Policy[]
    const p = policiesProblem(policies, this.parkIds, this.channelIds()) ?? unheldRoleProblem(policies, this.rosters())
    if (p) throw new NotifyEditError(p.path, p.problem)
    return policies
  }

  private channelIds(): Set<string> {
    return new Set(this.base.channels.map((c) => c.id))
  }

  private save(next: OverridesFile): void {
    writePrivateFileAtomic(this.file, `${JSON.stringify(next, null, 1)}\n`)
    this.data = next
  }
}
