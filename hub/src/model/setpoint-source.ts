/**
 * Where a resolved set point comes from (GET /api/v1/devices/:id/setpoints, the dashboard):
 * a standard's clause, the hub's own default, or the override's layer in the zone file or on
 * the device. GB/T 50493-2019 §5.5.2 set points are ceilings; an override let above one says so.
 */
export type SetpointLayer = 'standard' | 'default' | 'zone' | 'park' | 'area' | 'device'

export interface SetpointSource {
  layer: SetpointLayer
  /** The standard's clause behind the stage (or behind its ceiling, for an override). */
  clause?: string | undefined
  /** The standard's ceiling of this stage, where it sets one. */
  ceiling?: number | undefined
  /** An override let above the ceiling, with its reason. */
  exceedsStandard?: boolean | undefined
  reason?: string | undefined
}

/** One resolved stage with its source. */
export interface SourcedStage {
  value: number
  level: number
  stage?: string | undefined
  source?: SetpointSource | undefined
}
