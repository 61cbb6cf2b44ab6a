import { frame } from './frame.js'
import { buildDataSegment, flagBits, formatDataTime, type Hj212Packet } from './packet.js'
import { CN } from './types.js'

/**
 * What the hub answers a logger (HJ 212-2017 §6.6, appendix C): ST=91 (system interaction),
 * the request's QN, its MN and PW, Flag=4 (2017 edition, no answer wanted); a 2005-edition
 * packet is answered in the 2005 form (is2005 below).
 * - 9014 data answer, to a data packet whose Flag asks for one (A bit), once the hub has it.
 * - 9011 request answer (QnRtn: 1 ready to execute, 2 refused, 3 PW wrong, 4 MN wrong,
 *   6 Flag wrong, 8 CN wrong), and 9012 execution result (ExeRtn: 1 done) for requests.
 * - 1012 set time, with the hub's SystemTime, to a logger's 1013 time-calibration request.
 * - 9013 notice answer to anything else that asks for an answer (heartbeats, log-ins, notices).
 */
const ANSWER_ST = '91'
const FLAG_2017_NO_ANSWER = 4
/** HJ/T 212-2005: Flag without edition bits, no answer wanted. */
const FLAG_2005_NO_ANSWER = 0

/** The QnRtn codes of HJ 212-2017 table 9. */
export const QN_RTN = { ready: 1, refused: 2, wrongPw: 3, wrongMn: 4, wrongFlag: 6, wrongCn: 8 } as const

type To = Pick<Hj212Packet, 'qn' | 'mn' | 'pw'> & Partial<Pick<Hj212Packet, 'flag' | 'cn'>>

/**
 * A packet of the 2005 edition (a Flag whose edition bits V5..V0 are 0) is answered as HJ/T
 * 212-2005 answers: the request's QN inside CP (`CP=&&QN=…;QnRtn=1&&`, `CP=&&QN=…;CN=2051&&`
 * for a data answer), Flag=0. A 2017 packet (V = 000001 or later) has its QN in the header.
 */
function is2005(to: To): boolean {
  return to.flag !== undefined && flagBits(to.flag).version === 0
}

function answer(to: To, cn: string, cp: string, st = ANSWER_ST): string {
  const who = { ...(to.pw !== undefined ? { pw: to.pw } : {}), ...(to.mn !== undefined ? { mn: to.mn } : {}) }
  if (is2005(to)) {
    const inCp = [to.qn !== undefined ? `QN=${to.qn}` : '', cp].filter((x) => x !== '').join(';')
    return frame(buildDataSegment({ st, cn, ...who, flag: FLAG_2005_NO_ANSWER, cp: inCp }))
  }
  return frame(buildDataSegment({ ...(to.qn !== undefined ? { qn: to.qn } : {}), st, cn, ...who, flag: FLAG_2017_NO_ANSWER, cp }))
}

export function dataAnswer(to: To): string {
  return answer(to, CN.dataAnswer, is2005(to) && to.cn !== undefined ? `CN=${to.cn}` : '')
}

export function requestAnswer(to: To, qnRtn: number): string {
  return answer(to, CN.requestAnswer, `QnRtn=${qnRtn}`)
}

export function executionResult(to: To, exeRtn: number): string {
  return answer(to, CN.executionResult, `ExeRtn=${exeRtn}`)
}

export function noticeAnswer(to: To): string {
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
