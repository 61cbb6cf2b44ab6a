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
