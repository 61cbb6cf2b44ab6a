/**
 * Consumption report as CSV (RFC 4180, CRLF), UTF-8 with a byte-order mark so that Excel in a
 * Chinese locale opens it as UTF-8 instead of GBK. One header row, each column named in
 * Chinese and English. Rows: each period × enterprise, then each enterprise's total, then the
 * park (or zone) total.
 */
import type { ConsumptionTable, Row } from './consumption.js'

export const BOM = '\uFEFF'

const HEADER = [
  '时间 Time', '园区 Park', '企业 Enterprise', '企业编号 Enterprise ID',
  '电 Electricity (kWh)', '天然气 Natural gas (m³)', '蒸汽 Steam (t)', '水 Water (m³)',
  '电折标煤 Electricity (kgce)', '天然气折标煤 Natural gas (kgce)', '蒸汽折标煤 Steam (kgce)',
  '综合能耗 Total energy (tce)', '数据缺口 Data gap', '计数器重置 Counter resets',
]

export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return ''
  const s = String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export interface CsvNames {
  park: (id: string) => string
  enterprise: (id: string) => string
  totalLabel: string
}

function line(time: string, park: string, enterprise: string, enterpriseId: string, r: Omit<Row, 'start' | 'label'>): string {
  const c = r.carriers
  return [
    time, park, enterprise, enterpriseId,
    c.kwh.amount, c.gas_m3.amount, c.steam_t.amount, c.water_m3.amount,
    c.kwh.kgce, c.gas_m3.kgce, c.steam_t.kgce,
    r.tce, r.gap ? '是 yes' : '', r.resets + r.drops,
  ].map(csvField).join(',')
}

export function consumptionCsv(t: ConsumptionTable, names: CsvNames): string {
  const lines = [HEADER.map(csvField).join(',')]
  for (let i = 0; i < t.rows.length; i++) {
    for (const e of t.enterprises) {
      const r = e.rows[i]
      if (r) lines.push(line(r.label, names.park(e.park), names.enterprise(e.enterprise), e.enterprise, r))
    }
  }
  for (const e of t.enterprises) lines.push(line('合计 Total', names.park(e.park), names.enterprise(e.enterprise), e.enterprise, e.total))
  lines.push(line(names.totalLabel, '', '', '', t.total))
  return BOM + lines.join('\r\n') + '\r\n'
}
