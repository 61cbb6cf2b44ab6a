import type { TSchema } from 'typebox'
import { Value } from 'typebox/value'
import { Compile, type Validator } from 'typebox/compile'

const validators = new WeakMap<TSchema, Validator>()

/** The most telling schema error of a value, as `{path, problem}`; undefined when it is valid. */
export function firstSchemaError(schema: TSchema, value: unknown): { path: string; problem: string } | undefined {
  // A compiled check first: collecting errors walks everything far more slowly (a
  // 10,000-device zone: 55 ms against ≈ 1 s for Value.Check and more for Value.Errors).
  let validator = validators.get(schema)
  if (!validator) validators.set(schema, (validator = Compile(schema)))
  if (validator.Check(value)) return undefined
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
