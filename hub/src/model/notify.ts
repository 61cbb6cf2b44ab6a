/**
 * The zone file's `notify` section (docs/notifications.md): where alarms reach people. Duty
 * rosters per park (and `zone` for zone-wide), routing and escalation policies, channels,
 * storm control and the hub's public address for links. Channel secrets are never here: they
 * live in `<dataDir>/notify/secrets.json` (0600).
 */
import { Type, type Static } from 'typebox'
import { ALARM_CLASSES } from './alarm-class.js'
import { IdSchema as Id } from './device.js'

const CHANNEL_TYPE_NAMES = ['wecom', 'dingtalk', 'feishu', 'sms', 'voice', 'webhook'] as const

/** Local wall-clock time `HH:MM` (24 h). */
export const ClockTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' })
/** Mainland mobile number (11 digits, GB/T 2887-style numbering 1xx), or an international `+` number. */
export const Phone = Type.String({ pattern: '^(\\+?[0-9]{6,15})$' })
export const NotifyLang = Type.Union([Type.Literal('zh-CN'), Type.Literal('en')])
/** A roster role (duty_officer, shift_leader, safety_manager, zone_duty …): free words the policies name. */
export const RoleName = Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' })

export const NotifyChannel = Type.Object(
  {
    id: Id,
    type: Type.Enum([...CHANNEL_TYPE_NAMES]),
    /** Base URL of the platform or gateway. */
    url: Type.String({ minLength: 8, maxLength: 500, pattern: '^https?://' }),
    /** The park whose alarms it carries; absent: zone-wide. */
    park: Type.Optional(Id),
    ratePerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    signName: Type.Optional(Type.String({ maxLength: 64 })),
    template: Type.Optional(Type.String({ maxLength: 64 })),
    signatureHeader: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' })),
    /** Environment variables to import the channel's secret and key from at start (never stored in the zone file). */
    secretEnv: Type.Optional(Type.String({ pattern: '^[A-Z_][A-Z0-9_]{0,63}$' })),
    keyEnv: Type.Optional(Type.String({ pattern: '^[A-Z_][A-Z0-9_]{0,63}$' })),
  },
  { additionalProperties: false },
)
export type NotifyChannel = Static<typeof NotifyChannel>

export const RosterPerson = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1, maxLength: 64 }),
    role: RoleName,
    phone: Type.Optional(Phone),
    /** The language of messages sent to this person (default zh-CN). */
    lang: Type.Optional(NotifyLang),
  },
  { additionalProperties: false },
)
export type RosterPerson = Static<typeof RosterPerson>

/**
 * A shift, local time of the zone. `start` is the handover; `end` ≤ `start` runs past
 * midnight (a night shift 20:00–08:00 belongs to the day it starts on); `start` = `end` is 24 h.
 * `people`: the crew on every day (without a rotation).
 */
export const Shift = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1, maxLength: 64 }),
    start: ClockTime,
    end: ClockTime,
    people: Type.Optional(Type.Array(Id, { maxItems: 200 })),
  },
  { additionalProperties: false },
)
export type Shift = Static<typeof Shift>

/**
 * A rotating pattern (倒班): day `i` counted from `startDate` (the day its first shift starts)
 * takes row `pattern[i mod length]`, whose n-th entry names the crew of the n-th shift (`-`:
 * nobody). `crews` gives each crew's people.
 */
export const Rotation = Type.Object(
  {
    startDate: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }),
    pattern: Type.Array(Type.Array(Type.String({ minLength: 1, maxLength: 32 }), { minItems: 1, maxItems: 24 }), { minItems: 1, maxItems: 366 }),
    crews: Type.Record(Type.String({ minLength: 1, maxLength: 32 }), Type.Array(Id, { maxItems: 200 })),
  },
  { additionalProperties: false },
)
export type Rotation = Static<typeof Rotation>

export const Roster = Type.Object(
  {
    /** A park id, or `zone` for the zone-wide roster. */
    scope: Id,
    people: Type.Array(RosterPerson, { maxItems: 1000 }),
    shifts: Type.Array(Shift, { maxItems: 24 }),
    rotation: Type.Optional(Rotation),
    /** People reachable at any hour whatever the shift (managers): their roles are always on duty. */
    onCall: Type.Optional(Type.Array(Id, { maxItems: 200 })),
  },
  { additionalProperties: false },
)
export type Roster = Static<typeof Roster>

