import { spawn, type ChildProcess } from 'node:child_process'
import { profileFlags } from './profile-flags.js'
import { fileURLToPath } from 'node:url'

/**
 * A hub as its own process (`node --import tsx hub/src/main.ts`: one process, so kill -9 hits
 * the hub itself and not a wrapper), for crash tests: kill -9 and start again.
 */
export interface HubProcess {
  child: ChildProcess
  http: string
  mqttUrl: string
  kill9(): Promise<void>
  stop(): Promise<void>
  /** Ctrl-C in a terminal: SIGINT to the hub's whole process group (with `ownGroup`). Resolves with the exit code. */
  interrupt(): Promise<number | null>
  /** Everything it printed so far. */
  output(): string
}

const root = fileURLToPath(new URL('../..', import.meta.url))

/**
 * `ownGroup`: the hub leads a process group of its own, as a program started from a terminal
 * does, so `interrupt()` can do what Ctrl-C does.
 */
export function startHubProcess(env: Record<string, string | undefined>, o: { ownGroup?: boolean } = {}): Promise<HubProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...profileFlags(), '--import', 'tsx', `${root}hub/src/main.ts`], {
      cwd: root,
      env: { ...process.env, HUB_HOST: '127.0.0.1', HUB_HTTP_PORT: '0', HUB_MQTT_PORT: '0', HUB_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: o.ownGroup ?? false,
    })
    let out = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`hub did not start: ${out.slice(-2000)}`))
    }, 60_000)
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
    const onData = (d: Buffer): void => {
      out += d.toString()
      const m = /ready: http:\/\/localhost:(\d+)\/\s+mqtt:\/\/localhost:(\d+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        child.stdout?.off('data', onData)
        child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
        resolve({
          output: () => out,
          child,
          http: `http://127.0.0.1:${m[1]}`,
          mqttUrl: `mqtt://127.0.0.1:${m[2]}`,
          async kill9() {
            child.kill('SIGKILL')
            await exited
          },
          async stop() {
            if (child.exitCode === null) child.kill('SIGTERM')
            await exited
          },
          async interrupt() {
            process.kill(-child.pid!, 'SIGINT')
            return exited
          },
        })
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`hub exited with ${code}: ${out.slice(-2000)}`))
    })
  })
}
