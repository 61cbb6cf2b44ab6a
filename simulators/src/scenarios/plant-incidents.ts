/**
 * Fire, emission, energy and device incidents.
 */
import type { Device } from '../../../hub/src/model/device.js'
import type { TimedAction } from '../actions.js'
import { besides, findCluster, fireRole, isSmokeOrHeat, nearest, pickDevice } from './locate.js'
import type { IncidentBuilder } from './types.js'

/**
 * A fire in a process building: medium t² growth (NFPA 72 Annex B) under a 6 m ceiling, 3 m
 * from a smoke detector; a worker presses the nearest call point (GB 50116-2013: one within
 * 30 m walking distance) two minutes in; sprinklers or the brigade knock it down later.
 */
export const fire: IncidentBuilder = (ix, rng, opts) => {
  const cluster = findCluster(ix, rng, { match: isSmokeOrHeat, avoidParks: opts.avoidParks ?? [] })
  if (!cluster) return undefined
  const sorted = [...cluster.devices].sort((a, b) => a.id.localeCompare(b.id))
  const smoke = sorted.filter((d) => fireRole(d) === 'smoke')
  const target = rng.pick(smoke.length > 0 ? smoke : sorted)
  const position = besides(target.position, 3, rng)
  const fireId = `${opts.id}-fire`
  const suppressAt = opts.short ? 330 : 600
  const steps: TimedAction[] = [
    {
      at: 0,
      action: { kind: 'fire', id: fireId, park: cluster.park, ...(cluster.area ? { area: cluster.area } : {}), position, growth: 'medium', maxKw: 3000, ceilingM: 6 },
      label: `fire ${fireId} starts at ${cluster.park}/${cluster.area ?? cluster.enterprise} (${position.x}, ${position.y}), 3 m from ${target.id}`,
    },
  ]
  const callPoint = nearest(ix, cluster.park, position, (d) => fireRole(d) === 'call_point', 60)
  if (callPoint) steps.push({ at: 120, action: { kind: 'call_point', device: callPoint.id }, label: `a worker presses call point ${callPoint.id}` })
  steps.push({ at: suppressAt, action: { kind: 'fire_suppress', fire: fireId }, label: `fire ${fireId} is being put out` })
  return {
    kind: 'fire',
    park: cluster.park,
    summary: `fire at ${cluster.park}/${cluster.area ?? cluster.enterprise} near ${target.id}`,
    timeline: steps,
    // Decay τ 120 s from ≤ 3 MW falls under 1 kW in about 16 minutes.
    durationSec: suppressAt + 960,
  }
}

const hasPollutant = (d: Device): boolean => d.kind === 'emission' && (d.metrics.includes('so2') || d.metrics.includes('nox'))

/**
 * A scrubber (FGD) or SCR upset: SO2 or NOx at 1.5–2 × the limit for long enough that the
 * hourly O2-corrected average exceeds (HJ 75: an hourly value needs ≥ 45 valid minutes).
 */
export const emissionExceedance: IncidentBuilder = (ix, rng, opts) => {
  const stack = pickDevice(ix, rng, hasPollutant, opts.avoidParks ?? [])
  if (!stack) return undefined
  const metric = stack.metrics.includes('so2') && (rng.chance(0.6) || !stack.metrics.includes('nox')) ? 'so2' : 'nox'
  const factor = Math.round(rng.uniform(1.5, 2) * 100) / 100
  const episodeSec = opts.short ? 75 * 60 : 150 * 60
  const start = 300
  return {
    kind: 'emission-exceedance',
    park: stack.park,
    summary: `${metric} at ${factor} × limit on stack ${stack.id} for ${episodeSec / 60} min`,
    timeline: [
      {
        at: start,
        action: { kind: 'cems_episode', device: stack.id, metric, factor, durationSec: episodeSec },
        label: `${metric === 'so2' ? 'desulphurisation' : 'denitrification'} upset on ${stack.id}: ${metric} heads for ${factor} × its limit`,
      },
    ],
    durationSec: start + episodeSec + 900,
  }
}

/** A demand spike: a furnace or compressor bank started out of schedule, load × 2–3 for a while. */
export const energySpike: IncidentBuilder = (ix, rng, opts) => {
  const meter = pickDevice(ix, rng, (d) => d.kind === 'energy' && d.metrics.includes('kw'), opts.avoidParks ?? [])
    ?? pickDevice(ix, rng, (d) => d.kind === 'energy', opts.avoidParks ?? [])
  if (!meter) return undefined
  const others = ix.devices.filter((d) => d.kind === 'energy' && d.enterprise === meter.enterprise && d.id !== meter.id)
  const factor = Math.round(rng.uniform(2, 3) * 10) / 10
  const spikeSec = opts.short ? 20 * 60 : 45 * 60
  const steps: TimedAction[] = [
    { at: 120, action: { kind: 'energy_spike', device: meter.id, factor, durationSec: spikeSec }, label: `load on ${meter.id} jumps ${factor}×` },
    ...others.map((d) => ({ at: 150, action: { kind: 'energy_spike' as const, device: d.id, factor: 1.6, durationSec: spikeSec }, label: `${d.id} follows: ×1.6` })),
  ]
  return {
    kind: 'energy-spike',
    park: meter.park,
    summary: `demand spike ×${factor} at ${meter.enterprise} (${meter.id})`,
    timeline: steps,
    durationSec: 120 + spikeSec + 600,
  }
}

