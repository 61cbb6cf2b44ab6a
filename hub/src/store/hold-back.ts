/**
 * Writes to InfluxDB give way to saturated ingest only while the journal is under half full
 * (1 GB of the default 2 GB, about ten million points): past that InfluxDB gets full speed
 * again, so a long overload slows publishers instead of filling the journal towards its alarm
 * at 80 % and shedding at 95 %.
 */
export const HOLD_BACK_JOURNAL_USAGE = 0.5

/** The batch writer's `holdBack`: while ingest is saturated and the journal has room. */
export function holdBackWhile(saturated: () => boolean, journal: { usage(): number }): () => boolean {
  return () => saturated() && journal.usage() < HOLD_BACK_JOURNAL_USAGE
}
