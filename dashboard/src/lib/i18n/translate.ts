/** Dictionary lookup with `{name}` placeholders. Pure, so it is testable without a browser. */
export type Dictionary = Readonly<Record<string, string>>
export type Params = Record<string, string | number>

export function interpolate(template: string, params?: Params): string {
  if (params === undefined) return template
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name]
    return v === undefined ? whole : String(v)
  })
}

/** The text for `key`, or `fallback` (else the key itself) when the dictionary lacks it. */
export function translate(dict: Dictionary, key: string, params?: Params, fallback?: string): string {
  const template = dict[key]
  if (template === undefined) return fallback ?? key
  return interpolate(template, params)
}

/**
 * The name of an alarm type: its own text; else, for the types the hub's rules build from a
 * metric (`${metric}_high`, `${metric}_low` from set points, `${metric}_rate_of_rise`), the
 * metric's name in the pattern's text; else the type itself.
 */
export function alarmTypeText(dict: Dictionary, type: string): string {
  const own = dict[`alarmType.${type}`]
  if (own !== undefined) return own
  const built = /^(\w+?)_(high|low|rate_of_rise)$/.exec(type)
  if (built === null) return type
  const metric = built[1]!
  return translate(dict, `alarmType.metric_${built[2]!}`, { metric: translate(dict, `metric.${metric}`, undefined, metric) }, type)
}

/** Placeholder names used in a template, sorted, e.g. `['n']`. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort()
}
