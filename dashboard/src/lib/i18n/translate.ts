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

/** Placeholder names used in a template, sorted, e.g. `['n']`. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort()
}
