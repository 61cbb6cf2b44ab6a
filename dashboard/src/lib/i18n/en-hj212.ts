/** English: wastewater outlets and HJ 212-2017 data: the device panel's protocol, MN, last packet and rejects; the emissions page's hourly source and differing hours. Typed against the zh-CN keys. */
import type { zhHj212 } from './zh-CN-hj212.js'

export const enHj212: Readonly<Record<keyof typeof zhHj212, string>> = {
  'kind.wastewater': 'Wastewater outlet monitor',
  'metric.cod': 'Chemical oxygen demand (COD)',
  'metric.nh3n': 'Ammonia nitrogen',
  'metric.tp': 'Total phosphorus',
  'metric.tn': 'Total nitrogen',
  'metric.ph': 'pH',
  'metric.flow_w': 'Wastewater flow',
}
