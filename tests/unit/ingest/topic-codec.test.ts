import { describe, expect, it } from 'vitest'
import { decodeTopic, encodeTopic } from '../../../hub/src/broker/topic-codec.js'

describe('topic codec', () => {
  it.each([
    ['parks/vtc/vtc-ti01/gas-1/telemetry', { park: 'vtc', enterprise: 'vtc-ti01', device: 'gas-1', channel: 'telemetry' }],
    ['parks/p/e/d/event', { park: 'p', enterprise: 'e', device: 'd', channel: 'event' }],
    ['parks/p/e/d/status', { park: 'p', enterprise: 'e', device: 'd', channel: 'status' }],
    ['parks/p/e/d/cmd', { park: 'p', enterprise: 'e', device: 'd', channel: 'cmd' }],
  ])('decodes %s', (topic, expected) => {
    expect(decodeTopic(topic)).toEqual(expected)
    expect(encodeTopic(expected as never)).toBe(topic)
  })

  it.each([
    '', 'parks', 'parks/', 'parks/p/e/d', 'parks/p/e/d/', 'parks/p/e/d/other', 'park/p/e/d/telemetry', '/parks/p/e/d/telemetry',
    'parks//e/d/telemetry', 'parks/p//d/telemetry', 'parks/p/e//telemetry', 'parks/p/e/d/telemetry/extra', 'parks/+/e/d/telemetry',
    'parks/p/#/d/telemetry', 'parks/p/e/d+/telemetry', 'PARKS/p/e/d/telemetry', 'parks/p/e/d/TELEMETRY',
  ])('refuses %j', (topic) => {
    expect(decodeTopic(topic)).toBeUndefined()
  })
})
