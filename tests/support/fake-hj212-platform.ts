import { createServer, type Server, type Socket } from 'node:net'
import { Deframer, frame } from '../../hub/src/hj212/frame.js'
import { buildDataSegment, parseDataSegment, type Hj212Packet } from '../../hub/src/hj212/packet.js'

/**
 * An environmental authority's platform as a test sees it: a real TCP server on a random port
 * (the same port again after `restart`) that deframes what arrives (CRC checked by the codec),
 * keeps every packet, and answers 9014 to those asking for it — unless told to stay silent for
 * the next `silence` packets (the hub must send them again).
 */
export class FakeHj212Platform {
  readonly packets: Hj212Packet[] = []
  /** Frames refused by the codec (bad CRC, length, …). */
  rejects = 0
  connections = 0
  /** Packets to leave unanswered (each is expected again). */
  silence = 0
  answered = 0
  private server: Server | undefined
  private readonly sockets = new Set<Socket>()
  port = 0

  async start(port = 0): Promise<void> {
    const server = createServer((s) => this.accept(s))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => resolve())
    })
    this.server = server
    this.port = (server.address() as { port: number }).port
  }

  /** Down: the listening socket and every connection closed. */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    this.sockets.clear()
    const server = this.server
    this.server = undefined
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  /** A frame to every connected client (a platform's request to the hub). */
  sendToAll(text: string): void {
    for (const s of this.sockets) s.write(text)
  }

  /** Up again on the same port. */
  async restart(): Promise<void> {
    await this.start(this.port)
  }

  private accept(s: Socket): void {
    this.connections++
    this.sockets.add(s)
    const d = new Deframer()
    s.on('data', (chunk: Buffer) => {
      const { segments, rejects } = d.push(chunk)
      this.rejects += rejects.length
      for (const seg of segments) {
        const r = parseDataSegment(seg)
        if (!r.ok) {
          this.rejects++
          continue
        }
        this.packets.push(r.packet)
        const wantsAnswer = ((r.packet.flag ?? 0) & 1) === 1
        if (!wantsAnswer) continue
        if (this.silence > 0) {
          this.silence--
          continue
        }
        this.answered++
        // HJ 212-2017 9014 data answer: the QN of the packet answered, ST 91, an empty CP.
        s.write(frame(buildDataSegment({ qn: r.packet.qn, st: '91', cn: '9014', pw: r.packet.pw, mn: r.packet.mn, flag: 4, cp: '' })))
      }
    })
    s.on('error', () => undefined)
    s.on('close', () => this.sockets.delete(s))
  }
}
