import type { AlarmLevel } from './alarm.js'
import type { Message } from './messages/index.js'
import type { Grade } from './zone.js'

/** Live four-colour level: 1 red, 2 orange, 3 yellow, 4 blue; `null` = normal (no colour). */
export type RiskLevel = AlarmLevel | null

export interface RiskReason {
  level: AlarmLevel
  /** Machine-readable code, e.g. `alarm`, `safety_device_offline`, `confirmed_fire`. */
  code: string
  /** Human text in zh-CN and en, rendered by the hub from `message` (kept for readers of `text`). */
  text: string
  textEn: string
  /** The reason as a code and its parameters of the one dictionary (model/messages), rendered in the reader's language. */
  message: Message
  alarm?: string | undefined
  device?: string | undefined
  /**
   * For a reason that stands for several not listed one by one (`more_alarms`, and the
   * `safety_device_offline` without a device): how many alarms or devices it counts.
   */
  count?: number | undefined
}

export interface EnterpriseRisk {
  enterprise: string
  park: string
  level: RiskLevel
  reasons: RiskReason[]
  /** In the live `risk` event and snapshot: how many of its reasons are left out there (risk/live-risk.ts; `GET /api/v1/risk` lists them). */
  more?: number
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
