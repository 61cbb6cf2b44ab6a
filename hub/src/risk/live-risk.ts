import type { EnterpriseRisk, ParkRisk } from '../model/risk.js'

/**
 * A park's risk as the socket.io `risk` event and the socket snapshot carry it: the park's
 * level, counts and listed reasons as they are, and each enterprise with its level and its most
 * severe reason only, `more` saying how many of its reasons are left out (`GET /api/v1/risk`
 * lists them all). Every enterprise of a park of 438 enterprises with devices offline has 12
 * reasons: 1.7 MB of them in each update, encoded for the sockets on the event loop (socket.io
 * walks the whole object for binaries, then JSON), 40 – 80 ms a park at 18,000 connections;
 * the dashboard shows the park's first reasons and each enterprise's level.
 *
 * Made once per risk object (the tracker makes a new one on every change).
 */
const made = new WeakMap<ParkRisk, ParkRisk>()

export function liveRisk(risk: ParkRisk): ParkRisk {
  let live = made.get(risk)
  if (!live) {
    // A risk relayed from another node is taken as it came (one without enterprises is passed on so).
    live = risk.enterprises === undefined ? risk : { ...risk, enterprises: risk.enterprises.map(liveEnterprise) }
    made.set(risk, live)
  }
  return live
}

function liveEnterprise(e: EnterpriseRisk): EnterpriseRisk {
  if (e.reasons.length <= 1) return e
  return { ...e, reasons: e.reasons.slice(0, 1), more: e.reasons.length - 1 }
}
