import {describe, expect, it} from 'vitest'
import {aggregateReport, intervalsFromTasks} from '../../../src/app/leases/report.js'
import {recommend} from '../../../src/app/leases/recommend.js'
import type {Capacity, PoolCapacity, WorkerHeat} from '../../../src/app/leases/capacity.js'
import {DEFAULT_CAPACITY_THRESHOLDS} from '../../../src/domain/leases/capacity-thresholds.js'
import {parseConfig, defaultConfig} from '../../../src/config/octoworkers-yaml/load.js'
import {STARTER_CONFIG} from '../../../src/config/octoworkers-yaml/starter.js'
import type {CliError} from '../../../src/text/errors.js'
import {renderLeaseReport} from '../../../src/views/leases/report-table.js'
import {recommendationLines} from '../../../src/views/leases/recommendations.js'
import {renderLeaseReportHtml} from '../../../src/views/leases/report-html.js'

const pool = (over: Partial<PoolCapacity>): PoolCapacity => ({SpaceName: 'Default', WorkerPoolName: 'P', AvailableWorkers: 2, Steps: [], PeakConcurrentLeases: 0, AllBusySeconds: 0, OverSeconds: 0, LeaseWaitSeconds: 0, IdleFraction: 0.5, Durations: {Count: 0, P50: 0, P90: 0, P99: 0, Max: 0, Buckets: []}, ...over})
const worker = (over: Partial<WorkerHeat>): WorkerHeat => ({SpaceName: 'Default', WorkerName: 'w', WorkerPoolNames: [], Cells: [], BusySeconds: 0, MutexWaitSeconds: 0, LeaseWaitSeconds: 0, ...over})
const capacity = (pools: PoolCapacity[], workers: WorkerHeat[] = []): Capacity => ({Since: '', Until: '', Pools: pools, Workers: workers})

describe('recommend', () => {
  it('adds a worker where every worker was busy at least allBusy, and not below it', () => {
    const busy = pool({WorkerPoolName: 'Build', PeakConcurrentLeases: 7, AvailableWorkers: 3, AllBusySeconds: 3 * 3600 + 600})
    expect(recommend(capacity([busy]), DEFAULT_CAPACITY_THRESHOLDS)).toEqual([{Kind: 'add-worker', SpaceName: 'Default', WorkerPoolName: 'Build', PeakConcurrentLeases: 7, AvailableWorkers: 3, AllBusySeconds: 11_400}])
    expect(recommend(capacity([pool({AllBusySeconds: 29 * 60})]), DEFAULT_CAPACITY_THRESHOLDS)).toEqual([])
    expect(recommend(capacity([pool({AllBusySeconds: 29 * 60})]), {...DEFAULT_CAPACITY_THRESHOLDS, allBusyMs: 20 * 60_000})).toHaveLength(1)
  })

  it('calls a pool of 2 or more idle past idleShare, never a pool of one', () => {
    expect(recommend(capacity([pool({WorkerPoolName: 'Quiet', AvailableWorkers: 4, IdleFraction: 0.974})]), DEFAULT_CAPACITY_THRESHOLDS)).toEqual([{Kind: 'fewer-workers', SpaceName: 'Default', WorkerPoolName: 'Quiet', AvailableWorkers: 4, IdlePercent: 97.4}])
    expect(recommend(capacity([pool({AvailableWorkers: 1, IdleFraction: 1})]), DEFAULT_CAPACITY_THRESHOLDS)).toEqual([])
    expect(recommend(capacity([pool({AvailableWorkers: 4, IdleFraction: 0.9})]), DEFAULT_CAPACITY_THRESHOLDS)).toEqual([])
  })

  it('names a worker whose steps waited on mutexes at least mutexWait', () => {
    const waits = [worker({WorkerName: 'Z', MutexWaitSeconds: 41 * 60}), worker({WorkerName: 'Y', MutexWaitSeconds: 9 * 60})]
    expect(recommend(capacity([], waits), DEFAULT_CAPACITY_THRESHOLDS)).toEqual([{Kind: 'mutex-waits', SpaceName: 'Default', WorkerName: 'Z', MutexWaitSeconds: 2460}])
  })

  it('adds a worker to a pool whose steps waited at least leaseWait for one, and not below it', () => {
    const waited = pool({WorkerPoolName: 'Build', LeaseWaitSeconds: 11 * 60})
    expect(recommend(capacity([waited, pool({WorkerPoolName: 'Quick', LeaseWaitSeconds: 9 * 60})]), DEFAULT_CAPACITY_THRESHOLDS)).toEqual([{Kind: 'lease-waits', SpaceName: 'Default', WorkerPoolName: 'Build', LeaseWaitSeconds: 660}])
    expect(recommend(capacity([waited]), {...DEFAULT_CAPACITY_THRESHOLDS, leaseWaitMs: 12 * 60_000})).toEqual([])
    expect(recommendationLines([{Kind: 'lease-waits', SpaceName: 'S', WorkerPoolName: 'Build', LeaseWaitSeconds: 660}], {name: (x) => x})).toEqual(['pool Build: steps waited 11m 00s for a worker over the window: add a worker.'])
  })

  it('says each in plain words with its figure', () => {
    const lines = recommendationLines([
      {Kind: 'add-worker', SpaceName: 'S', WorkerPoolName: 'X', PeakConcurrentLeases: 7, AvailableWorkers: 3, AllBusySeconds: 11_400},
      {Kind: 'fewer-workers', SpaceName: 'S', WorkerPoolName: 'Y', AvailableWorkers: 4, IdlePercent: 97},
      {Kind: 'mutex-waits', SpaceName: 'S', WorkerName: 'Z', MutexWaitSeconds: 2460},
    ], {name: (s) => s})
    expect(lines).toEqual([
      'pool X: peak 7 concurrent leases on 3 workers, all busy for 3h 10m over the window: add a worker.',
      'pool Y: its 4 workers were idle 97% of the time: it could do with fewer.',
      "worker Z: 41m 00s waiting on another script's mutex: run those steps in an execution container or add a worker.",
    ])
  })
})

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString()

