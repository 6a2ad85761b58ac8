import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {renderMetrics} from '../../../src/app/metrics/registry.js'
import {isAvailable} from '../../../src/domain/availability.js'
import {repoRoot} from '../../helpers/cli.js'
import {octo} from '../../helpers/octo.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {tempDir} from '../../helpers/temp.js'
import {startFaultServer} from '../../fault-server/index.js'
import {fixtureState} from '../../unit/metrics/fixtures.js'
import {leaseHistory, simulationDone, startCli, startSimulation, type Following} from '../leases/follow.js'
import {NO_PROMETHEUS, promtool, startPrometheus, until, type RunningPrometheus} from './prometheus.js'

const ALERTS = path.join(repoRoot, 'dashboards/octoworkers-alerts.yml')
const DASHBOARD = path.join(repoRoot, 'dashboards/octoworkers.json')
const POOLS = ['WorkerPools-1', 'WorkerPools-2']

/** Starts `metrics serve` as a process on a free port; resolves with it and its base URL. */
async function startExporter(sandbox: Pick<Sandbox, 'url' | 'apiKey'>, extra: string[] = []): Promise<{exporter: Following; url: string}> {
  const exporter = startCli(['metrics', 'serve', '--listen', '127.0.0.1:0', '--json', ...extra], sandbox)
  await exporter.waitForLines(1)
  return {exporter, url: JSON.parse(exporter.stdout().split('\n')[0]).Url as string}
}

async function stopExporter(exporter: Following): Promise<number> {
  exporter.child.kill('SIGINT')
  return exporter.exit
}

