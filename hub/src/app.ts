import { mkdir } from 'node:fs/promises'
import { persistentSecret, tightenDataDir } from './config/private-files.js'
import { eventLoopDelay, memory } from './api/process-figures.js'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { InfluxDB } from 'influx'
import type { Settings } from './config/settings.js'
import { loadZoneFile } from './config/zone-file.js'
import { UserDirectory } from './config/users.js'
import type { Zone } from './model/zone.js'
import { METRICS_BY_KIND, DEVICE_KINDS } from './model/vocabulary.js'
import { DeviceRegistry } from './registry/device-registry.js'
import { copyOnly, JsonRegistryStore } from './registry/registry-store.js'
import { Ingest, type IngestSink, type Refusal } from './ingest/pipeline.js'
import { createBroker, type Broker } from './broker/broker.js'
import { ConnectionScheduler } from './broker/loop-turns.js'
import { holdBackWhile } from './store/hold-back.js'
import { InfluxdSupervisor, ping } from './store/influxd-supervisor.js'
import { ensureDatabase, influxClient } from './store/influx-client.js'
import { energyEmissionStores } from './store/energy-emission-stores.js'
import { BatchWriter } from './store/batch-writer.js'
import { Journal, type Durable } from './journal/journal.js'
import { journalWatcher } from './journal/journal-filling.js'
import { JournalCursor } from './journal/journal-cursor.js'
import { LatestCache } from './store/latest-cache.js'
import { lastValues, series } from './store/queries.js'
import { rejectLine, Sampler } from './store/points.js'
import { createHttp, createLogger, registerApi } from './api/server.js'
import { DEFAULT_LOGIN_LIMITS, LoginLimiter } from './api/login-limiter.js'
import type { ApiServices, HealthReport } from './api/services.js'
import { prometheusText } from './api/metrics-text.js'
import { AuditLog } from './api/audit.js'
import { auditZoneExceedances } from './api/setpoint-audit.js'
import { alarmRoutes } from './api/routes/alarms.js'
import { riskRoutes } from './api/routes/risk.js'
import { setpointRoutes } from './api/routes/setpoints.js'
import { incidentRoutes } from './api/routes/incidents.js'
import { SafetyLoop } from './safety-loop.js'
import { createEnergyEmissions } from './energy-emissions.js'
import { LiveServer } from './live/live-server.js'
import type { ConnectionGate } from './net/connection-gate.js'
import { gateFromSettings } from './net/gate-from-settings.js'
import { routeUpgrades } from './net/upgrade-router.js'
import { Forwarder } from './hj212/forwarder.js'
import { LoggerSecrets } from './hj212/logger-secrets.js'
import { LoggerDirectory } from './hj212/logger-directory.js'
import { loggerRows } from './store/logger-points.js'
import { startHj212Listener, type Hj212Listener } from './hj212/listener.js'
import { hj212Routes } from './api/routes/hj212.js'
import { notifyRoutes } from './api/routes/notify.js'
import { notifyHealth, startNotifications, zonePlaces, type NotifyService } from './notify/service.js'
import { watchGcPauses } from './broker/gc-pauses.js'
import { JournalLog, type DurableLog } from './journal/durable-log.js'
import type { ClusterNode } from './cluster/cluster-node.js'
import type { ParkRecord } from './cluster/park-state.js'
import { reportRoutes } from './api/routes/reports.js'
import { planRoutes } from './api/routes/plans.js'
import { PlanStore } from './plans/plan-store.js'
import { hubReports } from './reports/hub-sources.js'
import { FootprintService } from './hazard/footprint-service.js'
import { hazardRoutes } from './api/routes/hazard.js'
import { clusterRoutes } from './api/routes/cluster.js'

/**
 * Composes the hub (ARCHITECTURE.md): config → registry → store → ingest → broker → api.
 * Exported so tests build a whole hub in-process on random ports and close it after.
 */

/** Journal usage past which QoS 0 readings are shed (the alarm at 95 % is orange). */
const SHED_JOURNAL_USAGE = 0.95

export interface HubAddresses {
  httpPort: number
  mqttPort: number
  mqttTlsPort: number | undefined
  influxUrl: string
  /** The HJ 212 listener's port, when HUB_HJ212_PORT is set. */
  hj212Port: number | undefined
}

