import type { AlarmLevel } from './alarm.js'
import type { Grade } from './zone.js'

/** Live four-colour level: 1 red, 2 orange, 3 yellow, 4 blue; `null` = normal (no colour). */
export type RiskLevel = AlarmLevel | null

export interface RiskReason {
  level: AlarmLevel
  /** Machine-readable code, e.g. `alarm`, `safety_device_offline`, `confirmed_fire`. */
  code: string
  /** Human text in zh-CN and en. */
  text: string
  textEn: string
  alarm?: string | undefined
  device?: string | undefined
}

export interface EnterpriseRisk {
  enterprise: string
  park: string
  level: RiskLevel
  reasons: RiskReason[]
}

export interface ParkRisk {
  park: string
  level: RiskLevel
  /** Static assessed grade A–D beside the live level. */
  grade: Grade | undefined
  reasons: RiskReason[]
  enterprises: EnterpriseRisk[]
  activeAlarms: { 1: number; 2: number; 3: number; 4: number }
  devicesOnline: number
  devicesTotal: number
  updatedAt: number
}
