import { describe, expect, it } from 'vitest'
import mqttPacket from 'mqtt-packet'
import { PacketSizeCheck } from '../../../hub/src/broker/packet-size-check.js'

const publish = (n: number, bytes = 100): Buffer =>
  mqttPacket.generate({ cmd: 'publish', topic: `parks/p/e/d${n}/telemetry`, payload: Buffer.alloc(bytes, 0x61), qos: 0, dup: false, retain: false })

describe('MQTT framing check in front of the broker', () => {
  it('passes a stream of packets cut anywhere, and a large packet within the limit', () => {
    const check = new PacketSizeCheck(65_536)
    const stream = Buffer.concat([...Array.from({ length: 50 }, (_, i) => publish(i, 50 + i)), publish(99, 60_000), publish(100)])
    for (let off = 0; off < stream.length; off += 777) expect(check.check(stream.subarray(off, off + 777))).toBeUndefined()
  })

  it('refuses a remaining length over the limit before its body arrives, and a malformed length', () => {
    const check = new PacketSizeCheck(65_536)
    const header = publish(1, 100_000).subarray(0, 5)
    expect(check.check(header)).toMatchObject({ tooLarge: 100_000 + 2 + 'parks/p/e/d1/telemetry'.length })
    const bad = new PacketSizeCheck(1 << 30)
    expect(bad.check(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))).toEqual({ error: 'malformed MQTT remaining length' })
  })
})