export interface Hub {
  readonly settings: Settings
  readonly zone: Zone
  readonly registry: DeviceRegistry
  readonly ingest: Ingest
  readonly broker: Broker
  readonly api: FastifyInstance
  readonly influx: InfluxDB
  readonly writer: BatchWriter
  readonly journal: Journal
  readonly latest: LatestCache
  readonly supervisor: InfluxdSupervisor | undefined
  readonly safety: SafetyLoop
  readonly live: LiveServer
  /** Every connection's admission, caps and counters (net/connection-gate.ts). */
  readonly connections: ConnectionGate
  /** Notifications (the zone file's notify section: notify/service.ts); undefined without one. */
  readonly notify: NotifyService | undefined
  /** The HJ 212-2017 listener (HUB_HJ212_PORT), its counters; undefined when off. */
  readonly hj212: Hj212Listener | undefined
  /** People who sign in; `replaceZoneUsers` reaches tokens and sockets at once. */
  readonly users: UserDirectory
  /** Cluster mode (HUB_NATS_URL, cluster/cluster-node.ts): the NATS link and the readings log; undefined single-node. */
  readonly cluster: ClusterNode | undefined
  readonly addresses: HubAddresses
  close(): Promise<void>
}

export interface HubOptions {
  /** Called once with a generated admin password (first start, no HUB_ADMIN_PASSWORD). */
  announceAdminPassword?: (password: string) => void
  clock?: () => number
  /** Built dashboard directory to serve at `/`. */
  dashboardDir?: string
}

