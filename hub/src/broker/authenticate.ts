import type { AuthenticateError, Client } from 'aedes'
import type { DeviceRegistry } from '../registry/device-registry.js'
import { certificateNameOf, setIdentity } from './identity.js'

/**
 * CONNECT: no anonymous clients; username = device or gateway id, password = its secret
 * (CONTRACT.md, MQTT authentication). A client id naming another device is refused, so one
 * device cannot take over another's session. Over TLS with client certificates, the
 * certificate's common name must be the username too: a stolen secret alone is not enough.
 */
export function makeAuthenticate(registry: DeviceRegistry, log: (msg: string, data: object) => void) {
  return (client: Client, username: string | undefined, password: Buffer | undefined, done: (err: AuthenticateError | null, ok: boolean | null) => void): void => {
    const fail = (code: 4 | 5, why: string): void => {
      log('mqtt connect refused', { clientId: client.id, username, why })
      const err = new Error(why) as AuthenticateError
      err.returnCode = code as AuthenticateError['returnCode']
      done(err, null)
    }
    if (!username || !password) return fail(4, 'username and password required')
    const role = registry.authenticate(username, password)
    if (!role) return fail(4, 'bad username or password')
    const certName = certificateNameOf(client.conn)
    if (certName !== undefined && certName !== username) return fail(5, `client certificate is for ${certName.slice(0, 64) || 'no name'}, not ${username}`)
    const cid = client.id
    if (cid !== username && (registry.get(cid) !== undefined || registry.gateway(cid) !== undefined)) return fail(5, `client id ${cid} belongs to another device`)
    setIdentity(client, { id: username, role })
    done(null, true)
  }
}
