/**
 * A simulated device's HJ 212 identity: its MN from the zone (`hj212.mn`) and its PW from the
 * credentials file (`hj212: { <device id>: <pw> }`), else the zone's `hj212.pw`.
 */
import type { Device } from '../../../hub/src/model/device.js'
import type { Credentials } from '../zone-source.js'
import type { LoggerIdentity } from './data-logger.js'

export function loggerIdentity(d: Device, creds: Credentials): LoggerIdentity | undefined {
  const mn = d.hj212?.mn
  const pw = creds.hj212?.[d.id] ?? d.hj212?.pw
  return mn !== undefined && pw !== undefined ? { mn, pw } : undefined
}
