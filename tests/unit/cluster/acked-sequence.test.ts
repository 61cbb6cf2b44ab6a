import { describe, expect, it } from 'vitest'
import { ackedSequence } from '../../../hub/src/cluster/jetstream-window.js'

/** The READINGS sequence of a PubAck, read without parsing it: what tells a node the stream lost its tail (cluster-node.ts). */
describe('ackedSequence', () => {
  const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)

  it('reads the seq of PubAcks as nats-server writes them', () => {
    expect(ackedSequence(bytes('{"stream":"READINGS","seq":1}'))).toBe(1)
    expect(ackedSequence(bytes('{"stream":"READINGS","seq":9007199254,"duplicate":true}'))).toBe(9007199254)
    expect(ackedSequence(bytes('{"stream":"READINGS","domain":"hub","seq":42}'))).toBe(42)
  })

  it('reads the seq of a PubAck that is a view into a larger buffer', () => {
    const whole = bytes('xxxx{"stream":"READINGS","seq":77}yyyy{"stream":"READINGS","seq":88}')
    expect(ackedSequence(whole.subarray(4, 36))).toBe(77)
  })

  it('gives 0 without a seq', () => {
    expect(ackedSequence(bytes('{"stream":"READINGS"}'))).toBe(0)
  })
})