describe('metrics serve', () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await startTestSandbox({seed: 'demo'})
  })
  afterAll(async () => {
    await sandbox?.close()
  })

  it('serves /metrics, /healthz and a landing page that links to /metrics, and exits 0 on Ctrl-C and on SIGTERM', async () => {
    const {exporter, url} = await startExporter(sandbox)
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const landing = await fetch(`${url}/`)
      expect(landing.headers.get('content-type')).toMatch(/^text\/html/)
      expect(await landing.text()).toContain('href="metrics"')
      expect(await (await fetch(`${url}/healthz`)).text()).toBe('ok\n')
      const page = await fetch(`${url}/metrics`)
      expect(page.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
      const text = await page.text()
      expect(text).toContain('octoworkers_up 1')
      expect(text).toMatch(/octoworkers_pool_available_workers\{space="Default",worker_pool="Default Worker Pool"\} \d/)
      expect((await fetch(`${url}/nowhere`)).status).toBe(404)
      expect((await fetch(`${url}/metrics`, {method: 'POST'})).status).toBe(405)
      if (!NO_PROMETHEUS) {
        const checked = promtool(['check', 'metrics'], text)
        expect(checked.output).toBe('')
        expect(checked.status).toBe(0)
      }
    } finally {
      expect(await stopExporter(exporter)).toBe(0)
    }
    const second = await startExporter(sandbox)
    second.exporter.child.kill('SIGTERM')
    expect(await second.exporter.exit).toBe(0)
  })

  it('answers every scrape from the last read: many scrapes within an interval cost the server one read', async () => {
    const {exporter, url} = await startExporter(sandbox, ['--min-interval', '1h', '--debug'])
    try {
      await exporter.waitForStderr(/read 1: \d+ requests/)
      const pages = await Promise.all(Array.from({length: 20}, async () => (await fetch(`${url}/metrics`)).text()))
      expect(new Set(pages).size).toBe(1)
      expect(exporter.stderr()).not.toMatch(/read 2:/)
    } finally {
      await stopExporter(exporter)
    }
  })

  it('rejects a bad --listen and --min-interval with exit 2, and a port in use with exit 1', async () => {
    const bad = await octo(sandbox, ['metrics', 'serve', '--listen', 'localhost'])
    expect(bad.exitCode).toBe(2)
    expect(bad.stderr).toContain("--listen must be host:port (e.g. 127.0.0.1:9465, [::1]:9465, 0.0.0.0:9465), not 'localhost'.")
    const tooFast = await octo(sandbox, ['metrics', 'serve', '--min-interval', '10ms'])
    expect(tooFast.exitCode).toBe(2)
    expect(tooFast.stderr).toMatch(/--min-interval/)
    const {exporter, url} = await startExporter(sandbox)
    try {
      const taken = await octo(sandbox, ['metrics', 'serve', '--listen', url.replace('http://', '')])
      expect(taken.exitCode).toBe(1)
      expect(taken.stderr).toMatch(/cannot listen on 127\.0\.0\.1:\d+: the port is already in use/)
    } finally {
      await stopExporter(exporter)
    }
  })

  it('counts the seconds steps waited on a worker\'s mutex, per pool, each task once, from the logs it reads anyway', async () => {
    const other = await startTestSandbox({seed: 'demo'})
    const {exporter, url} = await startExporter(other, ['--min-interval', '1s', '--debug'])
    try {
      const page = async () => (await (await fetch(`${url}/metrics`)).text())
      await until(async () => /^octoworkers_up 1$/m.test(await page()), 'a first read', () => exporter.stderr())
      // Six at a time on one pool of fewer workers, each step needing the worker to itself: steps wait.
      const sim = await startSimulation(other, {Tasks: 12, Concurrency: 6, MinDurationMs: 100, MaxDurationMs: 200, StepsPerTask: 1, WorkerPoolIds: ['WorkerPools-1'], FullIsolation: true} as never)
      expect((await simulationDone(other, sim.Id)).TasksCompleted).toBe(12)
      // What the sandbox's own logs say: from each wait line (less Tentacle's first 100 ms attempt) to the script's start.
      let expectedMs = 0
      let waits = 0
      const tasks = (await api(other, 'GET', '/api/Spaces-1/tasks?take=100')).body.Items.filter((t: {Description: string}) => t.Description.startsWith('Deploy Sandbox Simulation'))
      for (const task of tasks) {
        const elements = (await api(other, 'GET', `/api/Spaces-1/tasks/${task.Id}/details`)).body.ActivityLogs[0].Children[0].LogElements as Array<{OccurredAt: string; MessageText: string}>
        const wait = elements.find((e) => e.MessageText.startsWith('Waiting'))
        if (!wait) continue
        waits++
        expectedMs += Date.parse(elements.find((e) => e.MessageText === 'Executing the script.')!.OccurredAt) - Date.parse(wait.OccurredAt) + 100
      }
      expect(waits).toBeGreaterThan(0)
      const pool = ((await api(other, 'GET', '/api/Spaces-1/workerpools/WorkerPools-1')).body as {Name: string}).Name
      const series = new RegExp(`^octoworkers_pool_mutex_wait_seconds_total\\{space="Default",worker_pool="${pool}"\\} (\\S+)$`, 'm')
      const counted = async () => Number(series.exec(await page())?.[1] ?? 0)
      const near = (seconds: number) => Math.abs(seconds - expectedMs / 1000) <= 0.1 * waits
      await until(async () => near(await counted()), `the mutex wait counter to reach ${expectedMs / 1000}s`, () => exporter.stderr())
      // Three more reads later, no task has been counted twice, and no other pool has waits.
      const reads = Number([...exporter.stderr().matchAll(/read (\d+):/g)].at(-1)![1])
      await exporter.waitForStderr(new RegExp(`read ${reads + 3}:`))
      expect(near(await counted())).toBe(true)
      const others = [...(await page()).matchAll(/^octoworkers_pool_mutex_wait_seconds_total\{[^}]*worker_pool="([^"]*)"\} (\S+)$/gm)].filter((m) => m[1] !== pool && Number(m[2]) > 0)
      expect(others).toEqual([])
    } finally {
      await stopExporter(exporter)
      await other.close()
    }
  })

  it('says octoworkers_up 0, and keeps serving, once the server cannot be read', async () => {
    const other = await startTestSandbox({seed: 'demo'})
    const {exporter, url} = await startExporter(other, ['--min-interval', '1s'])
    try {
      const up = async () => /^octoworkers_up (\d)$/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1]
      expect(await up()).toBe('1')
      await other.close()
      await until(async () => (await up()) === '0', 'octoworkers_up 0', () => exporter.stderr())
      await exporter.waitForStderr(/Reading the server failed: .*octoworkers_up is 0/)
      expect(await (await fetch(`${url}/healthz`)).text()).toBe('ok\n')
    } finally {
      await stopExporter(exporter)
    }
  })

  it('tells each change on stderr once: a part it cannot read, a failed read, reads working again', async () => {
    const faults = await startFaultServer(sandbox.url)
    // The deployment targets are optional: forbidden, they are left out (and said once, not once per read).
    faults.add({mode: 'body', path: '/api/Spaces-1/machines/all', status: 403, body: {ErrorMessage: 'You do not have permission to perform this action.'}})
    const {exporter, url} = await startExporter({url: faults.url, apiKey: sandbox.apiKey}, ['--min-interval', '1s', '--debug'])
    try {
      const up = async () => /^octoworkers_up (\d)$/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1]
      expect(await up()).toBe('1')
      // A proxy's sign-in page instead of the pools, for one read: that read fails, the next works.
      faults.add({mode: 'html', path: '/api/Spaces-1/workerpools/all', times: 1})
      await exporter.waitForStderr(/Reading the server works again; octoworkers_up is 1\./)
      const reads = Number([...exporter.stderr().matchAll(/read (\d+):/g)].at(-1)![1])
      await exporter.waitForStderr(new RegExp(`read ${reads + 2}:`))
      const notices = exporter.stderr().split('\n').filter((line) => /^(Could not read|Reading the server)/.test(line))
      expect(notices).toHaveLength(3)
      expect(notices[0]).toBe('Could not read the deployment targets of Default (HTTP 403); the metrics that need it are left out.')
      expect(notices[1]).toMatch(/^Reading the server failed: [^\n]+; octoworkers_up is 0 until a read succeeds\.$/)
      expect(notices[2]).toBe('Reading the server works again; octoworkers_up is 1.')
    } finally {
      await stopExporter(exporter)
      await faults.close()
    }
  })
})