describe('leases report table: MUTEX WAIT and recommendations', () => {
  const workers = [{Id: 'Workers-1', Name: 'w1', WorkerPoolIds: ['WorkerPools-1']}, {Id: 'Workers-2', Name: 'w2', WorkerPoolIds: ['WorkerPools-1']}]
  const pools = [{Id: 'WorkerPools-1', Name: 'Build'}]
  const tasks = [{taskId: 'ServerTasks-1', taskType: 'Deploy', completedTime: t(3600), leases: [
    {key: 'L-1', leaseId: 'L-1', workerName: 'w1', poolName: 'Build', exclusive: false, takenAt: t(0), releasedAt: t(3600), mutexWaitMs: 900_000},
    {key: 'L-2', leaseId: 'L-2', workerName: 'w2', poolName: 'Build', exclusive: false, takenAt: t(0), releasedAt: t(3600)},
  ]}]
  const report = aggregateReport({space: {Id: 'Spaces-1', Name: 'Default'}, since: Date.parse(t(0)), until: Date.parse(t(3600)), groupBy: 'worker', tasksScanned: 1, intervals: intervalsFromTasks(tasks, workers, pools), workers, pools, capacity: true})

  it('has a MUTEX WAIT column when a lease waited, and the recommendations under the tables', () => {
    const text = renderLeaseReport(report, {isTTY: false, spaceColumn: false})
    expect(text).toMatch(/^WORKER\tPOOLS\tLEASES\tTASKS\tPEAK CONCURRENT\tMUTEX WAIT\tBUSY/m)
    expect(text).toMatch(/^w1\tBuild\t1\t1\t1\t15m 00s\t1h 00m\t/m)
    expect(text).toContain('- pool Build: peak 2 concurrent leases on 2 workers, all busy for 1h 00m over the window: add a worker.')
    expect(text).toContain("- worker w1: 15m 00s waiting on another script's mutex: run those steps in an execution container or add a worker.")
    expect(report.Pools[0].MutexWaitSeconds).toBe(900)
  })

  it('follows the thresholds given, and the HTML page says the same', () => {
    const strict = aggregateReport({space: {Id: 'Spaces-1', Name: 'Default'}, since: Date.parse(t(0)), until: Date.parse(t(3600)), groupBy: 'worker', tasksScanned: 1, intervals: intervalsFromTasks(tasks, workers, pools), workers, pools, thresholds: {allBusyMs: 2 * 3600_000, idleShare: 1, mutexWaitMs: 3600_000, leaseWaitMs: 3600_000}})
    expect(strict.Recommendations).toEqual([])
    expect(renderLeaseReport(strict, {isTTY: false, spaceColumn: false})).not.toContain('Recommendations')
    const html = renderLeaseReportHtml(report)
    expect(html).toContain('<li>pool Build: peak 2 concurrent leases on 2 workers, all busy for 1h 00m over the window: add a worker.</li>')
    expect(html).toContain('15m 00s waiting on another script’s mutex')
    expect(html).toContain('<h2>Mutex waits</h2>')
    expect(html).toMatch(/<tr><td>w1<\/td><td>Build<\/td><td>1<\/td><td>15m 00s<\/td><\/tr>/)
    expect(renderLeaseReportHtml(strict)).not.toMatch(/<tr><td>w2<\/td><td>Build<\/td><td>1<\/td>/)
  })
})

