import type { HealthReport } from './services.js'

/** Prometheus text exposition (format 0.0.4) of the hub's counters and gauges. */
export function prometheusText(h: HealthReport, extra: { name: string; help: string; type: 'counter' | 'gauge'; value: number; labels?: Record<string, string> }[] = []): string {
  const out: string[] = []
  const metric = (name: string, help: string, type: 'counter' | 'gauge', samples: [Record<string, string> | undefined, number][]): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
    for (const [labels, v] of samples) {
      const l = labels ? `{${Object.entries(labels).map(([k, x]) => `${k}="${x.replace(/["\\\n]/g, '_')}"`).join(',')}}` : ''
      out.push(`${name}${l} ${v}`)
    }
  }
  metric('smartpark_uptime_seconds', 'Seconds since the hub started', 'gauge', [[undefined, h.uptimeSec]])
  metric('smartpark_mqtt_clients', 'Connected MQTT clients', 'gauge', [[undefined, h.broker.clients]])
  const sessions = h.broker.sessions
  if (sessions) {
    metric('smartpark_mqtt_stored_sessions', 'Stored (persistent) MQTT sessions', 'gauge', [[undefined, sessions.storedSessions]])
    metric('smartpark_mqtt_qos2_inflight', 'QoS 2 publishes received and awaiting PUBREL', 'gauge', [[undefined, sessions.qos2InFlight]])
    metric('smartpark_mqtt_queued_messages', 'Messages queued for stored sessions', 'gauge', [[undefined, sessions.queued]])
    metric('smartpark_mqtt_sessions_refused_total', 'MQTT connections, sessions and messages refused or dropped at a session rule or cap, by reason', 'counter', Object.entries(sessions.refused).map(([reason, n]) => [{ reason }, n]))
  }
  metric('smartpark_ingest_messages_total', 'MQTT messages handed to ingest', 'counter', [[undefined, h.ingest.messages]])
  metric('smartpark_ingest_accepted_total', 'Readings and events accepted', 'counter', [[undefined, h.ingest.accepted]])
  metric('smartpark_ingest_rejected_total', 'Rejected inputs by reason', 'counter', Object.entries(h.ingest.rejectsByReason).map(([reason, n]) => [{ reason }, n]))
  metric('smartpark_store_points_written_total', 'Points written to InfluxDB', 'counter', [[undefined, h.store.pointsWritten]])
  metric('smartpark_store_batches_written_total', 'Batches written to InfluxDB', 'counter', [[undefined, h.store.batchesWritten]])
  metric('smartpark_store_queue_depth', 'Points waiting to be written', 'gauge', [[undefined, h.store.queueDepth]])
  metric('smartpark_store_held_back', 'Writes to InfluxDB slowed while ingest is saturated', 'gauge', [[undefined, h.store.heldBack ? 1 : 0]])
  metric('smartpark_influx_write_errors_total', 'Failed InfluxDB writes', 'counter', [[undefined, h.influx.writeErrors]])
  metric('smartpark_influx_up', 'InfluxDB answers /ping', 'gauge', [[undefined, h.influx.reachable ? 1 : 0]])
  metric('smartpark_influxd_restarts_total', 'Restarts of the managed influxd', 'counter', [[undefined, h.influx.restarts]])
  metric('smartpark_journal_backlog', 'Journal entries not yet in InfluxDB', 'gauge', [[undefined, h.journal.backlog]])
  metric('smartpark_devices', 'Registered devices', 'gauge', [[undefined, h.devices.total]])
  metric('smartpark_devices_online', 'Devices online', 'gauge', [[undefined, h.devices.online]])
  metric('process_resident_memory_bytes', 'Resident memory of the hub process', 'gauge', [[undefined, h.process.rssMb * 1048576]])
  metric('nodejs_heap_used_bytes', 'V8 heap in use', 'gauge', [[undefined, h.process.heapUsedMb * 1048576]])
  const gc = h.process.gc
  if (gc) {
    metric('nodejs_gc_pause_seconds_total', 'Time the main thread spent in garbage collection, by kind (all, major)', 'counter', [[{ kind: 'all' }, gc.totalMs / 1000], [{ kind: 'major' }, gc.majorMs / 1000]])
    metric('nodejs_gc_collections_total', 'Garbage collections', 'counter', [[undefined, gc.collections]])
  }
  const conn = h.connections
  if (conn) {
    metric('smartpark_connections_open', 'Connections open now, by listener (HTTP incl. WebSocket, MQTT, MQTT over TLS, HJ 212)', 'gauge', (['http', 'mqtt', 'mqtts', 'hj212'] as const).map((l) => [{ listener: l }, conn.open[l]]))
    metric('smartpark_connections_limit', 'Connections accepted at once, all listeners (after the open-file headroom)', 'gauge', [[undefined, conn.limits.total]])
    metric('smartpark_connections_refused_total', 'Connections refused, by reason (total_cap, address_cap, proxy_header, unknown_upgrade)', 'counter', Object.entries(conn.refused).map(([reason, n]) => [{ reason }, n]))
    metric('smartpark_accept_errors_total', 'Connections the operating system failed to accept (EMFILE: out of descriptors)', 'counter', [[undefined, conn.acceptErrors]])
    metric('smartpark_mqtt_server_unavailable_total', 'MQTT connections answered CONNACK "server unavailable" past the connection cap', 'counter', [[undefined, conn.serverUnavailable]])
    const pacing = conn.pacing
    if (pacing) {
      metric('smartpark_mqtt_connect_waiting', 'MQTT connections waiting for their start (connect pacing)', 'gauge', [[undefined, pacing.waiting]])
      metric('smartpark_mqtt_connect_refusing', 'MQTT connections to be answered CONNACK "server unavailable" at the pacing\'s next ticks', 'gauge', [[undefined, pacing.refusing]])
      metric('smartpark_mqtt_connect_rate', 'MQTT connections the pacing lets start a second now', 'gauge', [[undefined, pacing.ratePerSecond]])
      metric('smartpark_mqtt_connect_admitted_last_second', 'MQTT connections started in the last whole second', 'gauge', [[undefined, pacing.admittedLastSecond]])
      metric('smartpark_mqtt_connect_started_total', 'MQTT connections the pacing started', 'counter', [[undefined, pacing.started]])
      metric('smartpark_mqtt_connect_refused_busy_total', 'MQTT connections answered CONNACK "server unavailable" because their wait would pass the longest wait', 'counter', [[undefined, pacing.refusedBusy]])
      metric('smartpark_mqtt_connect_wait_seconds', 'The wait for a start: of the first connection waiting now, and the longest since start', 'gauge', [[{ of: 'oldest_waiting' }, pacing.oldestWaitMs / 1000], [{ of: 'longest' }, pacing.longestWaitMs / 1000]])
    }
    const files = conn.limits.openFiles
    metric('smartpark_open_files_limit', 'The process\'s open-file limit (RLIMIT_NOFILE), soft and hard, and the descriptors kept in reserve', 'gauge', ([['soft', files.soft], ['hard', files.hard], ['reserve', files.reserve]] as const).filter(([, n]) => n !== null).map(([kind, n]) => [{ kind }, n as number]))
  }
  const id = h.identity
  if (id) {
    metric('smartpark_login_attempts_total', 'Sign-in attempts, by outcome (admitted to the password check, refused by the limiter, failed, succeeded)', 'counter', [[{ outcome: 'admitted' }, id.login.admitted], [{ outcome: 'refused' }, id.login.refused], [{ outcome: 'failed' }, id.login.failures], [{ outcome: 'succeeded' }, id.login.successes]])
    metric('smartpark_login_limiter_keys', 'Addresses, accounts and pairs the sign-in limiter remembers', 'gauge', [[undefined, id.login.trackedKeys]])
    metric('smartpark_live_sockets', 'socket.io clients connected', 'gauge', [[undefined, id.live.sockets]])
    metric('smartpark_live_events_refused_total', 'socket.io client events refused past the per-socket rate', 'counter', [[undefined, id.live.eventsRefused]])
    metric('smartpark_live_sockets_dropped_total', 'socket.io clients dropped by the hub, by reason', 'counter', [[{ reason: 'flood' }, id.live.droppedFlood], [{ reason: 'token_expired' }, id.live.droppedExpired], [{ reason: 'user_removed' }, id.live.droppedUserRemoved]])
  }
  const hj = h.hj212
  if (hj) {
    metric('smartpark_hj212_connections_open', 'HJ 212 data-logger connections open now', 'gauge', [[undefined, hj.connections.open]])
    metric('smartpark_hj212_connections_total', 'HJ 212 data-logger connections accepted, and closed by the hub by reason', 'counter', [[{ event: 'accepted' }, hj.connections.accepted], [{ event: 'closed_idle' }, hj.connections.closedIdle], [{ event: 'closed_flood' }, hj.connections.closedFlood], [{ event: 'closed_auth' }, hj.connections.closedAuth]])
    metric('smartpark_hj212_packets_total', 'HJ 212 packets with a good frame and data segment', 'counter', [[undefined, hj.packets]])
    metric('smartpark_hj212_accepted_total', 'HJ 212 packets authenticated and kept', 'counter', [[undefined, hj.accepted]])
    metric('smartpark_hj212_answers_total', 'HJ 212 answers sent to loggers (9014, 9011, 9013, 1012)', 'counter', [[undefined, hj.answers]])
    metric('smartpark_hj212_over_standard_total', 'HJ 212 packets accepted with a data segment over the standard 1024 bytes', 'counter', [[undefined, hj.overStandard]])
    metric('smartpark_hj212_rejected_total', 'HJ 212 packets, bytes runs and values refused, by reason', 'counter', Object.entries(hj.rejects).map(([reason, n]) => [{ reason }, n]))
    metric('smartpark_hj212_unknown_code_values_total', 'HJ 212 values stored under a pollutant code no metric takes, by code', 'counter', Object.entries(hj.unknownCodes).map(([code, n]) => [{ code }, n]))
  }
  const nt = h.notify
  if (nt) {
    type Channel = NonNullable<HealthReport['notify']>['channels'][number]
    const per = (pick: (c: Channel) => number): [Record<string, string>, number][] => nt.channels.map((c) => [{ channel: c.id }, pick(c)])
    metric('hub_notify_sent_total', 'Notifications delivered, by channel', 'counter', per((c) => c.sent))
    metric('hub_notify_failed_total', 'Notifications given up, by channel', 'counter', per((c) => c.failed))
    metric('hub_notify_retried_total', 'Notification attempts retried, by channel', 'counter', per((c) => c.retried))
    metric('hub_notify_resent_total', 'Notifications sent again after a restart (possible duplicates), by channel', 'counter', per((c) => c.resent))
    metric('hub_notify_rate_limited_total', 'Platform rate-limit answers, by channel', 'counter', per((c) => c.rateLimited))
    metric('hub_notify_backlog', 'Notifications waiting to be delivered, by channel', 'gauge', per((c) => c.backlog))
    metric('hub_notify_channel_up', 'Channel healthy (1) or failing for minutes (0)', 'gauge', per((c) => (c.healthy ? 1 : 0)))
    metric('hub_notify_latency_ms', 'From the decision to the platform\'s answer, p50 and p99 of recent deliveries, by channel', 'gauge', nt.channels.flatMap((c) => [[{ channel: c.id, quantile: '0.5' }, c.latencyP50 ?? 0], [{ channel: c.id, quantile: '0.99' }, c.latencyP99 ?? 0]] as [Record<string, string>, number][]))
    metric('hub_notify_escalations', 'Escalations running (escalating or held by quiet hours)', 'gauge', [[undefined, nt.escalating]])
    metric('hub_notify_decided_total', 'Messages decided and written to the outbox', 'counter', [[undefined, nt.decided]])
    metric('hub_notify_stormed_total', 'Messages gathered into a park\'s flood summary instead of sent', 'counter', [[undefined, nt.stormed]])
    metric('hub_notify_summaries_total', 'Flood summaries decided', 'counter', [[undefined, nt.summaries]])
  }
  const cl = h.cluster
  if (cl) {
    metric('smartpark_cluster_quorum', 'JetStream accepts writes (1) or its quorum is lost (0): QoS 1 is then not acknowledged', 'gauge', [[{ node: cl.node }, cl.quorum === 'ok' ? 1 : 0]])
    metric('smartpark_cluster_nats_connected', 'Connected to a NATS server', 'gauge', [[{ node: cl.node }, cl.connectedTo ? 1 : 0]])
    metric('smartpark_cluster_nats_reconnects_total', 'Reconnections to NATS', 'counter', [[{ node: cl.node }, cl.reconnects]])
    metric('smartpark_cluster_published_total', 'Device messages JetStream acknowledged on the readings log', 'counter', [[{ node: cl.node }, cl.published]])
    metric('smartpark_cluster_pending_acks', 'QoS 1 messages whose publisher waits for JetStream', 'gauge', [[{ node: cl.node }, cl.pendingAcks]])
    metric('smartpark_cluster_outbox_backlog', 'Device messages in the local outbox not yet acknowledged by JetStream', 'gauge', [[{ node: cl.node }, cl.outboxBacklog]])
    metric('smartpark_cluster_storage_points_total', 'Points this node wrote to InfluxDB from the readings log, by shared consumer', 'counter', cl.storage.map((x) => [{ node: cl.node, consumer: x.consumer }, x.written]))
    metric('smartpark_cluster_storage_pending', 'Readings-log messages a shared InfluxDB consumer has not yet written (all nodes)', 'gauge', cl.storage.map((x) => [{ consumer: x.consumer }, x.pending]))
    const shared = Object.entries(cl.shared ?? {})
    metric('smartpark_cluster_shared_revision', 'Newest revision of a shared bucket (hub_registry, hub_settings) this node applied', 'gauge', shared.map(([bucket, b]) => [{ node: cl.node, bucket }, b.revision]))
    metric('smartpark_cluster_shared_applied_total', 'Values of a shared bucket this node applied since start', 'counter', shared.map(([bucket, b]) => [{ node: cl.node, bucket }, b.applied]))
    metric('smartpark_cluster_shared_watcher_restarts_total', 'Times a shared bucket\'s watcher was started again after it ended unasked', 'counter', shared.map(([bucket, b]) => [{ node: cl.node, bucket }, b.watcherRestarts]))
  }
  for (const e of extra) metric(e.name, e.help, e.type, [[e.labels, e.value]])
  return `${out.join('\n')}\n`
}
