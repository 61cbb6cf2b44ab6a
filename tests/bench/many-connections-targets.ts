/**
 * The many-connections bench's figures judged against the scale issue's targets (this machine:
 * 2 cores, 20,000 open files; docs/performance.md): one line each, the figure beside its target
 * and "met" or "NOT met", so a run says by itself where it stands. Targets for the load hold at
 * any size; the storm's only when the bench ran one (`--storm`).
 */

export interface ManyConnectionFigures {
  rssPeakMb?: number
  loopP999Ms?: number
  loopMaxMs?: number
  healthMaxMs?: number
  alarmP99Ms?: number
  alarmProbes?: number
  stealLoad?: string
  sent?: number
  stored?: number
  /** Readings a generator sent with its device's previous time: one point in InfluxDB for two. */
  sameTs?: number
  stormBackSec?: number
  stormAlarmP99Ms?: number
  stormRssPeakMb?: number
  /** Alarms raised during the storm, by type. */
  stormRaised?: Record<string, number>
  stealStorm?: string
}

/** How many communications alarms a storm may raise: one per park or gateway. */
export interface ZoneSize {
  parks: number
  gateways: number
}

const TARGETS = {
  rssMb: 1024,
  loopP999Ms: 50,
  loopMaxMs: 100,
  healthMs: 100,
  alarmP99Ms: 50,
  stormBackSec: 60,
  stormAlarmP99Ms: 200,
} as const

/** `[target, figure and verdict]` rows, in the order the issue gives them. */
export function judgeTargets(f: ManyConnectionFigures, zone: ZoneSize): [string, string][] {
  const rows: [string, string][] = []
  const line = (name: string, figure: number | undefined, target: number, unit: string, note = ''): void => {
    if (figure === undefined || Number.isNaN(figure)) return
    rows.push([name, `${figure} ${unit} (target ≤ ${target} ${unit}): ${figure <= target ? 'met' : 'NOT met'}${note}`])
  }
  if (f.sent !== undefined && f.stored !== undefined) {
    const lost = Math.max(0, f.sent - f.stored - (f.sameTs ?? 0))
    rows.push(['0 lost', `${lost} lost of ${f.sent} sent (less ${f.sameTs ?? 0} sharing their device's previous time): ${lost === 0 ? 'met' : 'NOT met'}`])
  }
  const load = f.stealLoad ? `; ${f.stealLoad}` : ''
  line('RSS under load', f.rssPeakMb, TARGETS.rssMb, 'MB')
  line('event loop p99.9 under load', f.loopP999Ms, TARGETS.loopP999Ms, 'ms', load)
  line('event loop max under load', f.loopMaxMs, TARGETS.loopMaxMs, 'ms', load)
  line('health under load', f.healthMaxMs, TARGETS.healthMs, 'ms', load)
  line('alarm p99 under load', f.alarmP99Ms, TARGETS.alarmP99Ms, 'ms', `; ${f.alarmProbes ?? 0} probes${load}`)
  if (f.stormBackSec !== undefined) {
    const storm = f.stealStorm ? `; ${f.stealStorm}` : ''
    line('storm: all back', f.stormBackSec, TARGETS.stormBackSec, 's', storm)
    line('storm: alarm p99', f.stormAlarmP99Ms, TARGETS.stormAlarmP99Ms, 'ms', storm)
    line('storm: RSS', f.stormRssPeakMb, TARGETS.rssMb, 'MB')
    const comms = f.stormRaised?.communications_loss ?? 0
    const offline = f.stormRaised?.device_offline ?? 0
    const most = zone.parks + zone.gateways
    rows.push(['storm: communications alarms', `${comms} raised, ${offline} device-offline alarms (target ≤ one per park or gateway: ${most}): ${comms <= most ? 'met' : 'NOT met'}`])
  }
  return rows
}