describe.skipIf(NO_PROMETHEUS)(`the exporter's page and alert rules under Prometheus's own tools${NO_PROMETHEUS ? ` (skipped: ${NO_PROMETHEUS})` : ''}`, () => {
  it('promtool check metrics finds nothing wrong with the page', async () => {
    const checked = promtool(['check', 'metrics'], (await renderMetrics(fixtureState())).text)
    expect(checked.output).toBe('')
    expect(checked.status).toBe(0)
  })

  it('promtool check rules accepts the alert rules, and their unit tests fire each alert when it should', () => {
    expect(promtool(['check', 'rules', ALERTS]).status).toBe(0)
    const dir = tempDir('octoworkers-alert-tests')
    const tests = path.join(dir, 'alerts.test.yml')
    const pool = 'space="Default",worker_pool="Linux"'
    writeFileSync(tests, `rule_files: [${JSON.stringify(ALERTS)}]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'octoworkers_pool_floor_met{${pool}}'
        values: '1 1 0x10'
      - series: 'octoworkers_pool_available_workers{${pool}}'
        values: '3x20'
      - series: 'octoworkers_pool_leased_workers{${pool}}'
        values: '1 3x20'
    alert_rule_test:
      - eval_time: 5m
        alertname: OctoworkersPoolBelowFloor
      - eval_time: 8m
        alertname: OctoworkersPoolBelowFloor
        exp_alerts:
          - exp_labels: {severity: warning, space: Default, worker_pool: Linux}
            exp_annotations:
              summary: 'Worker pool Linux (Default) is below its floor'
              description: 'Linux in space Default has fewer available workers (enabled, Healthy or HasWarnings) than its floor for 5 minutes. Steps that lease from it wait or fail. Run \`octoworkers pool view "Linux"\` to see which workers are out.'
      - eval_time: 10m
        alertname: OctoworkersPoolAllWorkersBusy
      - eval_time: 12m
        alertname: OctoworkersPoolAllWorkersBusy
        exp_alerts:
          - exp_labels: {severity: warning, space: Default, worker_pool: Linux}
            exp_annotations:
              summary: 'Every worker of pool Linux (Default) has been busy for 10 minutes'
              description: 'All 3 available workers of Linux in space Default have held leases for 10 minutes: steps queue for a worker. Add a worker to the pool, or spread the load over another pool.'
`)
    const result = promtool(['test', 'rules', tests])
    expect(result.output).toContain('SUCCESS')
    expect(result.status).toBe(0)
  })

  it('the dashboard queries only metrics the exporter serves, and shows every per-pool one', async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8'))
    const served = new Set([...(await renderMetrics(fixtureState())).text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]))
    const exprs: string[] = [
      ...dashboard.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr)),
      ...dashboard.templating.list.filter((v: any) => v.type === 'query').map((v: any) => v.definition),
    ]
    const used = new Set(exprs.flatMap((e) => [...e.matchAll(/\boctoworkers_[a-z_]+/g)].map((m) => m[0])))
    expect(used.size).toBeGreaterThan(8)
    for (const name of used) expect(served, name).toContain(name)
    // And every per-pool figure it serves has a panel: a metric no panel shows is one an admin never sees.
    for (const name of [...served].filter((n) => n.startsWith('octoworkers_pool_'))) expect(used, name).toContain(name)
  })
})