export const PolicyTier = Type.Object(
  {
    /** Minutes unacknowledged after which this tier is notified (0: at once). */
    afterMin: Type.Number({ minimum: 0, maximum: 1440 }),
    roles: Type.Array(RoleName, { minItems: 1, maxItems: 20 }),
    channels: Type.Array(Id, { minItems: 1, maxItems: 20 }),
    /** Whose roster: the alarm's park (default) or the zone's. */
    scope: Type.Optional(Type.Union([Type.Literal('park'), Type.Literal('zone')])),
  },
  { additionalProperties: false },
)
export type PolicyTier = Static<typeof PolicyTier>

export const QuietHours = Type.Object({ from: ClockTime, to: ClockTime }, { additionalProperties: false })
export type QuietHours = Static<typeof QuietHours>

/** A routing and escalation policy; the first that matches an alarm wins. */
export const Policy = Type.Object(
  {
    /** A park id or `*` for any park. */
    park: Type.String({ pattern: '^(\\*|[A-Za-z0-9][A-Za-z0-9_.-]{0,63})$' }),
    classes: Type.Optional(Type.Array(Type.Enum([...ALARM_CLASSES]), { maxItems: 4 })),
    levels: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 4 }), { maxItems: 4 })),
    tiers: Type.Array(PolicyTier, { minItems: 1, maxItems: 10 }),
    /** Minutes between reminders while unacknowledged (absent: no reminder, except a red life-safety alarm's). */
    repeatMin: Type.Optional(Type.Number({ minimum: 1, maximum: 1440 })),
    /** Levels 3–4 are held back in these local hours and sent when they end; never a level 1 or 2. */
    quietHours: Type.Optional(QuietHours),
  },
  { additionalProperties: false },
)
export type Policy = Static<typeof Policy>

export const NotifySettings = Type.Object(
  {
    /** Base of links in messages (or HUB_PUBLIC_URL); absent: messages carry no links. */
    publicUrl: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 300 })),
    /** Hosts channels may reach (platforms, gateways, a local sink). */
    allowHosts: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: 100 })),
    storm: Type.Optional(Type.Object({ alarmsPerMinute: Type.Integer({ minimum: 1, maximum: 10_000 }) }, { additionalProperties: false })),
    channels: Type.Array(NotifyChannel, { maxItems: 200 }),
    rosters: Type.Optional(Type.Array(Roster, { maxItems: 1000 })),
    policies: Type.Optional(Type.Array(Policy, { maxItems: 200 })),
  },
  { additionalProperties: false },
)
export type NotifySettings = Static<typeof NotifySettings>

/** A problem the schema cannot see, as the zone file's errors name it: a path and what is wrong. */
export interface NotifyProblem {
  path: string
  problem: string
}

/** A roster's references: its scope a park or `zone`, people unique, every crew, shift and on-call person on its list. */
export function rosterProblem(r: Roster, parkIds: ReadonlySet<string>, at = ''): NotifyProblem | undefined {
  if (r.scope !== 'zone' && !parkIds.has(r.scope)) return { path: `${at}/scope`, problem: `unknown park ${r.scope} (a park id or zone)` }
  const people = new Set<string>()
  for (const [i, p] of r.people.entries()) {
    if (people.has(p.id)) return { path: `${at}/people/${i}/id`, problem: `duplicate person ${p.id}` }
    people.add(p.id)
  }
  const known = (ids: readonly string[] | undefined, path: string): NotifyProblem | undefined => {
    const i = (ids ?? []).findIndex((id) => !people.has(id))
    return i < 0 ? undefined : { path: `${path}/${i}`, problem: `unknown person ${ids![i]}` }
  }
  const shifts = new Set<string>()
  for (const [i, s] of r.shifts.entries()) {
    if (shifts.has(s.id)) return { path: `${at}/shifts/${i}/id`, problem: `duplicate shift ${s.id}` }
    shifts.add(s.id)
    const p = known(s.people, `${at}/shifts/${i}/people`)
    if (p) return p
  }
  const onCall = known(r.onCall, `${at}/onCall`)
  if (onCall) return onCall
  const rot = r.rotation
  if (rot) {
    if (Number.isNaN(Date.parse(`${rot.startDate}T00:00:00Z`))) return { path: `${at}/rotation/startDate`, problem: `not a date: ${rot.startDate}` }
    for (const [crew, ids] of Object.entries(rot.crews)) {
      const p = known(ids, `${at}/rotation/crews/${crew}`)
      if (p) return p
    }
    for (const [i, row] of rot.pattern.entries()) {
      if (row.length > r.shifts.length) return { path: `${at}/rotation/pattern/${i}`, problem: `${row.length} crews for ${r.shifts.length} shifts` }
      const j = row.findIndex((c) => c !== '-' && rot.crews[c] === undefined)
      if (j >= 0) return { path: `${at}/rotation/pattern/${i}/${j}`, problem: `unknown crew ${row[j]}` }
    }
  }
  return undefined
}

