import type { ChildProcess } from 'node:child_process'

/**
 * What a child process prints (stdout and stderr together), and `said(text)`: resolves once it
 * has printed `text`. For tests that act when a program says it has reached a point.
 */
export function followOutput(child: ChildProcess): { said: (text: string) => Promise<void>; out: () => string } {
  let out = ''
  const waiters: { text: string; resolve: () => void }[] = []
  const read = (d: Buffer): void => {
    out += d.toString()
    for (const w of waiters.filter((w) => out.includes(w.text))) w.resolve()
  }
  child.stdout?.on('data', read)
  child.stderr?.on('data', read)
  return {
    said: (text) => new Promise((resolve) => (out.includes(text) ? resolve() : waiters.push({ text, resolve }))),
    out: () => out,
  }
}
