/**
 * `hj212-faults` (run with --hj212): one stack's data logger misbehaving as loggers do in the
 * field, so the hub's HJ 212 listener shows what it does with each (docs/hj212.md):
 *  - packets with a bad CRC: refused and counted (bad_crc); the logger hears no 9014 and sends
 *    them again, good (HJ 212-2017 §6.5.3);
 *  - analyser flags: C calibration (zero/span check), D fault (a failed analyser), M
 *    maintenance — readings flagged, not valid minutes (HJ 75-2017), device-health alarms;
 *  - a 10-minute outage of the logger's link: its real-time and minute data wait in its backlog
 *    and go out after it, with their original DataTime, answered one by one;
 *  - a short disconnect in the middle of a minute.
 * Without --hj212 the flags still play over MQTT and the logger faults do nothing.
 */
import type { Device } from '../../../hub/src/model/device.js'
import type { TimedAction } from '../actions.js'
import { createRng } from '../prng.js'
import { pickDevice } from './locate.js'
import type { ScenarioDef } from './types.js'

const isLoggerStack = (d: Device): boolean =>
  d.kind === 'emission' && (d.metrics.includes('so2') || d.metrics.includes('nox')) && d.hj212 !== undefined
const isStack = (d: Device): boolean => d.kind === 'emission' && (d.metrics.includes('so2') || d.metrics.includes('nox'))

const DESCRIPTION =
  'with --hj212: one stack\'s data logger sends packets with a bad CRC, flags C (calibration), D (analyser fault) and M (maintenance), loses its link for 10 minutes and sends its backlog after it with the original DataTime'

export const hj212Faults: ScenarioDef = {
  name: 'hj212-faults',
  description: DESCRIPTION,
  build: (ix, opts) => {
    const rng = createRng(opts.seed).fork('hj212-faults')
    const stack = pickDevice(ix, rng, isLoggerStack) ?? pickDevice(ix, rng, isStack)
    if (!stack) throw new Error('scenario hj212-faults: the selected parks have no CEMS stack')
    const gas = stack.metrics.includes('so2') ? 'so2' : 'nox'
    const id = stack.id
    const timeline: TimedAction[] = [
      { at: 60, action: { kind: 'logger_fault', device: id, fault: 'bad_crc', durationSec: 0, packets: 3 }, label: `${id}: the logger sends 3 packets with a bad CRC (refused as bad_crc, sent again after 5 s without an answer)` },
      { at: 150, action: { kind: 'fault', device: id, fault: 'calibration', durationSec: 240, metric: gas }, label: `${id}: zero/span check of the ${gas} analyser, flag C for 4 min` },
      { at: 480, action: { kind: 'fault', device: id, fault: 'fault', durationSec: 180, metric: gas }, label: `${id}: the ${gas} analyser fails its self-test, flag D for 3 min` },
      { at: 750, action: { kind: 'logger_fault', device: id, fault: 'disconnect', durationSec: 20 }, label: `${id}: the logger's link drops for 20 s in the middle of a minute` },
      { at: 840, action: { kind: 'fault', device: id, fault: 'maintenance', durationSec: 300 }, label: `${id}: maintenance, every channel flagged M for 5 min` },
      { at: 1200, action: { kind: 'logger_fault', device: id, fault: 'disconnect', durationSec: 600 }, label: `${id}: the logger's link is down for 10 min; its data waits in its backlog` },
      { at: 1800, action: { kind: 'note' }, label: `${id}: the link is back; the backlog goes out with its original DataTime` },
    ]
    return {
      name: 'hj212-faults',
      description: DESCRIPTION,
      durationSec: 2100,
      suggestedSpeed: 1,
      quiet: true,
      timeline,
      incidents: [{ kind: 'sensor-faults', park: stack.park, summary: `HJ 212 logger faults on stack ${id}`, timeline, durationSec: 2100 }],
    }
  },
}
