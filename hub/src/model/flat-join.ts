/**
 * Strings kept per device for the life of the process (a topic prefix, a set point's condition
 * key) joined into one flat string. A template literal or `+` makes a rope in V8: a 32-byte
 * cons string for each join, pointing at its parts, kept as long as the result is — and
 * `parks/{park}/{enterprise}/{device}/` is a rope of five. `Array.prototype.join` writes one
 * sequential string. In a 100,000-device zone the ropes of the registry's prefixes and the
 * rules' condition keys were ≈ 920,000 heap objects and ≈ 30 MB that every major collection
 * marks (heap snapshot of an idle hub, docs/performance.md); joined, 270,000 strings.
 *
 * Only for strings that live long: for a string used once, a rope is cheaper.
 */
export function flatJoin(separator: string, ...parts: string[]): string {
  return parts.join(separator)
}
