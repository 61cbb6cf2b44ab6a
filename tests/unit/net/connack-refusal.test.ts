import { describe, expect, it } from 'vitest'
import mqttPacket from 'mqtt-packet'
import { connectProtocolLevel } from '../../../hub/src/net/connack-refusal.js'
import { connectionCap, openFileLimits } from '../../../hub/src/net/descriptors.js'

const connect = (protocolVersion: 3 | 4 | 5): Buffer =>
  mqttPacket.generate({ cmd: 'connect', protocolId: protocolVersion === 3 ? 'MQIsdp' : 'MQTT', protocolVersion, clean: true, clientId: 'd-1', keepalive: 60 } as mqttPacket.IConnectPacket)

describe('a refused CONNECT', () => {
  it('reads the protocol level of MQTT 3.1, 3.1.1 and 5.0, and waits for more of a partial one', () => {
    expect(connectProtocolLevel(connect(3))).toBe(3)
    expect(connectProtocolLevel(connect(4))).toBe(4)
    expect(connectProtocolLevel(connect(5))).toBe(5)
    expect(connectProtocolLevel(connect(4).subarray(0, 6))).toBeUndefined()
    expect(connectProtocolLevel(Buffer.from('GET / HTTP/1.1\r\n'))).toBeUndefined()
  })
})

describe('the connection cap from the open-file limit', () => {
  it('reads soft and hard limits, and defaults the cap to the limit less the reserve', () => {
    expect(openFileLimits(() => 'Max open files            20000                20000                files     \n')).toEqual({ soft: 20000, hard: 20000 })
    expect(openFileLimits(() => 'Max open files  1024 unlimited files\n')).toEqual({ soft: 1024, hard: undefined })
    expect(connectionCap(0, 512, 20_000)).toEqual({ cap: 19_488, lowered: false })
    expect(connectionCap(0, 512, undefined)).toEqual({ cap: 20_000, lowered: false })
    expect(connectionCap(30_000, 512, 20_000)).toEqual({ cap: 19_488, lowered: true })
  })
})
