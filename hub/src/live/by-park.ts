/** Updates grouped by their park, in the order they come: what the live batchers send, one message per park. */
export function byPark<T extends { park: string }>(items: Iterable<T>): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const u of items) {
    const list = out.get(u.park)
    if (list) list.push(u)
    else out.set(u.park, [u])
  }
  return out
}
