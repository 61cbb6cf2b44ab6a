import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * The house plan's rules of imports (ARCHITECTURE.md, "Rooms"), read from the sources:
 * no import cycle in the hub, ingest never reaches back into the broker, and InfluxQL, the
 * `influx` client and line protocol stay in store/ (the composition may hold the client).
 */
const ROOT = resolve(import.meta.dirname, '../../../hub/src')

interface Source { file: string; text: string; imports: string[] }

function sources(): Source[] {
  const files: string[] = []
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n)
      if (statSync(p).isDirectory()) walk(p)
      else if (p.endsWith('.ts')) files.push(p)
    }
  }
  walk(ROOT)
  return files.map((f) => {
    const text = readFileSync(f, 'utf8')
    const imports = [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => {
      const spec = m[1]!
      return spec.startsWith('.') ? relative(ROOT, resolve(dirname(f), spec.replace(/\.js$/, '.ts'))) : spec
    })
    return { file: relative(ROOT, f), text, imports }
  })
}

/** Strongly connected groups of more than one file (Tarjan), each a cycle of imports. */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const out: string[][] = []
  const visit = (v: string): void => {
    index.set(v, next)
    low.set(v, next++)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        group.push(w)
      } while (w !== v)
      if (group.length > 1) out.push(group.sort())
    }
  }
  for (const v of graph.keys()) if (!index.has(v)) visit(v)
  return out
}

const roomOf = (file: string): string => file.split('/')[0]!
const COMPOSITION = new Set(['app.ts', 'energy-emissions.ts', 'safety-loop.ts', 'main.ts'])

describe('rooms of the hub', () => {
  const all = sources()

  it('finds a cycle when there is one (the check itself)', () => {
    expect(importCycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']])
    expect(importCycles(new Map([['a', ['b']], ['b', []]]))).toEqual([])
  })

  it('has no import cycle (type-only imports counted)', () => {
    expect(all.length).toBeGreaterThan(100)
    expect(importCycles(new Map(all.map((s) => [s.file, s.imports])))).toEqual([])
  })

  it('ingest does not import the broker', () => {
    const back = all.filter((s) => roomOf(s.file) === 'ingest').flatMap((s) => s.imports.filter((i) => roomOf(i) === 'broker').map((i) => `${s.file} -> ${i}`))
    expect(back).toEqual([])
  })

  it('InfluxQL, the influx client and line protocol stay in store/', () => {
    const outside = all.filter((s) => roomOf(s.file) !== 'store')
    const influxClient = outside.filter((s) => !COMPOSITION.has(s.file) && s.imports.includes('influx')).map((s) => s.file)
    const lineProtocol = outside.filter((s) => s.imports.includes('store/line-protocol.ts')).map((s) => s.file)
    const influxQl = outside.filter((s) => /\bSELECT\s[^`'"]*\bFROM\b|CREATE (CONTINUOUS QUERY|RETENTION POLICY)/.test(s.text)).map((s) => s.file)
    expect({ influxClient, lineProtocol, influxQl }).toEqual({ influxClient: [], lineProtocol: [], influxQl: [] })
  })
})
