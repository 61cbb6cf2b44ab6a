/** Emergency-response incident (应急处置): groups related alarms and follows a response plan. */
export type IncidentState = 'open' | 'closed'

export interface IncidentStep {
  id: string
  text: string
  textEn: string
  role: string | undefined
  done: boolean
  doneAt: number | undefined
  doneBy: string | undefined
}

export interface IncidentCommand {
  id: string
  device: string
  command: string
  params: Record<string, unknown>
  topic: string
  sentAt: number
  sentBy: string
  ackedAt: number | undefined
  result: string | undefined
}

export interface IncidentEntry {
  ts: number
  actor: string
  action: string
  note?: string | undefined
}

export interface Incident {
  id: string
  title: string
  titleEn: string
  hazard: string
  level: 1 | 2 | 3 | 4
  park: string
  enterprise: string | undefined
  area: string | undefined
  state: IncidentState
  openedAt: number
  openedBy: string
  closedAt: number | undefined
  summary: string | undefined
  plan: string | undefined
  alarms: string[]
  devices: string[]
  steps: IncidentStep[]
  commands: IncidentCommand[]
  timeline: IncidentEntry[]
}
