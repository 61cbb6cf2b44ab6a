/**
 * `npm run sim -- …`: the park simulator. `--help` explains the options.
 */
import { HELP, parseCli, type RunConfig } from './cli-args.js'
import { formatDuration } from './clock.js'
import { run } from './run.js'
import { indexZone } from './scenarios/locate.js'
import { SCENARIOS, buildScenario } from './scenarios/index.js'
import { loadZone } from './zone-source.js'

async function dryRun(cfg: RunConfig): Promise<void> {
  const zone = await loadZone(cfg.zone)
  const ix = indexZone(zone, cfg.parks)
  const horizonSec = cfg.durationMs !== undefined ? (cfg.durationMs / 1000) * (cfg.speed ?? 1) : 3 * 3600
  const s = buildScenario(cfg.scenario, ix, { seed: cfg.seed, horizonSec })
  console.log(`scenario ${s.name} (seed ${cfg.seed}): ${s.description}`)
  console.log(`length ${s.durationSec !== undefined ? formatDuration(s.durationSec * 1000) : 'open-ended'}, suggested speed ×${s.suggestedSpeed}`)
  for (const step of s.timeline) {
    console.log(`  +${formatDuration(step.at * 1000).padStart(6)}  ${step.label ?? `${step.action.kind} ${JSON.stringify(step.action)}`}`)
  }
}

async function main(): Promise<number> {
  let cfg: RunConfig
  try {
    cfg = parseCli(process.argv.slice(2))
  } catch (err) {
    console.error(`${(err as Error).message}\n(npm run sim -- --help for the options)`)
    return 64
  }
  if (cfg.help) {
    console.log(HELP)
    return 0
  }
  if (cfg.list) {
    for (const s of SCENARIOS) console.log(`${s.name.padEnd(20)} ${s.description}`)
    return 0
  }
  if (cfg.dryRun) {
    await dryRun(cfg)
    return 0
  }
  // A second Ctrl-C leaves at once. Another signal meanwhile is the same stop: under `npm start`
  // a Ctrl-C reaches the whole process group and the start script then sends each child SIGTERM.
  let stopping: string | undefined
  const stop = (signal: string): void => {
    if (stopping === signal) {
      console.error(`${signal} again: leaving at once`)
      process.exit(130)
    }
    if (stopping !== undefined) return
    stopping = signal
    console.error(`${signal}: stopping cleanly…`)
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  return run(cfg, { out: (l) => console.log(l), err: (l) => console.error(l), stopped: () => stopping !== undefined })
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err))
    process.exit(1)
  },
)