/**
 * Policies' references: a known park or `*`, and channels that exist; tiers in the order they
 * are called (afterMin never less than the tier before: the escalation calls tier n + 1 only
 * after tier n, so a smaller afterMin would not call it earlier, only right after).
 */
export function policiesProblem(policies: readonly Policy[], parkIds: ReadonlySet<string>, channelIds: ReadonlySet<string>, at = ''): NotifyProblem | undefined {
  for (const [i, p] of policies.entries()) {
    if (p.park !== '*' && !parkIds.has(p.park)) return { path: `${at}/${i}/park`, problem: `unknown park ${p.park}` }
    for (const [k, t] of p.tiers.entries()) {
      const before = p.tiers[k - 1]
      if (before && t.afterMin < before.afterMin) return { path: `${at}/${i}/tiers/${k}/afterMin`, problem: `${t.afterMin} is before the previous tier's ${before.afterMin} (tiers in the order they are called)` }
      const j = t.channels.findIndex((c) => !channelIds.has(c))
      if (j >= 0) return { path: `${at}/${i}/tiers/${k}/channels/${j}`, problem: `unknown channel ${t.channels[j]}` }
    }
  }
  return undefined
}

/**
 * A tier's role that nobody on any roster holds: a misspelt role would notify nobody at that
 * tier, ever. Checked when policies are edited through the API, against the rosters in force
 * (not at boot: a zone file may leave its rosters to be entered through the API).
 */
export function unheldRoleProblem(policies: readonly Policy[], rosters: readonly Roster[], at = ''): NotifyProblem | undefined {
  const held = new Set(rosters.flatMap((r) => r.people.map((p) => p.role)))
  for (const [i, p] of policies.entries()) {
    for (const [k, t] of p.tiers.entries()) {
      const j = t.roles.findIndex((role) => !held.has(role))
      if (j >= 0) return { path: `${at}/${i}/tiers/${k}/roles/${j}`, problem: `nobody on any roster has the role ${t.roles[j]} (roles held: ${[...held].sort().join(', ') || 'none'})` }
    }
  }
  return undefined
}

/** The whole section's references (the zone file's check at boot). */
export function notifyProblem(n: NotifySettings, parkIds: ReadonlySet<string>): NotifyProblem | undefined {
  const channels = new Set<string>()
  for (const [i, c] of n.channels.entries()) {
    if (channels.has(c.id)) return { path: `/notify/channels/${i}/id`, problem: `duplicate channel id ${c.id}` }
    if (c.park !== undefined && !parkIds.has(c.park)) return { path: `/notify/channels/${i}/park`, problem: `unknown park ${c.park}` }
    channels.add(c.id)
  }
  const scopes = new Set<string>()
  for (const [i, r] of (n.rosters ?? []).entries()) {
    if (scopes.has(r.scope)) return { path: `/notify/rosters/${i}/scope`, problem: `a second roster for ${r.scope}` }
    scopes.add(r.scope)
    const p = rosterProblem(r, parkIds, `/notify/rosters/${i}`)
    if (p) return p
  }
  return policiesProblem(n.policies ?? [], parkIds, channels, '/notify/policies')
}