async function problemOf(text: string): Promise<string> {
  try {
    await parseConfig(text, '/repo/.octoworkers.yaml')
  } catch (error) {
    return (error as CliError).message
  }
  throw new Error('expected the config to be rejected')
}

describe('.octoworkers.yaml capacity:', () => {
  it('defaults, the starter file, and a file that sets each threshold', async () => {
    expect(defaultConfig().capacity).toEqual(DEFAULT_CAPACITY_THRESHOLDS)
    expect((await parseConfig(STARTER_CONFIG, 'starter')).capacity).toEqual({allBusyMs: 1_800_000, idleShare: 0.95, mutexWaitMs: 600_000, leaseWaitMs: 600_000})
    expect((await parseConfig('capacity:\n  allBusy: 1h30m\n  idlePercent: 80\n  mutexWait: 90s\n  leaseWait: 2m\n', 'f')).capacity).toEqual({allBusyMs: 5_400_000, idleShare: 0.8, mutexWaitMs: 90_000, leaseWaitMs: 120_000})
    expect((await parseConfig('capacity:\n  idlePercent: 99\n', 'f')).capacity).toEqual({...DEFAULT_CAPACITY_THRESHOLDS, idleShare: 0.99})
  })

  it('refuses a bad value in one line naming the file, the line and the setting', async () => {
    expect(await problemOf('thresholds:\n  minWorkers: 2\ncapacity:\n  allBusy: 30\n')).toBe("Invalid config file /repo/.octoworkers.yaml, line 4: capacity.allBusy: must be a duration such as 30m or 1h30m, not '30'")
    expect(await problemOf('capacity:\n  mutexWait: 10x\n')).toBe("Invalid config file /repo/.octoworkers.yaml, line 2: capacity.mutexWait: '10x' has an unknown unit 'x'; the units are w, d, h, m, s and ms (e.g. 90s, 30m, 1h30m, 7d or 2w)")
    expect(await problemOf('capacity:\n  leaseWait: soon\n')).toMatch(/^Invalid config file \/repo\/\.octoworkers\.yaml, line 2: capacity\.leaseWait: /)
    expect(await problemOf('capacity:\n  idlePercent: 150\n')).toBe('Invalid config file /repo/.octoworkers.yaml, line 2: capacity.idlePercent: must be a percentage from 0 to 100 (got 150)')
    expect(await problemOf('capacity:\n  idle: 95\n')).toMatch(/^Invalid config file \/repo\/\.octoworkers\.yaml, line 2: capacity\.idle: unknown setting 'idle' \(did you mean 'idlePercent'\? allowed: allBusy, idlePercent, mutexWait, leaseWait\)$/)
  })
})

