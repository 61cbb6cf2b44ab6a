/**
 * A data logger over real TCP for tests: sends HJ 212-2017 packets with Flag=5 (the 2017
 * edition, an answer required) and counts the 9014 data answers the hub gives.
 */
import { connect, type Socket } from 'node:net'
import { Deframer, frame } from '../../hub/src/hj212/frame.js'
import { buildDataSegment, formatDataTime, parseDataSegment } from '../../hub/src/hj212/packet.js'

export class TestLogger {
  answers = 0
  sent = 0
  private readonly deframer = new Deframer()
  private constructor(private readonly socket: Socket, private readonly timeZone: string) {
    socket.on('data', (chunk: Buffer) => {
      for (const seg of this.deframer.push(chunk).segments) {
        const p = parseDataSegment(seg)
        if (p.ok && p.packet.cn === '9014') this.answers++
      }
    })
  }

  static open(port: number, timeZone = 'Asia/Shanghai'): Promise<TestLogger> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new TestLogger(s, timeZone)))
      s.once('error', reject)
    })
  }

  /** One packet of command `cn` for the period starting at `ts` (DataTime in the zone's time), `cp` after the DataTime; `st` 31 air, 32 water. */
  send(cn: string, mn: string, pw: string, ts: number, cp: string, st = '31'): void {
    const qn = formatDataTime(Date.now(), this.timeZone, true)
    this.socket.write(frame(buildDataSegment({ qn, st, cn, pw, mn, flag: 5, cp: `DataTime=${formatDataTime(ts, this.timeZone)};${cp}` })))
    this.sent++
  }

  close(): void {
    this.socket.destroy()
  }
}
