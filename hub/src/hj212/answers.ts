import { frame } from './frame.js'
import { buildDataSegment, formatDataTime, type Hj212Packet } from './packet.js'
import { CN } from './types.js'

/**
 * What the hub answers a logger (HJ 212-2017 §6.6, appendix C): ST=91 (system interaction),
 * the request's QN, its MN and PW, Flag=4 (2017 edition, no answer wanted).
 * - 9014 data answer, to a data packet whose Flag asks for one (A bit), once the hub has it.
 * - 9011 request answer (QnRtn: 1 ready to execute, 2 refused, 3 PW wrong, 4 MN wrong,
 *   6 Flag wrong, 8 CN wrong), and 9012 execution result (ExeRtn: 1 done) for requests.
 * - 1012 set time, with the hub's SystemTime, to a logger's 1013 time-calibration request.
 * - 9013 notice answer to anything else that asks for an answer (heartbeats, log-ins, notices).
 */
const ANSWER_ST = '91'
const FLAG_2017_NO_ANSWER = 4

/** The QnRtn codes of HJ 212-2017 table 9. */
export const QN_RTN = { ready: 1, refused: 2, wrongPw: 3, wrongMn: 4, wrongFlag: 6, wrongCn: 8 } as const

function answer(to: Pick<Hj212Packet, 'qn' | 'mn' | 'pw'>, cn: string, cp: string, st = ANSWER_ST): string {
  return frame(buildDataSegment({ ...(to.qn !== undefined ? { qn: to.qn } : {}), st, cn, ...(to.pw !== undefined ? { pw: to.pw } : {}), ...(to.mn !== undefined ? { mn: to.mn } : {}), flag: FLAG_2017_NO_ANSWER, cp }))
}

export function dataAnswer(to: Pick<Hj212Packet, 'qn' | 'mn' | 'pw'>): string {
  return answer(to, CN.dataAnswer, '')
}

export function requestAnswer(to: Pick<Hj212Packet, 'qn' | 'mn' | 'pw'>, qnRtn: number): string {
  return answer(to, CN.requestAnswer, `QnRtn=${qnRtn}`)
}

export function executionResult(to: Pick<Hj212Packet, 'qn' | 'mn' | 'pw'>, exeRtn: number): string {
  return answer(to, CN.executionResult, `ExeRtn=${exeRtn}`)
}

export function noticeAnswer(to: Pick<Hj212Packet, 'qn' | 'mn' | 'pw'>): string {
  return answer(to, CN.noticeAnswer, '')
}

/** 1012 set time, in the zone's time zone, under the logger's own ST. */
export function setTime(to: Pick<Hj212Packet, 'qn' | 'mn' | 'pw' | 'st'>, now: number, timeZone: string): string {
  return answer(to, CN.setTime, `SystemTime=${formatDataTime(now, timeZone)}`, to.st ?? ANSWER_ST)
}

/** Data commands: answered 9014 once the hub has the data. */
export const DATA_COMMANDS: ReadonlySet<string> = new Set([CN.realtime, CN.minute, CN.hourly, CN.daily, CN.status, CN.runTime])

/** Answers and notices a logger sends back: never answered. */
export const ANSWER_COMMANDS: ReadonlySet<string> = new Set([CN.requestAnswer, CN.executionResult, CN.noticeAnswer, CN.dataAnswer])