describe('leases report: waits for a worker', () => {
  const workers = [{Id: 'Workers-1', Name: 'w1', WorkerPoolIds: ['WorkerPools-1']}, {Id: 'Workers-2', Name: 'w2', WorkerPoolIds: ['WorkerPools-2']}]
  const pools = [{Id: 'WorkerPools-1', Name: 'Build'}, {Id: 'WorkerPools-2', Name: 'Quiet'}]
  const leaseAt = (n: number, worker: string, pool: string, wait?: number) => ({key: `L-${n}`, leaseId: `L-${n}`, workerName: worker, poolName: pool, exclusive: false, takenAt: t(n * 60), releasedAt: t(n * 60 + 30), ...(wait ? {leaseWaitMs: wait} : {})})
  const tasks = [{taskId: 'ServerTasks-1', taskType: 'Deploy', completedTime: t(3600), leases: [leaseAt(1, 'w1', 'Build', 400_000), leaseAt(2, 'w1', 'Build', 300_000), leaseAt(3, 'w2', 'Quiet')]}]
  const input = {space: {Id: 'Spaces-1', Name: 'Default'}, since: Date.parse(t(0)), until: Date.parse(t(3600)), tasksScanned: 1, intervals: intervalsFromTasks(tasks, workers, pools), workers, pools, capacity: true}

  it('adds the waits up per pool and per worker, and recommends a worker past leaseWait', () => {
    const report = aggregateReport({...input, groupBy: 'pool'})
    expect(report.Pools.map((p) => [p.WorkerPoolName, p.LeaseWaitSeconds])).toEqual([['Build', 700], ['Quiet', 0]])
    expect(report.Workers.map((w) => [w.WorkerName, w.LeaseWaitSeconds])).toEqual([['w1', 700], ['w2', 0]])
    expect(report.Capacity!.Pools.find((p) => p.WorkerPoolName === 'Build')!.LeaseWaitSeconds).toBe(700)
    expect(report.Recommendations).toContainEqual({Kind: 'lease-waits', SpaceName: 'Default', WorkerPoolName: 'Build', LeaseWaitSeconds: 700})
    const text = renderLeaseReport(report, {isTTY: false, spaceColumn: false})
    expect(text).toMatch(/^POOL\tWORKERS\tLEASES\tPEAK CONCURRENT\tLEASE WAIT\tBUSY/m)
    expect(text).toMatch(/^Build\t1\t2\t1\t11m 40s\t/m)
    expect(text).toContain('- pool Build: steps waited 11m 40s for a worker over the window: add a worker.')
    const byWorker = renderLeaseReport(aggregateReport({...input, groupBy: 'worker'}), {isTTY: false, spaceColumn: false})
    expect(byWorker).toMatch(/^WORKER\tPOOLS\tLEASES\tTASKS\tPEAK CONCURRENT\tLEASE WAIT\tBUSY/m)
    expect(byWorker).toMatch(/^POOL\tWORKERS\tLEASES\tPEAK CONCURRENT\tPEAK AT\tLEASE WAIT$/m)
    const html = renderLeaseReportHtml(report)
    expect(html).toContain('<h2>Waits for a worker</h2>')
    expect(html).toContain('<tr><td>Build</td><td>1</td><td>2</td><td>11m 40s</td></tr>')
    expect(html).not.toContain('<tr><td>Quiet</td>')
    expect(html).toContain('<li>pool Build: steps waited 11m 40s for a worker over the window: add a worker.</li>')
  })

  it('has no LEASE WAIT column when no step waited', () => {
    const quiet = [{...tasks[0], leases: [leaseAt(3, 'w2', 'Quiet')]}]
    const report = aggregateReport({...input, groupBy: 'pool', intervals: intervalsFromTasks(quiet, workers, pools)})
    expect(renderLeaseReport(report, {isTTY: false, spaceColumn: false})).not.toContain('LEASE WAIT')
    expect(renderLeaseReportHtml(report)).toMatch(/<h2>Waits for a worker<\/h2>\n<p class="muted">[^\n]*<\/p>\n<p>None logged\.<\/p>/)
  })
})
