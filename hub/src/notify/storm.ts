/**
 * Storm control (alarm flood, EEMUA 191 / ISA-18.2: more than 10 alarms in 10 minutes per
 * operator is a flood; here per park per minute, the limit set in the zone file). While more
 * than `alarmsPerMinute` alarms of a park were raised in the last minute, its messages are not
 * sent one by one: they gather in the park's bucket of the current minute, and when the minute
 * ends one summary per park goes out (counts by level, the most severe alarms, a link) on the
 * channels the gathered messages would have taken. Red life-safety alarms never wait here:
 * the notifier aggregates them per incident instead. Pure: the clock is passed in.
 */
import type { AlarmLevel } from '../model/alarm.js'

const MINUTE = 60_000
/** Alarms named in a summary (the most severe, then the newest). */
export const SUMMARY_TOP = 5

export interface StormAlarm {
  id: string
  level: AlarmLevel
  type: string
  device: string
  raisedAt: number
}

export interface StormSummary {
  park: string
  /** Start of the minute summed up. */
  minute: number
  counts: Record<AlarmLevel, number>
  total: number
  /** Every alarm summed up (their gathered messages are done once the summary is written). */
  alarms: string[]
  top: StormAlarm[]
  /** The channels the gathered messages were for, each with the tiers' people (person ids). */
  channels: Map<string, Set<string>>
}

interface Bucket {
  minute: number
  alarms: Map<string, StormAlarm>
  channels: Map<string, Set<string>>
}

export class StormControl {
  /** Raise times per park within the last minute. */
  private readonly raises = new Map<string, number[]>()
  private readonly buckets = new Map<string, Bucket>()

  constructor(private readonly alarmsPerMinute: number) {}

  /** Counts an alarm raised in the park. */
  noteRaise(park: string, now: number): void {
    const times = this.recent(park, now)
    times.push(now)
    this.raises.set(park, times)
  }

  /** More than the limit raised in the park within the last minute. */
  inStorm(park: string, now: number): boolean {
    return this.recent(park, now).length > this.alarmsPerMinute
  }

  /** Gathers a message that would have gone to `channel` for `people` about `alarm`. */
  gather(park: string, alarm: StormAlarm, channel: string, people: readonly string[], now: number): void {
    const minute = Math.floor(now / MINUTE) * MINUTE
    let b = this.buckets.get(park)
    if (!b || b.minute !== minute) {
      // A bucket of an earlier minute not yet flushed stays for `due`: keep the two apart by key.
      if (b) this.buckets.set(`${park}\u0000${b.minute}`, b)
      b = { minute, alarms: new Map(), channels: new Map() }
      this.buckets.set(park, b)
    }
    b.alarms.set(alarm.id, alarm)
    const set = b.channels.get(channel) ?? new Set<string>()
    for (const p of people) set.add(p)
    b.channels.set(channel, set)
  }

  /** Summaries of every bucket whose minute has ended by `now` (each once). */
  due(now: number): StormSummary[] {
    const out: StormSummary[] = []
    for (const [key, b] of this.buckets) {
      if (b.minute + MINUTE > now) continue
      this.buckets.delete(key)
      const park = key.split('\u0000')[0]!
      out.push(summarise(park, b))
    }
    return out.sort((a, b) => a.minute - b.minute)
  }

  private recent(park: string, now: number): number[] {
    return (this.raises.get(park) ?? []).filter((t) => t > now - MINUTE)
  }
}

function summarise(park: string, b: Bucket): StormSummary {
  const counts: Record<AlarmLevel, number> = { 1: 0, 2: 0, 3: 0, 4: 0 }
  const alarms = [...b.alarms.values()]
  for (const a of alarms) counts[a.level]++
  const top = [...alarms].sort((x, y) => x.level - y.level || y.raisedAt - x.raisedAt).slice(0, SUMMARY_TOP)
  return { park, minute: b.minute, counts, total: alarms.length, alarms: alarms.map((a) => a.id), top, channels: b.channels }
}
