/**
 * The flags a hub process is started with to write a CPU profile when it ends, when the bench
 * was run with `--profile DIR` (none otherwise): `node --cpu-prof` writes it at a clean exit.
 */
export function profileFlags(argv: readonly string[] = process.argv): string[] {
  const i = argv.indexOf('--profile')
  return i > 0 && argv[i + 1] !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${argv[i + 1]}`] : []
}
