/**
 * Dashboard performance with the 10,000-device zone and 1,000 active alarms, in Debian's
 * Chromium (`npx tsx tests/bench/dashboard-bench.ts`): time from loading the signed-in page
 * to the first alarm row on screen, and the longest main-thread task (Long Tasks API) while
 * scrolling the alarm board, switching parks and selecting devices. Prints a table, the long
 * tasks of each interaction, any request the hub refused, and a JSON line. A program, not a
 * test: the figures go in docs/performance.md. `--profile FILE` writes a CPU profile of the park
 * switches and device clicks; `--trace FILE` a Chrome trace (with CPU samples and each frame's
 * stages) of the scrolling, park switches and device clicks. Both build the dashboard unminified,
 * so they name our functions.
 * `--screenshot FILE` saves the screen as the interactions leave it: the biggest park's plan.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import mqtt from 'mqtt'
import { chromium } from 'playwright-core'
import { Resvg } from '@resvg/resvg-js'
import { generateZone } from '../../simulators/src/zone/zone-generator.js'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/browser.js'
import { cpuTimes, stealPercent } from './machine.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const say = (m: string): void => void process.stderr.write(`[dashboard-bench] ${m}\n`)
type LongTask = { start: number; duration: number }
/** An event of an interaction (a click, a key) from the Event Timing API: input to the next frame painted. */
type InteractionEvent = { id: number; start: number; duration: number }
const FIRST_LEVEL: Record<string, number> = { lel: 25, h2s: 10, co: 20, no2: 5, cl2: 1, so2: 5, nh3: 20, c6h6: 6, hcl: 7.5 }