const sendsTelemetry = (d: Device): boolean => d.metrics.length > 0

/** The flagged faults of `sensor-faults`: a fault (D) from 90 s for 5 min, a calibration (C) from 150 s for 4 min. */
export const FLAG_FAULT_AT = 90
export const FLAG_FAULT_SEC = 300
export const CALIBRATION_AT = 150
export const CALIBRATION_SEC = 240
const isSafety = (d: Device): boolean => d.safety ?? (d.kind === 'gas' || d.kind === 'fire')

/**
 * Device trouble: a stuck gas sensor, a dropout, a single spike (inside the detector's range,
 * between its first and second levels: a nuisance first-level alarm, orange, that clears at
 * the next reading and waits latched for a reset — never red, never over range), a safety device
 * dropping off the network (its will fires), a replaced meter, a panel fault; and the HJ
 * 212-2017 flags a detector puts on its own values: one gas detector's self-test fails (`D`
 * for 5 min: the hub's `device_fault`, yellow, a fault signal apart from any gas alarm,
 * GB/T 50493 §3.0.3; it clears when the detector sends valid values again) and another is
 * calibrated with span gas (`C` for 4 min: out of service, blue, no page, and no gas alarm for
 * the span gas).
 */
export const sensorFaults: IncidentBuilder = (ix, rng, opts) => {
  const avoid = opts.avoidParks ?? []
  const used = new Set<string>()
  const take = (match: (d: Device) => boolean): Device | undefined => {
    const d = pickDevice(ix, rng, (x) => match(x) && !used.has(x.id), avoid)
    if (d) used.add(d.id)
    return d
  }
  const gasTelemetry = (d: Device): boolean => d.kind === 'gas' && sendsTelemetry(d)
  const steps: TimedAction[] = []
  const stuck = take(gasTelemetry)
  if (stuck) steps.push({ at: 30, action: { kind: 'fault', device: stuck.id, fault: 'stuck', durationSec: 600 }, label: `${stuck.id} sticks at its last reading` })
  const spike = take(gasTelemetry)
  if (spike) steps.push({ at: 60, action: { kind: 'fault', device: spike.id, fault: 'spike', durationSec: 120 }, label: `${spike.id} sends one wild reading` })
  const dropout = take((d) => sendsTelemetry(d) && d.kind !== 'energy')
  if (dropout) steps.push({ at: 120, action: { kind: 'fault', device: dropout.id, fault: 'dropout', durationSec: 900 }, label: `${dropout.id} goes silent for 15 min` })
  const offline = take((d) => isSafety(d))
  if (offline) steps.push({ at: 180, action: { kind: 'fault', device: offline.id, fault: 'offline', durationSec: 300 }, label: `${offline.id} drops off the network (will message fires)` })
  const meter = take((d) => d.kind === 'energy' && d.metrics.some((m) => m !== 'kw'))
  if (meter) steps.push({ at: 240, action: { kind: 'meter_replace', device: meter.id }, label: `meter ${meter.id} is replaced: its counter restarts near zero` })
  const panel = take((d) => fireRole(d) === 'panel')
  if (panel) {
    steps.push({ at: 300, action: { kind: 'panel_fault', device: panel.id, state: 'on' }, label: `fire panel ${panel.id} reports a fault` })
    steps.push({ at: 420, action: { kind: 'panel_fault', device: panel.id, state: 'off' }, label: `fire panel ${panel.id} fault cleared` })
  }
  const faulted = take(gasTelemetry)
  if (faulted) {
    steps.push({ at: FLAG_FAULT_AT, action: { kind: 'fault', device: faulted.id, fault: 'fault', durationSec: FLAG_FAULT_SEC }, label: `${faulted.id} fails its self-test: its values come flagged D (fault) for ${FLAG_FAULT_SEC / 60} min` })
  }
  const calibrated = take(gasTelemetry)
  if (calibrated) {
    steps.push({ at: CALIBRATION_AT, action: { kind: 'fault', device: calibrated.id, fault: 'calibration', durationSec: CALIBRATION_SEC }, label: `${calibrated.id} is calibrated with span gas: its values come flagged C (calibration) for ${CALIBRATION_SEC / 60} min` })
  }
  if (steps.length === 0) return undefined
  const first = steps[0]?.action
  const park = first && 'device' in first ? (ix.devices.find((d) => d.id === first.device)?.park ?? '') : ''
  return {
    kind: 'sensor-faults',
    park,
    summary: `device faults: ${[...used].join(', ')}`,
    timeline: steps.sort((a, b) => a.at - b.at),
    durationSec: 1080,
  }
}