export async function startHub(settings: Settings, options: HubOptions = {}): Promise<Hub> {
  const clock = options.clock ?? Date.now
  const started = clock()
  const zone = await loadZoneFile(settings.configFile)
  await mkdir(settings.dataDir, { recursive: true })
  const tightened = tightenDataDir(settings.dataDir)
  // HJ 212 loggers' PWs (hj212/logger-secrets.ts): the registry hands each device's PW here, 0600.
  const hj212Secrets = new LoggerSecrets(join(settings.dataDir, 'hj212', 'logger-secrets.json'))
  // Cluster mode: the cluster's bucket is the registry's truth and registry.json its copy (cluster/shared-registry.ts).
  if (settings.cluster && settings.adminPassword === undefined) throw new Error('HUB_ADMIN_PASSWORD: cluster mode needs it set, the same on every node (a node would otherwise generate an admin password of its own); docs/cluster.md')
  const registryFile = new JsonRegistryStore(join(settings.dataDir, 'registry.json'))
  const registry = new DeviceRegistry(zone, settings.cluster ? copyOnly(registryFile) : registryFile, (id, pw) => hj212Secrets.set(id, pw))
  // A retired device's PW goes with it.
  registry.onChange((e) => {
    if (e.type === 'removed') hj212Secrets.delete(e.device.id)
  })
  await registry.open()
  const users = await UserDirectory.open({
    zoneUsers: zone.users,
    zone,
    dataDir: settings.dataDir,
    adminPassword: settings.adminPassword,
    announce: options.announceAdminPassword ?? ((p) => process.stdout.write(`\n  First start: the admin password is ${p}\n  (printed once; set HUB_ADMIN_PASSWORD to choose it)\n\n`)),
  })

  const loginLimiter = new LoginLimiter({ ...settings.login, windowMs: settings.login.windowSec * 1000, knownGoodMs: DEFAULT_LOGIN_LIMITS.knownGoodMs })
  // The logger first, then the HTTP shell that logs with it; its routes come last, handed services that exist.
  const log = createLogger(settings.logLevel)
  const api = createHttp({
    log, trustedProxies: settings.trustedProxies,
    timeouts: { requestMs: settings.httpRequestTimeoutMs, headersMs: settings.httpHeadersTimeoutMs, keepAliveMs: settings.httpKeepAliveTimeoutMs, idleMs: settings.httpIdleTimeoutMs },
  })
  if (tightened.length) log.warn({ files: tightened.slice(0, 20), count: tightened.length }, 'data dir files readable by others made private (0600 files, 0700 dirs)')
  // Cluster mode (HUB_NATS_URL): NATS first, before anything that would outlive a refused start.
  // Devices' readings, events and statuses then go to the outbox and JetStream instead of the
  // journal alone (journal/durable-log.ts); the safety loop gets them from the readings log.
  // The cluster's modules (and the NATS clients, 13.5 MB of memory) are loaded in cluster mode only.
  const clustered = settings.cluster
    ? { node: await import('./cluster/cluster-node.js'), view: await import('./cluster/cluster-view.js'), actions: await import('./cluster/park-actions.js'), registry: await import('./cluster/shared-registry.js'), settings: await import('./cluster/shared-settings.js'), signing: await import('./cluster/signing-key.js') }
    : undefined
  const cluster = settings.cluster && clustered ? await clustered.node.startClusterNode({ settings: settings.cluster, dataDir: settings.dataDir, maxBytes: settings.journalMaxBytes, target: () => safety, log }) : undefined
  // The registry's run-time changes from the cluster's bucket, loaded before any device is taken; changes go through it.
  const sharedRegistry = cluster && clustered ? await clustered.registry.startSharedRegistry({ js: cluster.link.js, jsm: cluster.link.jsm, replicas: cluster.settings.replicas, node: cluster.settings.nodeId, registry, file: registryFile, log }) : undefined
  const settingsBucket = cluster && clustered ? await clustered.settings.openSettingsBucket({ js: cluster.link.js, jsm: cluster.link.jsm, replicas: cluster.settings.replicas, node: cluster.settings.nodeId, log }) : undefined
  // Tokens and ack links: HUB_JWT_SECRET, else in cluster mode the cluster's one key (cluster/signing-key.ts), else this node's own.
  const ownJwtSecret = settings.jwtSecret ?? (await persistentSecret(join(settings.dataDir, 'jwt-secret')))
  const jwtSecret = settings.jwtSecret === undefined && settingsBucket && cluster && clustered ? await clustered.signing.sharedSigningKey(settingsBucket, ownJwtSecret, cluster.settings.nodeId) : ownJwtSecret
  const connections = gateFromSettings(settings, log)
  connections.guard(api.server, 'http')
  const audit = new AuditLog(join(settings.dataDir, 'audit.jsonl'))
  // Zone-file set points kept above GB/T 50493 ceilings (exceedsStandard, with a reason) go to the audit log once.
  auditZoneExceedances(audit, zone, settings.configFile, started)

  let supervisor: InfluxdSupervisor | undefined
  let influxUrl = settings.influx.url
  if (influxUrl === undefined) {
    supervisor = new InfluxdSupervisor({ binary: settings.influxdPath, dataDir: settings.dataDir, log, ownProcessGroup: true })
    await supervisor.start()
    influxUrl = supervisor.url
    log.info({ url: influxUrl, pid: supervisor.pid }, 'managed influxd is up')
  }
  const conn = { url: influxUrl, db: settings.influx.db, username: settings.influx.username, password: settings.influx.password }
  const influx = influxClient(conn)
  // Cluster mode: readings reach InfluxDB from the readings log, written by whichever node is free.
  cluster?.startStorage(conn)
  const energyEmissionRepositories = energyEmissionStores(influx, conn.db)
  // An unreachable InfluxDB does not stop the hub: readings wait in the journal until it answers.
  const dbReady = untilReady(() => ensureDatabase(influx, conn.db), 24 * 3600_000, (err) => log.warn({ err: err.message, url: influxUrl }, 'waiting for InfluxDB'))
  await Promise.race([dbReady, new Promise((r) => setTimeout(r, 15_000))])
  const journal = new Journal({ dir: join(settings.dataDir, 'journal'), maxBytes: settings.journalMaxBytes })
  const left = journal.open()
  if (left.lines > 0) log.warn({ points: left.lines, segments: left.segments }, 'replaying the journal into InfluxDB')
  // The broker's connection scheduler, made here: the writer asks it whether ingest is saturated.
  const loopTurns = new ConnectionScheduler()
  const writer = new BatchWriter({
    ...conn, batchPoints: settings.writeBatchPoints, flushMs: settings.writeFlushMs, log,
    source: new JournalCursor(journal),
    holdBack: holdBackWhile(() => loopTurns.saturated(), journal),
    onWritten: (b) => journal.written(b.segment, b.bytes, b.lines),
  })
  journal.onCommit = () => writer.poke()
  writer.poke()
  /**
   * Every point goes to the journal; the writer reads it back from there. QoS 1 publishers
   * wait for the journal's fdatasync (durable acknowledgement); nobody waits for InfluxDB.
   */
  const store = (lines: string[], qos: number): void | Durable | 'full' => {
    const j = journal.append(lines, qos >= 1)
    if (!j) return 'full'
    return j.durable
  }
  const durableLog: DurableLog = cluster?.log ?? new JournalLog(journal)
  const latest = new LatestCache()
  await seedLatest(influx, latest).catch((err: Error) => log.warn({ err: err.message }, 'could not seed latest values'))

  const enterpriseParks = new Map(zone.parks.flatMap((p) => p.enterprises.map((e) => [e.id, p.id] as const)))
  // Nothing listens until the end: a socket's snapshot and an MQTT message reach the safety
  // loop and the energy services below only once they are built.
  const live = new LiveServer(api.server, {
    verifyToken: (t) => api.verifyToken(t),
    snapshot: (parks) => (view ? view.snapshot(parks) : safety.snapshotFor(parks)),
    parkIds: () => zone.parks.map((p) => p.id),
    currentUser: (name) => api.currentUser(name),
    enterprisePark: (e) => enterpriseParks.get(e),
    deviceEnterprise: (id) => registry.get(id)?.device.enterprise,
  }, { limits: settings.live })
  // A user changed or removed reaches open sockets at once (live-server.ts).
  users.onChange(() => live.usersChanged())

  // HJ 212 forwarding upstream, opt-in (zone file hj212.upstreams; docs/hj212.md): a durable
  // queue and a link per platform; MQTT emission readings here, loggers' packets from the listener.
  const forwarder = zone.hj212?.upstreams?.length
    ? await Forwarder.open({
      upstreams: zone.hj212.upstreams, dataDir: settings.dataDir, timeZone: zone.timezone, clock, log,
      device: (id) => registry.get(id)?.device,
      loggerMnOf: (id) => registry.get(id)?.device.hj212?.mn,
      loggerPw: (mn) => {
        for (const r of registry.all()) if (r.device.hj212?.mn === mn && hj212Secrets.get(r.device.id) !== undefined) return hj212Secrets.get(r.device.id)
        return undefined
      },
    })
    : undefined
  /** The HJ 212 listener, started with the other listeners at the end. */
  let hj212: Hj212Listener | undefined
  const rejectSampler = new Sampler(5)
  // Refused here, counted by ingest (pipeline.ts Refusal): nothing outside ingest changes its counters.
  const shed: Refusal = { refused: 'overload_shed', detail: 'QoS 0 reading shed: the journal is nearly full' }
  const refuseFull: Refusal = { refused: 'journal_full', detail: 'the journal is full: InfluxDB has been unreachable too long' }
  const sink: IngestSink = {
    readings(readings, qos) {
      // Last resort: QoS 0 telemetry gives way first, leaving the journal's last room to QoS 1, events and alarms.
      if (qos < 1 && durableLog.usage() >= SHED_JOURNAL_USAGE) return shed
      const pending = durableLog.append({ readings }, qos)
      if (pending === 'full') return refuseFull
      for (const r of readings) latest.update(r)
      if (!cluster) safety.onReadings(readings)
      ee.onReadings(readings)
      forwarder?.readings(readings)
      return pending
    },
    event(e, qos) {
      const pending = durableLog.append({ events: [e] }, qos)
      if (pending === 'full') return refuseFull
      if (!cluster) safety.onEvent(e)
      return pending
    },
    status(s) {
      const pending = durableLog.append({ statuses: [s] }, 1)
      if (pending === 'full') return refuseFull
      if (!cluster) safety.onStatus(s)
      return pending
    },
    reject(r) {
      if (r.reason !== 'journal_full' && rejectSampler.take(r.reason, r.ts)) void store([rejectLine(r)], 0)
    },
  }
  const ingest = new Ingest({ devices: registry, sink, clock, maxPayloadBytes: settings.maxPayloadBytes, maxBatch: settings.maxBatch })
  const broker = await createBroker({ registry, ingest, log, tls: settings.tls, gate: connections, clientMaxRate: settings.clientMaxRate, clientSliceBytes: settings.clientInflightBytes, maxPacketBytes: settings.maxPayloadBytes + 65_536, sessionLimits: settings.mqttSessions, scheduler: loopTurns })

  // Cluster mode: pushes reach every node's sockets, commands the node holding the device (cluster/cluster-view.ts).
  const view = cluster && clustered ? await clustered.view.startClusterView(cluster, { live, snapshot: (p) => safety.snapshotFor(p), parks: () => zone.parks.map((p) => p.id), broker, registry, clock, log }) : undefined
  const safety = new SafetyLoop({ zone, registry, dataDir: settings.dataDir, clock, deadmanIntervals: settings.deadmanIntervals, liveWindowSec: settings.liveWindowSec, writeLines: (l) => void store(l, 0), live: view?.fanout.live ?? live, commands: view ? (topic, payload) => view.fanout.sendCommand(topic, payload) : (topic, payload) => broker.publish(topic, payload, 1, false), log,
    // Cluster mode: only the parks this node owns are evaluated, and their records go to each park's fenced log.
    ...(cluster ? { owns: (p: string) => cluster.parks.owns(p), onParkRecord: (p: string, r: ParkRecord) => cluster.parks.record(p, r) } : {}) })
  const ee = createEnergyEmissions({
    zone, stores: energyEmissionRepositories, clock, log,
    raise: (transitions) => safety.apply(transitions),
    devices: () => [...registry.all()].map((r) => r.device),
    // The device panel's HJ 212 link (GET /api/v1/emissions/link): a logger's last packet and rejects by MN.
    loggerByMn: (mn) => hj212?.counters.logger(mn),
    options: { maxPointsPerResponse: settings.maxPointsPerResponse },
  })
  void dbReady.then(() => ee.start(), () => undefined)
  // Notifications (docs/notifications.md), only with the zone file's notify section: the hub is as before without one.
  const notify = zone.notify
    ? await startNotifications({
      settings: zone.notify, timezone: zone.timezone, parkIds: new Set(zone.parks.map((p) => p.id)), dataDir: settings.dataDir, clock,
      hubSecret: jwtSecret, publicUrl: process.env.HUB_PUBLIC_URL || undefined, env: process.env, log,
      places: zonePlaces(zone, (id) => registry.get(id)?.device), alarms: safety.alarms, incidents: safety.incidents, raise: (t) => safety.apply(t),
    })
    : undefined
  if (notify) safety.addListener(notify)
  // Rosters, policies, channel secrets and HJ 212 upstream PWs edited through any node, from the cluster's bucket (cluster/shared-settings.ts).
  const sharedSettings = cluster && clustered && settingsBucket ? await clustered.settings.startSharedSettings({ bucket: settingsBucket, node: cluster.settings.nodeId, notify, upstreams: forwarder, log }) : undefined
  // Gas hazard footprints (docs/hazard.md): recomputed every few seconds off the readings' path, pushed live.
  const footprints = new FootprintService({ zone, devices: () => [...registry.all()].map((r) => r.device), latest: (id) => latest.get(id), activeAlarms: () => safety.alarms.list({ state: 'active' }), push: (f) => live.footprint(f), clock, log })
  registry.onChange(() => footprints.devicesChanged())
  const loopDelay = eventLoopDelay()
  const gcPauses = watchGcPauses()
  let influxReachable = true
  const health = async (): Promise<HealthReport> => {
    influxReachable = await ping(influxUrl)
    // Counted by the registry as devices change: a walk of a 100,000-device zone held the loop.
    const online = registry.online
    const clusterHealth = cluster ? { ...cluster.health(), shared: Object.fromEntries([sharedRegistry?.bucket, settingsBucket].flatMap((b) => (b ? [[b.name, b.stats()]] : []))) } : undefined
    // A park that READINGS fell behind (cluster/park-feed.ts StreamBehindError) is not evaluated: degraded.
    const degraded = !influxReachable || !writer.healthy || clusterHealth?.quorum === 'lost' || Object.keys(clusterHealth?.parks?.behind ?? {}).length > 0
    return {
      status: degraded ? 'degraded' : 'ok',
      uptimeSec: Math.round((clock() - started) / 1000),
      broker: { clients: broker.stats().clients, mqttPort: broker.stats().tcpPort, sessions: broker.stats().sessions },
      influx: { url: influxUrl, managed: supervisor !== undefined, reachable: influxReachable, restarts: supervisor?.restarts ?? 0, writeErrors: writer.stats.writeErrors, lastError: writer.stats.lastError },
      ingest: { messages: ingest.messages, accepted: ingest.accepted, rejected: ingest.rejects.total, rejectsByReason: ingest.rejects.byReason() },
      store: { queueDepth: writer.depth, pointsWritten: writer.stats.pointsWritten, batchesWritten: writer.stats.batchesWritten, heldBack: writer.heldBack },
      journal: { backlog: journal.backlog, bytes: journal.sizeBytes, usage: Number(journal.usage().toFixed(4)), replayed: journal.stats.replayed, slowestWriteMs: journal.takeSlowestMs() },
      devices: { total: registry.size, online },
      process: { ...memory(), heldPublishes: broker.stats().heldPublishes, waitingBytes: broker.stats().waitingBytes, pausedConnections: broker.stats().pausedConnections, eventLoopDelayMs: loopDelay.read(), gc: gcPauses.read() },
      connections: { ...connections.stats(), pacing: broker.stats().connecting },
      ...(hj212 ? { hj212: hj212.counters.stats() } : {}),
      ...(notify ? { notify: notifyHealth(notify) } : {}),
      identity: { login: loginLimiter.stats(), live: live.stats() },
      ...(clusterHealth ? { cluster: clusterHealth } : {}),
    }
  }

  const services: ApiServices = {
    zone, registry, users, latest, audit, loginLimiter,
    series: (q) => series(influx, q),
    maxPointsPerResponse: settings.maxPointsPerResponse,
    health,
    metricsText: async () => prometheusText(await health()),
    deviceQuality: (id) => ({ flags: safety.rules.qualityOf(id), late: safety.rules.lateOf(id) }),
  }
  // Shift handover reports (docs/reports.md): kept under <data dir>/reports.
  const reports = await hubReports({
    zone, dataDir: settings.dataDir, clock, alarms: safety.alarms, incidents: safety.incidents, devices: () => registry.all(),
    rosters: () => notify?.overrides.rosters() ?? zone.notify?.rosters ?? [], energy: ee.energy, emissions: ee.emissions, stack: ee.routeServices.emissions.stack, log,
  })
  await registerApi(api, {
    services, auth: { secret: jwtSecret, ttlSec: settings.jwtTtlSec, users }, dashboardDir: options.dashboardDir,
    plugins: [
      alarmRoutes({ alarms: safety.alarms, alarmsDurable: () => safety.durable(), remote: view?.remoteAlarms }),
      riskRoutes(() => (view ? view.risk(safety.risk.all()) : safety.risk.all())),
      incidentRoutes({ incidents: safety.incidents, incidentsDurable: () => safety.incidentsDurable(), remote: view?.remoteIncidents, placeOf: { device: (id) => registry.get(id)?.device, alarm: (id) => safety.alarms.get(id) } }),
      ee.routes,
      setpointRoutes((id) => safety.rules.effectiveSetpoints(id), (id) => registry.get(id)?.device),
      notifyRoutes({ notify, alarms: safety.alarms, alarmsDurable: () => safety.durable(), audit, limiter: loginLimiter }),
      reportRoutes({ reports, audit }),
      planRoutes({ plans: new PlanStore(settings.dataDir, new Set(zone.parks.map((p) => p.id))), audit }),
      hazardRoutes((park) => footprints.footprint(park)),
      hj212Routes({ status: () => forwarder?.status() ?? [], skipped: () => forwarder?.skipped() ?? {}, has: (id) => forwarder?.has(id) ?? false, setPw: async (id, pw) => (await forwarder?.setPw(id, pw)) ?? false, audit: (e) => audit.record(e) }),
      // Cluster mode: nodes, park leases and an operator's park move (single-node: 404, not clustered).
      clusterRoutes({ control: cluster?.parks, parks: () => zone.parks.map((p) => p.id), audit }),
    ],
  })

  // The one place that decides what an HTTP upgrade becomes; any other path is answered 404 and closed.
  routeUpgrades(api.server, [
    { path: '/mqtt', handle: (req, socket, head) => broker.webSocketUpgrade(req, socket, head) },
    { path: '/socket.io/', prefix: true, handle: (req, socket, head) => live.io.engine.handleUpgrade(req, socket, head) },
  ], () => connections.countUnknownUpgrade())
  safety.start()
  await cluster?.startParks({
    parks: () => zone.parks.map((p) => p.id), target: () => safety,
    onRunning: (p) => view?.serve(p, clustered!.actions.parkActions(p, { alarms: safety.alarms, incidents: safety.incidents, durable: (park) => Promise.all([safety.incidentsDurable(), cluster.parks.flush(park)]).then(() => undefined) })),
    onStopping: (p) => view?.unserve(p),
  })
  footprints.start()
  notify?.start()
  // In cluster mode the outbox fills too, while JetStream has no quorum: the fuller of the two is watched.
  const watchJournal = journalWatcher(cluster ? { usage: () => Math.max(journal.usage(), durableLog.usage()) } : journal, safety)
  const journalWatch = setInterval(() => watchJournal(clock()), 5000)
  const energyTick = setInterval(() => ee.tick(clock()), 10_000)
  energyTick.unref()
  journalWatch.unref()
  await api.listen({ host: settings.host, port: settings.httpPort })
  const httpAddr = api.server.address()
  const httpPort = typeof httpAddr === 'object' && httpAddr ? httpAddr.port : settings.httpPort
  const mqtt = await broker.listen(settings.host, settings.mqttPort, settings.tls ? settings.mqttTlsPort : undefined)
  // HJ 212-2017 data loggers over TCP (HUB_HJ212_PORT, off unless set; docs/hj212.md): through the
  // connection gate, each packet's MN/PW against the registry, the same ingest → journal → rules
  // path as MQTT, the 9014 answer after the journal's durable acknowledgement.
  hj212 = settings.hj212.port === undefined ? undefined : await startHj212Listener({
    host: settings.host, port: settings.hj212.port, gate: connections, clock, timeZone: zone.timezone, log,
    directory: new LoggerDirectory(registry, (id) => hj212Secrets.get(id), (o, m) => log.warn(o, m)),
    ingest,
    rows: loggerRows((lines) => store(lines, 1) ?? undefined),
    // The logger's own minute/hour/day values are in emission_logger; the emissions room reads them
    // there. Its hours also go to the live exceedance judgement of stacks judged by their logger.
    onAggregate: (a) => {
      if (a.interval !== 'hour') return
      const metrics: Record<string, { avg?: number; zsAvg?: number; min?: number; max?: number; cou?: number; flag?: string }> = {}
      for (const [m, v] of Object.entries(a.values)) metrics[m] = { ...v, ...(a.flags?.[m] !== undefined ? { flag: a.flags[m] } : {}) }
      ee.onLoggerHour(a.device, a.ts, metrics)
    },
    onDataPacket: (p, deviceIds) => forwarder?.packet(p, deviceIds),
    limits: { idleMs: settings.hj212.idleSec * 1000, floodBytes: settings.hj212.floodBytes },
  })
  log.info({ http: httpPort, mqtt: mqtt.port, mqtts: mqtt.tlsPort, influx: influxUrl, devices: registry.size }, 'hub listening')

  let closing: Promise<void> | undefined
  return {
    settings, zone, registry, ingest, broker, api, influx, writer, journal, latest, supervisor, safety, live, connections, users, hj212, notify, cluster,
    addresses: { httpPort, mqttPort: mqtt.port, mqttTlsPort: mqtt.tlsPort, influxUrl, hj212Port: hj212?.port },
    close() {
      closing ??= (async () => {
        clearInterval(journalWatch)
        clearInterval(energyTick)
        gcPauses.stop()
        ee.close()
        await hj212?.close().catch(() => undefined)
        await broker.close().catch(() => undefined)
        await forwarder?.close().catch(() => undefined)
        await live.close().catch(() => undefined)
        await api.close().catch(() => undefined)
        await notify?.close().catch(() => undefined)
        footprints.close()
        safety.close()
        await view?.close()
        sharedSettings?.close()
        sharedRegistry?.close()
        await cluster?.close()
        await writer.close(10_000)
        journal.close()
        await supervisor?.stop()
      })()
      return closing
    },
  }
}

async function untilReady(fn: () => Promise<void>, timeoutMs: number, onRetry: (err: Error) => void): Promise<void> {
  const until = Date.now() + timeoutMs
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn()
    } catch (err) {
      if (Date.now() > until) throw err
      if (attempt % 10 === 0) onRetry(err as Error)
      await new Promise((r) => setTimeout(r, 500))
    }
  }
}

async function seedLatest(influx: InfluxDB, latest: LatestCache): Promise<void> {
  for (const kind of DEVICE_KINDS) {
    const metrics = [...new Set(METRICS_BY_KIND[kind])]
    for (const v of await lastValues(influx, kind, metrics)) latest.seed(v.device, v.metric, { value: v.value, ts: v.ts })
  }
}
