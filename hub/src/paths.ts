import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The repository (or image) root: the nearest folder above this file with a package.json.
 * The hub runs from `hub/src` (tsx) or from `dist/hub/src` (compiled); both find the same root.
 */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error('cannot find the hub’s root folder (no package.json above it)')
    dir = up
  }
  return dir
}

export const ROOT = findRoot()
