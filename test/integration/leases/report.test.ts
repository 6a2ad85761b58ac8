import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson, runCli} from '../../helpers/cli.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {leaseHistory, simulationDone, startSimulation, type HistoryLease} from './follow.js'

/** How far a lease's log and step stamps may trail the lease history's own (see the peak checks). */
const LOG_STAMP_SKEW_MS = 25

/** Largest number of leases open at one instant; `slackMs` widens each lease (narrows it when negative). */
function peak(leases: HistoryLease[], slackMs: number): number {
  const spans = leases.map((l) => [Date.parse(l.TakenAt) - slackMs, Date.parse(l.ReleasedAt!) + slackMs])
  let best = 0
  for (const [start] of spans) best = Math.max(best, spans.filter(([s, e]) => s <= start && start < e).length)
  return best
}

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1
  return out
}

/** Whether the report of the last hour shows lease waits (any pool's steps waited for a worker). */
async function leaseWaitColumn(env: Record<string, string>, scope: string[] = []): Promise<boolean> {
  const report = parseJson(await runCli(['leases', 'report', '--since', '1h', ...scope, '--json'], {env}))
  return report.Pools.some((p: {LeaseWaitSeconds: number}) => p.LeaseWaitSeconds > 0)
}

describe.each(['2026.1', '2021.2'] as const)('leases report against Octopus %s', (version) => {
  let sandbox: Sandbox
  let env: Record<string, string>
  let history: HistoryLease[]
  let simulationStarted: number

  beforeAll(async () => {
    sandbox = await startTestSandbox({seed: 'demo', octopusVersion: version})
    env = {OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey}
    simulationStarted = Date.now()
    const sim = await startSimulation(sandbox, {Tasks: 16, Concurrency: 5, MinDurationMs: 50, MaxDurationMs: 300, StepsPerTask: 2, WorkerPoolIds: ['WorkerPools-1', 'WorkerPools-2', 'WorkerPools-3']})
    await simulationDone(sandbox, sim.Id)
    history = await leaseHistory(sandbox)
  })
  afterAll(async () => {
    await sandbox?.close()
  })

  it('matches the sandbox\'s own lease history: per worker, per pool, peaks, idle workers', async () => {
    expect(history).toHaveLength(32)
    const r = await runCli(['leases', 'report', '--since', '1h', '--json'], {env})
    expect(r.exitCode).toBe(0)
    const report = parseJson(r)
    expect(report.Leases).toBe(history.length)
    expect(report.TasksWithLeases).toBe(16)
    expect(Object.fromEntries(report.Workers.map((w: any) => [w.WorkerId, w.Leases]))).toEqual(countBy(history, (l) => l.WorkerId))
    const expectedPools = countBy(history, (l) => l.WorkerPoolId)
    for (const pool of report.Pools) {
      expect(pool.Leases).toBe(expectedPools[pool.WorkerPoolId] ?? 0)
      const mine = history.filter((l) => l.WorkerPoolId === pool.WorkerPoolId)
      // The report times a lease by its log line and its step's end, which the sandbox stamps a
      // moment after taking and releasing it (a SQLite write apart, longer on a loaded machine):
      // its peak lies between the history's with each lease shrunk and grown by that moment.
      expect(pool.PeakConcurrentLeases).toBeGreaterThanOrEqual(peak(mine, -LOG_STAMP_SKEW_MS))
      expect(pool.PeakConcurrentLeases).toBeLessThanOrEqual(peak(mine, LOG_STAMP_SKEW_MS))
    }
    expect(report.Pools.find((p: any) => p.WorkerPoolId === 'WorkerPools-2').PeakConcurrentLeases).toBeGreaterThan(0)
    const leased = new Set(history.map((l) => l.WorkerId))
    const workers = (await api(sandbox, 'GET', '/api/Spaces-1/workers/all')).body as Array<{Id: string}>
    expect(workers.length).toBeGreaterThan(leased.size)
    expect(report.IdleWorkers.map((w: any) => w.WorkerId).sort()).toEqual(workers.filter((w) => !leased.has(w.Id)).map((w) => w.Id).sort())
    expect(report.IdleWorkers.map((w: any) => w.WorkerName)).toContain('p-db-omaha-worker-03')
    expect(report.BusiestWorkers[0].Leases).toBe(Math.max(...Object.values(countBy(history, (l) => l.WorkerId))))
    expect(report.TaskTypes).toEqual([expect.objectContaining({TaskType: 'Deploy', Tasks: 16, Leases: 32})])
    expect(report.Completeness).toMatch(/^Reads the completed tasks in the window and their logs\. Misses leases of tasks still running/)
  })

  it('honours the window: nothing completed before the simulation started', async () => {
    const r = await runCli(['leases', 'report', '--since', '2h', '--until', new Date(simulationStarted - 1000).toISOString(), '--json'], {env})
    expect(r.exitCode).toBe(0)
    const report = parseJson(r)
    expect(report.Leases).toBe(0)
    expect(report.TasksScanned).toBe(0)
  })

  it('renders a table with a bar chart, and CSV grouped by pool', async () => {
    const table = await runCli(['leases', 'report', '--since', '1h'], {env})
    expect(table.exitCode).toBe(0)
    expect(table.stdout).toMatch(/By worker \(the bar charts BUSY\):/)
    expect(table.stdout).toMatch(/█/)
    expect(table.stdout).toMatch(/Peak concurrent leases per pool:/)
    // LEASE WAIT is there exactly when a step waited for a worker, which the simulation's timing
    // decides (a busy machine makes steps wait): the report's own figures say whether it must be.
    const leaseWait = (await leaseWaitColumn(env)) ? 'LEASE WAIT\t' : ''
    expect(table.stdout).toMatch(new RegExp(`^WORKER\tPOOLS\tLEASES\tTASKS\tPEAK CONCURRENT\t${leaseWait}BUSY\t?$`, 'm'))
    expect(table.stdout).toMatch(new RegExp(`^POOL\tWORKERS\tLEASES\tPEAK CONCURRENT\tPEAK AT${leaseWait ? '\tLEASE WAIT' : ''}$`, 'm'))
    expect(table.stdout).toMatch(/Idle workers \(never leased, \d+\): .*p-db-omaha-worker-03 \(disabled\)/)
    // The bar beside BUSY charts BUSY: the row with the most busy time has the longest bar.
    const json = parseJson(await runCli(['leases', 'report', '--since', '1h', '--json'], {env}))
    const busiest = [...json.Workers].sort((a: any, b: any) => b.BusySeconds - a.BusySeconds)[0]
    const barOf = (line: string) => (line.match(/[█▏▎▍▌▋▊▉]+$/)?.[0] ?? '').length
    const rows = table.stdout.split('\n').filter((l) => /[█▏▎▍▌▋▊▉]$/.test(l))
    const longest = Math.max(...rows.map(barOf))
    expect(rows.find((l) => l.startsWith(`${busiest.WorkerName}\t`)) && barOf(rows.find((l) => l.startsWith(`${busiest.WorkerName}\t`))!)).toBe(longest)
    // No progress bar when stderr is not a terminal.
    expect(table.stderr).not.toMatch(/task logs/)
    const csv = await runCli(['leases', 'report', '--since', '1h', '--group-by', 'pool', '--format', 'csv'], {env})
    const lines = csv.stdout.trim().split('\n')
    expect(lines[0]).toBe('WorkerPoolId,WorkerPoolName,Workers,Leases,PeakConcurrentLeases,PeakAt,BusySeconds')
    const row = lines.find((l) => l.startsWith('WorkerPools-1,'))!
    expect(Number(row.split(',')[3])).toBe(history.filter((l) => l.WorkerPoolId === 'WorkerPools-1').length)
    const byType = parseJson(await runCli(['leases', 'report', '--since', '1h', '--group-by', 'task-type', '--format', 'json'], {env}))
    expect(byType.GroupBy).toBe('task-type')
  })

  it('--all-spaces reads every space, with a SPACE column (SpaceId, SpaceName in CSV)', async () => {
    const doc = parseJson(await runCli(['leases', 'report', '--since', '1h', '--all-spaces', '--json'], {env: {...env, OCTOPUS_SPACE: 'Default'}}))
    expect(doc.Spaces.map((s: any) => s.Name)).toEqual(['Default', 'Platform Team'])
    expect(doc.Leases).toBe(history.length)
    expect(doc.IdleWorkers.filter((w: any) => w.SpaceName === 'Platform Team').map((w: any) => w.WorkerName)).toContain('p-k8s-london-worker-01')
    const table = await runCli(['leases', 'report', '--since', '1h', '--all-spaces'], {env})
    expect(table.exitCode).toBe(0)
    expect(table.stdout).toMatch(/across 2 spaces/)
    const leaseWait = (await leaseWaitColumn(env, ['--all-spaces'])) ? 'LEASE WAIT\t' : ''
    expect(table.stdout).toMatch(new RegExp(`^SPACE\tWORKER\tPOOLS\tLEASES\tTASKS\tPEAK CONCURRENT\t${leaseWait}BUSY\t?$`, 'm'))
    expect(table.stdout).toMatch(new RegExp(`^SPACE\tPOOL\tWORKERS\tLEASES\tPEAK CONCURRENT\tPEAK AT${leaseWait ? '\tLEASE WAIT' : ''}$`, 'm'))
    expect(table.stdout).toMatch(/^Platform Team\tPlatform Kubernetes London Worker Pool\t2\t0\t0/m)
    const csv = await runCli(['leases', 'report', '--since', '1h', '--all-spaces', '--group-by', 'pool', '--format', 'csv'], {env})
    const lines = csv.stdout.trim().split('\n')
    expect(lines[0]).toBe('SpaceId,SpaceName,WorkerPoolId,WorkerPoolName,Workers,Leases,PeakConcurrentLeases,PeakAt,BusySeconds')
    expect(lines.some((l) => l.startsWith('Spaces-2,Platform Team,'))).toBe(true)
  })

  it('filters by --worker', async () => {
    const worker = history[0].WorkerName
    const report = parseJson(await runCli(['leases', 'report', '--since', '1h', '--worker', worker.toUpperCase(), '--json'], {env}))
    expect(report.Leases).toBe(history.filter((l) => l.WorkerName === worker).length)
    expect(report.Workers.map((w: any) => w.WorkerName)).toEqual([worker])
  })

  it('rejects bad windows (exit 2) and unknown names (exit 4), changing nothing', async () => {
    const tasksBefore = sandbox.store.prepare('SELECT COUNT(*) FROM tasks').pluck().get()
    const cases: Array<[string[], number, RegExp]> = [
      [['--since', '2999-01-01'], 2, /--since 2999-01-01 is in the future/],
      [['--since', 'last tuesday'], 2, /--since 'last tuesday' is not a duration/],
      [['--since', '2026-02-30x'], 2, /not a duration/],
      [['--since', '2d', '--until', '3d'], 2, /--until .* must be after --since/],
      [['--until', 'never'], 2, /--until 'never' is not a duration/],
      [['--group-by', 'colour'], 2, /group-by/],
      [['--json', '--format', 'csv'], 2, /--json and --format cannot be used together\./],
      [['--format', 'table', '--json'], 2, /--json and --format cannot be used together\./],
      [['--all-spaces', '--space', 'Default'], 2, /--space and --all-spaces cannot be used together\./],
      [['--format', 'xml'], 2, /--format/],
      [['--all-spaces', '--pool', 'No Such Pool'], 4, /No worker pool 'No Such Pool' in any space/],
      [['--pool', 'Omaha'], 4, /Omaha/],
      [['--worker', 'Workers-999'], 4, /Workers-999/],
    ]
    for (const [args, code, message] of cases) {
      const r = await runCli(['leases', 'report', ...args], {env})
      expect(r.exitCode, args.join(' ')).toBe(code)
      // Under --json the error is the JSON document on stdout.
      expect(args.includes('--json') ? parseJson(r).Error.Message : r.stderr, args.join(' ')).toMatch(message)
    }
    expect(sandbox.store.prepare('SELECT COUNT(*) FROM tasks').pluck().get()).toBe(tasksBefore)
    expect(await leaseHistory(sandbox)).toHaveLength(history.length)
  })
})
