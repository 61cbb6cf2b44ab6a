import type { AuthenticateError, Client } from 'aedes'
import type { DeviceRegistry } from '../registry/device-registry.js'
import { certificateNameOf, setIdentity } from './identity.js'
import type { BrokerSessions } from './sessions.js'

/**
 * CONNECT: no anonymous clients; username = device or gateway id, password = its secret
 * (CONTRACT.md, MQTT authentication). Over TLS with client certificates, the certificate's
 * common name must be the username too: a stolen secret alone is not enough. Then the client
 * id and the session (sessions.ts): a device may use only its own id or `<id>-<suffix>` (a
 * third-party id for a clean session only), never one another device holds live or stored,
 * and a new stored session must fit the caps.
 */
export function makeAuthenticate(registry: DeviceRegistry, sessions: BrokerSessions, log: (msg: string, data: object) => void) {
  return (client: Client, username: string | undefined, password: Buffer | undefined, done: (err: AuthenticateError | null, ok: boolean | null) => void): void => {
    const fail = (code: 2 | 3 | 4 | 5, why: string): void => {
      log('mqtt connect refused', { clientId: client.id.slice(0, 128), username: username?.slice(0, 128), why })
      const err = new Error(why) as AuthenticateError
      err.returnCode = code as AuthenticateError['returnCode']
      done(err, null)
    }
    if (!username || !password) return fail(4, 'username and password required')
    const role = registry.authenticate(username, password)
    // The hub keeps secrets as hashes only: the CONNECT packet stays referenced for the life of
    // the connection (mqtt-packet's parser keeps it for its protocol version), so its password —
    // the device's secret in plain — is wiped once checked, not left in the heap of every client.
    password.fill(0)
    if (!role) return fail(4, 'bad username or password')
    const certName = certificateNameOf(client.conn)
    if (certName !== undefined && certName !== username) return fail(5, `client certificate is for ${certName.slice(0, 64) || 'no name'}, not ${username}`)
    const identity = { id: username, role }
    setIdentity(client, identity)
    sessions.admit(client, identity).then(
      (verdict) => (verdict.ok ? done(null, true) : fail(verdict.returnCode, verdict.why)),
      (err: Error) => fail(3, `session state unavailable: ${err.message}`),
    )
  }
}
