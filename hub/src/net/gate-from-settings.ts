import type { Settings } from '../config/settings.js'
import { ConnectionGate } from './connection-gate.js'
import { connectionCap, openFileLimits, type OpenFileLimits } from './descriptors.js'

/** Time a trusted balancer has to send its PROXY protocol header (it sends it with the connection). */
const PROXY_HEADER_TIMEOUT_MS = 5000

/** The hub's connection gate from its settings, its total cap kept `fdReserve` under RLIMIT_NOFILE. */
export function gateFromSettings(settings: Settings, log: { warn(o: object, m: string): void }, limits: OpenFileLimits = openFileLimits()): ConnectionGate {
  const limit = limits.soft
  const { cap, lowered } = connectionCap(settings.maxConnections, settings.fdReserve, limit)
  if (lowered) log.warn({ HUB_MAX_CONNECTIONS: settings.maxConnections, openFileLimit: limit, reserve: settings.fdReserve, cap }, 'connections capped below the open-file limit (raise `ulimit -n` for more)')
  return new ConnectionGate({
    maxTotal: cap,
    maxPerAddress: settings.maxConnectionsPerAddress,
    exempt: settings.connectionExemptNetworks,
    proxyFrom: settings.proxyProtocolFrom,
    proxyOn: settings.proxyProtocolListeners,
    proxyTimeoutMs: PROXY_HEADER_TIMEOUT_MS,
    log,
    openFiles: { ...limits, reserve: settings.fdReserve },
  })
}
