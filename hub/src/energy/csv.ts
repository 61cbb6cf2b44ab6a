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

/**
 * A text cell a spreadsheet would read as a formula (OWASP, CSV Injection: a cell starting with
 * `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading single quote, so Excel and
 * LibreOffice show it as text and never evaluate it (`=HYPERLINK(...)`, `@SUM(...)`, DDE).
 * Only text: a number is written by the hub, so a negative value stays a number (`-3.5`).
 */
export function neutraliseText(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s
}

/** One RFC 4180 field: numbers as they are, text neutralised and quoted when it holds a quote, comma or line break. */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return ''
  const s = typeof v === 'number' ? String(v) : neutraliseText(v)
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

/** The report's lines one at a time (the BOM and header first, each ending in CRLF), for a reply streamed row by row. */
export function* consumptionCsvLines(t: ConsumptionTable, names: CsvNames): Generator<string> {
  yield BOM + HEADER.map(csvField).join(',') + '\r\n'
  for (let i = 0; i < t.rows.length; i++) {
    for (const e of t.enterprises) {
      const r = e.rows[i]
      if (r) yield line(r.label, names.park(e.park), names.enterprise(e.enterprise), e.enterprise, r) + '\r\n'
    }
  }
  for (const e of t.enterprises) yield line('合计 Total', names.park(e.park), names.enterprise(e.enterprise), e.enterprise, e.total) + '\r\n'
  yield line(names.totalLabel, '', '', '', t.total) + '\r\n'
}

export function consumptionCsv(t: ConsumptionTable, names: CsvNames): string {
  let text = ''
  for (const l of consumptionCsvLines(t, names)) text += l
  return text
}
