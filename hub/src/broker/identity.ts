import type { Client } from 'aedes'

/** Who an MQTT connection is: a device, or a gateway publishing for its devices. */
export interface Identity {
  id: string
  role: 'device' | 'gateway'
}

const IDENTITY = Symbol('smartpark.identity')
type WithIdentity = Client & { [IDENTITY]?: Identity }

export function setIdentity(client: Client, identity: Identity): void {
  ;(client as WithIdentity)[IDENTITY] = identity
}

export function identityOf(client: Client | null): Identity | undefined {
  return client ? (client as WithIdentity)[IDENTITY] : undefined
}

const CERTIFICATE = Symbol('smartpark.certificate')
type WithCertificate = object & { [CERTIFICATE]?: string }

/** The common name of the client certificate a TLS connection was made with ('' when it names none). */
export function setCertificateName(conn: object, name: string): void {
  ;(conn as WithCertificate)[CERTIFICATE] = name
}

/** Undefined when the connection carried no verified client certificate. */
export function certificateNameOf(conn: object | undefined): string | undefined {
  return conn ? (conn as WithCertificate)[CERTIFICATE] : undefined
}