async function main(): Promise<void> {
  // Built every time: a dashboard/dist left from before a change would be measured instead.
  // Profiled or traced, it is built unminified, so the samples name our functions.
  const minify = process.argv.includes('--profile') || process.argv.includes('--trace') ? ['--minify', 'false'] : []
  const build = spawnSync('npx', ['vite', 'build', '--config', 'dashboard/vite.config.ts', '--logLevel', 'warn', ...minify], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
  if (build.status !== 0 || !existsSync(join(root, 'dashboard/dist/index.html'))) throw new Error('the dashboard did not build')
  const dir = await mkdtemp(join(tmpdir(), 'smartpark-dash-bench-'))
  let hub: ChildProcess | undefined
  try {
    const { zone, credentials } = generateZone({ devices: 10_000, seed: 7 })
    await writeFile(join(dir, 'zone.json'), JSON.stringify(zone))
    hub = spawn(process.execPath, ['--import', 'tsx', join(root, 'hub/src/main.ts')], {
      cwd: root, stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, HUB_HOST: '127.0.0.1', HUB_HTTP_PORT: '0', HUB_MQTT_PORT: '0', HUB_LOG_LEVEL: 'error', HUB_CONFIG: join(dir, 'zone.json'), HUB_DATA_DIR: join(dir, 'hub'), HUB_ADMIN_PASSWORD: 'dash-bench-admin', HUB_DEADMAN_INTERVALS: '1000' },
    })
    const { http, mqttUrl } = await new Promise<{ http: string; mqttUrl: string }>((resolve, reject) => {
      let out = ''
      hub!.stdout!.on('data', (d: Buffer) => {
        out += d.toString()
        const m = /ready: http:\/\/localhost:(\d+)\/\s+mqtt:\/\/localhost:(\d+)/.exec(out)
        if (m) resolve({ http: `http://127.0.0.1:${m[1]}`, mqttUrl: `mqtt://127.0.0.1:${m[2]}` })
      })
      hub!.once('exit', (c) => reject(new Error(`hub exited ${c}`)))
    })
    say('raising 1,000 alarms…')
    const gas = zone.devices.filter((d) => d.kind === 'gas' && credentials.devices[d.id] && FIRST_LEVEL[d.metrics[0] ?? ''] !== undefined).slice(0, 1000)
    for (let i = 0; i < gas.length; i += 100) {
      await Promise.all(gas.slice(i, i + 100).map(async (d) => {
        const c = await mqtt.connectAsync(mqttUrl, { username: d.id, password: credentials.devices[d.id], reconnectPeriod: 0 })
        const metric = d.metrics[0]!
        await c.publishAsync(`parks/${d.park}/${d.enterprise}/${d.id}/telemetry`, JSON.stringify({ values: { [metric]: FIRST_LEVEL[metric]! * 1.5 } }), { qos: 1 })
        await c.endAsync()
      }))
    }
    const token = ((await (await fetch(`${http}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'dash-bench-admin' }) })).json()) as { token: string }).token
    // Every park with a drawing under its plan (docs/site-plans.md), as big as a CAD export is.
    say('uploading a 4,000 × 3,000 px drawing for each park…')
    const drawing = planDrawing()
    for (const p of zone.parks) {
      const r = await fetch(`${http}/api/v1/parks/${p.id}/plan/image`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' }, body: new Uint8Array(drawing) })
      if (!r.ok) throw new Error(`the drawing of ${p.id} was refused: ${r.status} ${await r.text()}`)
    }
    for (let i = 0; i < 100; i++) {
      const n = ((await (await fetch(`${http}/api/v1/alarms?state=active`, { headers: { authorization: `Bearer ${token}` } })).json()) as { alarms: unknown[] }).alarms.length
      if (n >= gas.length) break
      await new Promise((r) => setTimeout(r, 200))
    }
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } })
    await page.addInitScript(() => {
      const w = window as unknown as { __long: LongTask[]; __interactions: InteractionEvent[] }
      w.__long = []
      w.__interactions = []
      new PerformanceObserver((list) => { for (const e of list.getEntries()) w.__long.push({ start: e.startTime, duration: e.duration }) }).observe({ type: 'longtask', buffered: true })
      // Each event of an interaction (pointerdown, pointerup, click) from its input to the frame
      // painted after it, in 8 ms steps; entries under 16 ms are not reported.
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as PerformanceEventTiming[]) if (e.interactionId > 0) w.__interactions.push({ id: e.interactionId, start: e.startTime, duration: e.duration })
      }).observe({ type: 'event', durationThreshold: 16, buffered: true } as PerformanceObserverInit)
    })
    say('signing in…')
    await page.goto(`${http}/`)
    const form = page.locator('form', { has: page.locator('input[type=password]') })
    await form.locator('input[autocomplete=username]').fill('admin')
    await form.locator('input[type=password]').fill('dash-bench-admin')
    const s0 = Date.now()
    await form.locator('button[type=submit]').click()
    const errors: string[] = []
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text().slice(0, 200)) })
    page.on('pageerror', (e) => errors.push(e.message.slice(0, 200)))
    const failedRequests: string[] = []
    const failureMessages = new Map<string, string>()
    page.on('response', (r) => {
      if (r.status() < 400) return
      const what = `${r.status()} ${r.request().method()} ${new URL(r.url()).pathname.replace(/\/(devices|alarms)\/[^/]+/, '/$1/:id')}`
      failedRequests.push(what)
      if (!failureMessages.has(what)) r.text().then((body) => failureMessages.set(what, body.slice(0, 160)), () => undefined)
    })
    try {
      await page.locator('[data-testid=connection][data-state=live]').waitFor({ timeout: 60_000 })
    } catch (err) {
      await page.screenshot({ path: join(root, 'test-results', 'dashboard-bench-stuck.png') })
      const state = await page.locator('[data-testid=connection]').getAttribute('data-state').catch(() => null)
      throw new Error(`the dashboard did not become live within 60 s (connection state ${state}; page errors: ${errors.join(' | ') || 'none'})`)
    }
    const signInMs = Date.now() - s0
    say(`  signed in and live after ${signInMs} ms`)
    const t0 = Date.now()
    await page.reload()
    await page.locator('[data-testid=alarm-row]').first().waitFor({ timeout: 30_000 })
    const firstRowMs = Date.now() - t0
    const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1)
    await page.evaluate(() => {
      const w = window as unknown as { __long: LongTask[]; __interactions: InteractionEvent[] }
      w.__long = []
      w.__interactions = []
    })
    // Each interaction starts a phase; a long task counts for the phase it started in.
    const phases: { name: string; start: number }[] = []
    const phase = async (name: string): Promise<void> => void phases.push({ name, start: await page.evaluate(() => performance.now()) })
    // The main thread's work over each group of interactions, long tasks or not (Chromium's
    // cumulative counters): steadier from run to run than the longest task.
    const perf = await page.context().newCDPSession(page)
    await perf.send('Performance.enable')
    const work = async (): Promise<Record<'task' | 'script' | 'style' | 'layout' | 'heapMb', number>> => {
      const m = new Map((await perf.send('Performance.getMetrics')).metrics.map((x) => [x.name, x.value]))
      const ms = (name: string): number => (m.get(name) ?? 0) * 1000
      return { task: ms('TaskDuration'), script: ms('ScriptDuration'), style: ms('RecalcStyleDuration'), layout: ms('LayoutDuration'), heapMb: (m.get('JSHeapUsedSize') ?? 0) / 2 ** 20 }
    }
    const groups: { name: string; at: Awaited<ReturnType<typeof work>> }[] = []
    const group = async (name: string): Promise<void> => void groups.push({ name, at: await work() })
    say('interacting: scrolling the alarm board, switching parks, selecting devices…')
    // `--trace FILE`: a Chrome trace (devtools.timeline) over the interactions, for what a long
    // task spent on style, layout and paint as well as script, and each frame's stages from the
    // main thread's commit to its presentation (PipelineReporter: raster, draw, swap).
    const traceTo = process.argv.includes('--trace') ? process.argv[process.argv.indexOf('--trace') + 1] : undefined
    if (traceTo) await browser.startTracing(page, { path: traceTo, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'disabled-by-default-v8.cpu_profiler'] })
    // A machine whose hypervisor takes CPU time away slows every task: said with the figures.
    const cpuBefore = cpuTimes()
    await group('scrolling')
    await phase('scroll the alarm board')
    const board = page.locator('[data-testid=alarm-row]').first()
    await board.hover()
    for (let i = 0; i < 30; i++) await page.mouse.wheel(0, 600)
    const tiles = page.locator('[data-testid=park-tile]')
    const nTiles = await tiles.count()
    // `--profile FILE`: a CPU profile of the page over the park switches and device clicks (Chrome
    // DevTools format).
    const profileTo = process.argv.includes('--profile') ? process.argv[process.argv.indexOf('--profile') + 1] : undefined
    const cdp = profileTo ? await page.context().newCDPSession(page) : undefined
    if (cdp) {
      await cdp.send('Profiler.enable')
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
      await cdp.send('Profiler.start')
    }
    // A park switch's click paints the park's tile and header first; its plan follows. For each,
    // how long from the click's input until a frame after the one that draws the new plan's
    // ground has begun (that frame's main-thread work is done; its raster may not be). The
    // command screen's own plan, not the one on an incident's stage.
    const watchPlan = (name: string, park: string): Promise<void> =>
      page.evaluate(
        ({ name, park }) => {
          const w = window as unknown as { __planAfter: Record<string, number> }
          w.__planAfter ??= {}
          let clickedAt: number | undefined
          document.addEventListener('pointerdown', (e) => (clickedAt = e.timeStamp), { capture: true, once: true })
          const ground = `.centre > .plan > .plan[data-park="${park}"] .layers:not(.switching) svg[role=img] path`
          // Frame by frame, in anonymous functions: a named one would call tsx's `__name`, which the page lacks.
          void (async () => {
            while (clickedAt === undefined || document.querySelector(ground) === null) await new Promise((r) => requestAnimationFrame(r))
            const at = clickedAt
            requestAnimationFrame(() => (w.__planAfter[name] = performance.now() - at))
          })()
        },
        { name, park },
      )
    const switchPark = async (name: string, i: number): Promise<void> => {
      await phase(name)
      await watchPlan(name, (await tiles.nth(i).getAttribute('data-park'))!)
      await tiles.nth(i).click()
    }
    await group('park switches')
    for (let i = 0; i < Math.min(nTiles, 5); i++) await switchPark(`park ${i + 1}`, i)
    // Back to the most urgent park: a big park draws its calm devices as a few paths, and keeps its
    // alarming devices (the ones an operator picks) as elements to click.
    await switchPark('back to the first park', 0)
    const devices = page.locator('[data-testid=plan-device]')
    // The plan's devices follow a frame after its background: wait for them before counting.
    await devices.first().waitFor({ timeout: 10_000 })
    const nDev = await devices.count()
    await group('device clicks')
    for (let i = 0; i < Math.min(nDev, 10); i++) {
      const device = devices.nth(Math.floor((i * nDev) / 10))
      await phase(`device ${i + 1} ${await device.getAttribute('data-device')}`)
      await device.click({ force: true })
    }
    // Zoom and pan the plan (plan-gestures.svelte.ts): buttons, the wheel, drags, then fit.
    await group('zoom and pan')
    const box = (await page.locator('.centre .plan .box').first().boundingBox())!
    for (let i = 0; i < 2; i++) {
      await phase(`zoom in ${i + 1}`)
      await page.locator('[data-testid=plan-zoom-in]').first().click()
    }
    for (let i = 0; i < 3; i++) {
      await phase(`wheel ${i + 1}`)
      await page.mouse.move(box.x + box.width * (0.3 + 0.2 * i), box.y + box.height * 0.4)
      await page.mouse.wheel(0, -120)
      await page.waitForTimeout(150)
    }
    for (let i = 0; i < 2; i++) {
      await phase(`pan ${i + 1}`)
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
      await page.mouse.down()
      await page.mouse.move(box.x + box.width / 2 + (i ? -150 : 150), box.y + box.height / 2 + 80, { steps: 8 })
      await page.mouse.up()
    }
    await phase('fit')
    await page.locator('[data-testid=plan-zoom-fit]').first().click()
    if (cdp && profileTo) {
      await page.waitForTimeout(500)
      const { profile } = await cdp.send('Profiler.stop')
      await writeFile(profileTo, JSON.stringify(profile))
      say(`  CPU profile of the park switches and device clicks: ${profileTo}`)
    }
    await page.waitForTimeout(500)
    await group('end')
    const screenshotTo = process.argv.includes('--screenshot') ? process.argv[process.argv.indexOf('--screenshot') + 1] : undefined
    if (screenshotTo) await page.screenshot({ path: screenshotTo })
    const stealPct = stealPercent(cpuBefore, cpuTimes())
    if (traceTo) {
      await browser.stopTracing()
      say(`  trace of the park switches and device clicks: ${traceTo}`)
    }
    const long = await page.evaluate(() => (window as unknown as { __long: LongTask[] }).__long)
    // An interaction lasts as long as its slowest event.
    const interactions = new Map<number, { start: number; duration: number }>()
    for (const e of await page.evaluate(() => (window as unknown as { __interactions: InteractionEvent[] }).__interactions)) {
      const seen = interactions.get(e.id)
      interactions.set(e.id, { start: Math.min(e.start, seen?.start ?? Infinity), duration: Math.max(e.duration, seen?.duration ?? 0) })
    }
    const planAfter = await page.evaluate(() => (window as unknown as { __planAfter?: Record<string, number> }).__planAfter ?? {})
    const byPhase = phases.map((p, i) => {
      const end = phases[i + 1]?.start ?? Infinity
      const tasks = long.filter((t) => t.start >= p.start && t.start < end).map((t) => Math.round(t.duration))
      const slowest = Math.max(0, ...[...interactions.values()].filter((t) => t.start >= p.start && t.start < end).map((t) => t.duration))
      return { name: p.name, tasks, slowest, planAfter: planAfter[p.name] }
    })
    const rows = await page.locator('[data-testid=alarm-row]').count()
    const mainThread = groups.slice(0, -1).map((g, i) => {
      const next = groups[i + 1]!.at
      return { name: g.name, task: next.task - g.at.task, script: next.script - g.at.script, style: next.style - g.at.style, layout: next.layout - g.at.layout }
    })
    // Where the page's elements are: style, layout and paint grow with them.
    const regions = { header: 'header', parks: '.command > .parks', plan: '.command > .centre', board: '.command > .board', band: '.command > .bottom' }
    const census = await page.evaluate((sel) => {
      const out: Record<string, number> = { all: document.querySelectorAll('*').length }
      for (const [name, css] of Object.entries(sel)) out[name] = [...document.querySelectorAll(css)].reduce((n, e) => n + e.querySelectorAll('*').length + 1, 0)
      return out as Record<keyof typeof sel | 'all', number>
    }, regions)
    // The zone map: from the click on its link to the frame after every park's label is placed
    // on the map and its canvas drawn (the Leaflet bundle is loaded on demand, so it counts).
    const mapParks = zone.parks.filter((p) => p.geo !== undefined).length
    const zoneMapMs = await page.evaluate(async (n) => {
      const t0 = performance.now()
      document.querySelector<HTMLElement>('nav a[href="#/map"]')!.click()
      // Inline, not a named function: tsx would wrap one in `__name`, which the page lacks.
      while (document.querySelectorAll('[data-testid=zone-map] [data-testid=zone-map-park]').length < n || document.querySelector('[data-testid=zone-map] canvas') === null) {
        await new Promise((r) => requestAnimationFrame(r))
      }
      await new Promise((r) => requestAnimationFrame(r))
      return performance.now() - t0
    }, mapParks)
    say(`  zone map with ${mapParks} parks drawn ${Math.round(zoneMapMs)} ms after the click`)
    await browser.close()
    const figures = {
      dashboardSignInToLiveMs: signInMs, dashboardFirstAlarmRowMs: firstRowMs, dashboardFcpMs: Math.round(fcp), dashboardLongestTaskMs: Math.round(Math.max(0, ...long.map((t) => t.duration))),
      // The slowest click, from the input to the next frame painted (Event Timing; INP's measure).
      dashboardSlowestInteractionMs: Math.round(Math.max(0, ...[...interactions.values()].map((t) => t.duration))),
      // How many clicks missed the issue's 100 ms: the tail, steadier than the slowest alone.
      dashboardClicksOver100Ms: [...interactions.values()].filter((t) => t.duration > 100).length,
      // The slowest park switch from its click to the frame after its plan's (see watchPlan).
      dashboardClickToPlanMs: Math.round(Math.max(0, ...Object.values(planAfter))),
      // Total blocking time (Lighthouse's): what the long tasks held the page past 50 ms each.
      dashboardBlockingMs: Math.round(long.reduce((sum, t) => sum + Math.max(0, t.duration - 50), 0)),
      dashboardBusyMs: Object.fromEntries(mainThread.map((g) => [g.name, Math.round(g.task)])),
      dashboardHeapMb: Math.round(groups.at(-1)!.at.heapMb),
      dashboardZoneMapMs: Math.round(zoneMapMs),
      stealPct: stealPct === undefined ? null : Math.round(stealPct * 10) / 10,
      dashboardLongTasks: long.length, dashboardRowsRendered: rows, dashboardElements: census.all, activeAlarms: gas.length, zoneDevices: zone.devices.length, planDevicesShown: nDev,
    }
    process.stdout.write(`\nsign-in to live screen          ${signInMs} ms\npage load to first alarm row   ${firstRowMs} ms (first contentful paint ${Math.round(fcp)} ms)\nlongest task while interacting ${figures.dashboardLongestTaskMs} ms (${long.length} tasks over 50 ms, blocking ${figures.dashboardBlockingMs} ms in all)\nslowest click to next paint    ${figures.dashboardSlowestInteractionMs} ms (${interactions.size} clicks took 16 ms or more, ${figures.dashboardClicksOver100Ms} over 100 ms)\nslowest park switch to plan    ${figures.dashboardClickToPlanMs} ms (click to the frame after the one that draws the plan)\nzone map, click to all parks   ${Math.round(zoneMapMs)} ms (${mapParks} parks)\nalarm rows in the DOM          ${rows} of ${gas.length} active\nJS heap in use at the end      ${Math.round(groups.at(-1)!.at.heapMb)} MB\nhypervisor steal meanwhile     ${stealPct === undefined ? 'unknown' : `${stealPct.toFixed(1)} % of the machine's CPU time`}\nelements in the page           ${census.all}: header ${census.header}, parks ${census.parks}, plan ${census.plan}, alarm board ${census.board}, band ${census.band}\n`)
    process.stdout.write(`\nmain thread by interactions (ms): busy = script + style + layout + the rest (paint, events, GC…)\n${mainThread.map((g) => `  ${g.name.padEnd(16)} busy ${Math.round(g.task)} = ${Math.round(g.script)} + ${Math.round(g.style)} + ${Math.round(g.layout)} + ${Math.round(g.task - g.script - g.style - g.layout)}`).join('\n')}\n`)
    process.stdout.write(`\nby interaction: click to next paint; long tasks; for a park, click to the frame after its plan's (ms):\n${byPhase.map((p) => `  ${p.name.padEnd(32)} ${p.slowest > 0 ? String(Math.round(p.slowest)).padStart(4) : '   —'}; ${p.tasks.length > 0 ? p.tasks.join(', ') : '—'}${p.planAfter !== undefined ? `; plan ${Math.round(p.planAfter)}` : ''}`).join('\n')}\n`)
    if (failedRequests.length > 0) process.stdout.write(`\nfailed requests:\n${[...new Set(failedRequests)].map((r) => `  ${r} ×${failedRequests.filter((f) => f === r).length}: ${failureMessages.get(r) ?? ''}`).join('\n')}\n`)
    process.stdout.write(`\n${JSON.stringify(figures)}\n`)
  } finally {
    hub?.kill('SIGTERM')
    if (hub) await new Promise((r) => hub!.once('exit', r))
    await rm(dir, { recursive: true, force: true })
  }
}

/** A drawing like a CAD export: blocks and roads on 4,000 × 3,000 px. */
function planDrawing(): Buffer {
  const blocks: string[] = []
  for (let x = 100; x < 3900; x += 400) for (let y = 100; y < 2900; y += 350) blocks.push(`<rect x="${x}" y="${y}" width="300" height="250" fill="#d9d4c7" stroke="#8a8577" stroke-width="6"/>`)
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="3000"><rect width="4000" height="3000" fill="#efece4"/>${blocks.join('')}</svg>`
  return Buffer.from(new Resvg(svg).render().asPng())
}

main().catch((err: Error) => {
  process.stderr.write(`dashboard bench failed: ${err.stack ?? err.message}\n`)
  process.exit(1)
})
