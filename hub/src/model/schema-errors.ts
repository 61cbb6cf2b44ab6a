import type { TSchema } from 'typebox'
import { Value } from 'typebox/value'

/** The most telling schema error of a value, as `{path, problem}`; undefined when it is valid. */
export function firstSchemaError(schema: TSchema, value: unknown): { path: string; problem: string } | undefined {
  const errors = [...Value.Errors(schema, value)]
  if (errors.length === 0) return undefined
  const extra = errors.find((e) => e.keyword === 'additionalProperties')
  if (extra) {
    const names = (extra.params as { additionalProperties?: string[] }).additionalProperties ?? []
    return { path: extra.instancePath, problem: `unknown field${names.length > 1 ? 's' : ''} ${names.join(', ')}` }
  }
  const e = errors.find((x) => x.keyword !== 'boolean') ?? errors[0]!
  return { path: e.instancePath, problem: e.message }
}
