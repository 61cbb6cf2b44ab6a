/**
 * Reading one setting from the environment, checked: the pieces config/settings.ts and the
 * cluster's settings (cluster/cluster-settings.ts) are both made of. A bad value stops start-up
 * with an error naming the variable.
 */
export type Env = Record<string, string | undefined>

export class SettingsError extends Error {
  constructor(readonly setting: string, message: string) {
    super(`setting ${setting}: ${message}`)
    this.name = 'SettingsError'
  }
}

export function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) throw new SettingsError(name, `expected an integer ${min}–${max}, got ${JSON.stringify(raw)}`)
  return n
}

export function str(env: Env, name: string): string | undefined {
  const raw = env[name]
  return raw === undefined || raw === '' ? undefined : raw
}

/** An InfluxDB 1.x HTTP API URL (INFLUX_URL, HUB_INFLUX2_URL), or undefined when unset. */
export function influxUrlSetting(env: Env, name: string): string | undefined {
  const raw = str(env, name)
  if (raw === undefined) return undefined
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    throw new SettingsError(name, `not a URL: ${JSON.stringify(raw)}`)
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new SettingsError(name, 'expected an http:// or https:// URL of the InfluxDB 1.x HTTP API')
  return raw
}