describe.skipIf(NO_PROMETHEUS)(`a real Prometheus scraping the exporter in front of a sandbox running a simulation${NO_PROMETHEUS ? ` (skipped: ${NO_PROMETHEUS})` : ''}`, {timeout: 120_000}, () => {
  let sandbox: Sandbox
  let exporter: Following
  let prometheus: RunningPrometheus
  beforeAll(async () => {
    sandbox = await startTestSandbox({seed: 'demo'})
    const started = await startExporter(sandbox, ['--min-interval', '1s'])
    exporter = started.exporter
    prometheus = await startPrometheus(started.url.replace('http://', ''), [ALERTS])
  })
  afterAll(async () => {
    await prometheus?.stop()
    if (exporter) await stopExporter(exporter)
    await sandbox?.close()
  })

  it('has the sandbox\'s own counts: leases granted and held per pool, each lease once, and available workers', async () => {
    const value = async (expr: string) => (await prometheus.query(expr))[0]?.value
    // A scrape of a completed read: from here on the exporter follows leases.
    await until(async () => (await value('octoworkers_up')) === 1, 'Prometheus to scrape octoworkers_up 1', () => prometheus.log() + exporter.stderr())
    const before = (await leaseHistory(sandbox)).length
    const sim = await startSimulation(sandbox, {Tasks: 12, Concurrency: 4, MinDurationMs: 300, MaxDurationMs: 900, WorkerPoolIds: POOLS})
    await simulationDone(sandbox, sim.Id)
    const leases = (await leaseHistory(sandbox)).slice(before)
    expect(leases).toHaveLength(12)
    const expected = new Map<string, {granted: number; seconds: number}>()
    for (const lease of leases) {
      const totals = expected.get(lease.WorkerPoolName) ?? {granted: 0, seconds: 0}
      totals.granted++
      totals.seconds += (Date.parse(lease.ReleasedAt!) - Date.parse(lease.TakenAt)) / 1000
      expected.set(lease.WorkerPoolName, totals)
    }
    const granted = async () => new Map((await prometheus.query('octoworkers_pool_leases_granted_total > 0')).map((s) => [s.metric.worker_pool, s.value]))
    const want = new Map([...expected].map(([pool, t]) => [pool, t.granted]))
    await until(async () => JSON.stringify([...(await granted())].sort()) === JSON.stringify([...want].sort()), 'Prometheus to show every lease granted', () => `${JSON.stringify([...want])}\n${exporter.stderr()}`)
    // Several more reads and scrapes later, no lease has been counted twice.
    const readAt = (await value('octoworkers_last_successful_read_timestamp_seconds'))!
    await until(async () => ((await value('octoworkers_last_successful_read_timestamp_seconds')) ?? 0) >= readAt + 3, 'three more reads')
    expect([...(await granted())].sort()).toEqual([...want].sort())
    // Lease seconds: a release the lease API saw is stamped when a read first saw it gone (at most one interval late).
    for (const sample of await prometheus.query('octoworkers_pool_lease_seconds_total > 0')) {
      const pool = expected.get(sample.metric.worker_pool)!
      expect(sample.value).toBeGreaterThanOrEqual(pool.seconds - 0.01)
      expect(sample.value).toBeLessThanOrEqual(pool.seconds + pool.granted * 1.5)
    }
    expect(await value('sum(octoworkers_pool_active_leases)')).toBe(0)

    // Available workers per pool, as the sandbox's own lists count them.
    const pools = (await api(sandbox, 'GET', '/api/Spaces-1/workerpools/all')).body as Array<{Id: string; Name: string}>
    const workers = (await api(sandbox, 'GET', '/api/Spaces-1/workers/all')).body as Array<{WorkerPoolIds: string[]; IsDisabled: boolean; HealthStatus: string}>
    const available = new Map((await prometheus.query('octoworkers_pool_available_workers')).map((s) => [s.metric.worker_pool, s.value]))
    expect(available).toEqual(new Map(pools.map((p) => [p.Name, workers.filter((w) => w.WorkerPoolIds.includes(p.Id) && isAvailable(w)).length])))
    // The alert rules load and evaluate against the exporter's series.
    const rules = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as {data: {groups: Array<{rules: Array<{name: string; health: string}>}>}}
    expect(rules.data.groups[0].rules.map((r) => [r.name, r.health])).toEqual([['OctoworkersPoolBelowFloor', 'ok'], ['OctoworkersPoolAllWorkersBusy', 'ok'], ['OctoworkersExporterCannotReadServer', 'ok']])
  })
})
