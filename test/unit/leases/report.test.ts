import {describe, expect, it} from 'vitest'
import {aggregateReport, combineReports, intervalsFromTasks} from '../../../src/app/leases/report.js'
import {csvField} from '../../../src/ui/csv.js'
import {reportCsv} from '../../../src/views/leases/report-csv.js'
import {busyBars, groupGrid} from '../../../src/views/leases/report-table.js'
import {peakConcurrency, totalLength} from '../../../src/domain/leases/intervals.js'
import {bar} from '../../../src/views/bar-chart.js'
import {diffSnapshots, byTimeThenId} from '../../../src/domain/leases/diff.js'

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString()

describe('peakConcurrency', () => {
  it('counts overlaps and treats intervals as half-open', () => {
    expect(peakConcurrency([])).toEqual({peak: 0})
    expect(peakConcurrency([{start: 0, end: 10}, {start: 5, end: 15}, {start: 12, end: 20}])).toEqual({peak: 2, at: 5})
    expect(peakConcurrency([{start: 0, end: 10}, {start: 10, end: 20}])).toEqual({peak: 1, at: 0})
    expect(peakConcurrency([{start: 0, end: 10}, {start: 1, end: 9}, {start: 2, end: 8}, {start: 9, end: 11}])).toEqual({peak: 3, at: 2})
  })

  it('sums lengths', () => {
    expect(totalLength([{start: 0, end: 10}, {start: 5, end: 15}])).toBe(20)
  })
})

describe('diffSnapshots', () => {
  it('finds added and removed IDs', () => {
    const previous = new Map([['L-1', {Id: 'L-1'}], ['L-2', {Id: 'L-2'}]])
    expect(diffSnapshots(previous, [{Id: 'L-2'}, {Id: 'L-3'}])).toEqual({added: [{Id: 'L-3'}], removed: [{Id: 'L-1'}]})
    expect(diffSnapshots(new Map(), [])).toEqual({added: [], removed: []})
  })

  it('orders by time then by the ID number', () => {
    const items = [{id: 'L-10', at: t(1)}, {id: 'L-9', at: t(1)}, {id: 'L-1', at: t(2)}]
    expect(items.sort(byTimeThenId((i) => i.at, (i) => i.id)).map((i) => i.id)).toEqual(['L-9', 'L-10', 'L-1'])
  })
})

describe('bar', () => {
  it('scales to the maximum and shows a sliver for small values', () => {
    expect(bar(10, 10, 10)).toBe('██████████')
    expect(bar(5, 10, 10)).toBe('█████')
    expect(bar(1, 1000, 10)).toBe('▏')
    expect(bar(0, 10, 10)).toBe('')
    expect(bar(3, 0, 10)).toBe('')
  })
})

describe('report aggregation', () => {
  const workers = [
    {Id: 'Workers-1', Name: 'alpha', WorkerPoolIds: ['WorkerPools-1']},
    {Id: 'Workers-2', Name: 'Beta Box', WorkerPoolIds: ['WorkerPools-1', 'WorkerPools-2']},
    {Id: 'Workers-3', Name: 'idle-one', WorkerPoolIds: ['WorkerPools-2'], IsDisabled: true},
  ]
  const pools = [{Id: 'WorkerPools-1', Name: 'Default Worker Pool'}, {Id: 'WorkerPools-2', Name: 'Linux'}]
  const tasks = [
    {taskId: 'ServerTasks-1', taskType: 'Deploy', completedTime: t(30), leases: [
      {key: 'L-1', leaseId: 'L-1', workerName: 'alpha', poolName: 'Default Worker Pool', exclusive: false, takenAt: t(0), releasedAt: t(10)},
      {key: 'L-2', leaseId: 'L-2', workerName: 'beta box', poolName: 'Linux', exclusive: false, takenAt: t(5)},
    ]},
    {taskId: 'ServerTasks-2', taskType: 'RunbookRun', completedTime: t(20), leases: [
      {key: 'ServerTasks-2/1', workerName: 'alpha', poolName: 'Default Worker Pool', exclusive: false, takenAt: t(8)},
    ]},
    {taskId: 'ServerTasks-3', taskType: 'Health', completedTime: t(20), leases: []},
  ]
  const intervals = intervalsFromTasks(tasks, workers, pools)
  const space = {Id: 'Spaces-1', Name: 'Default'}
  const report = aggregateReport({space, since: Date.parse(t(0)), until: Date.parse(t(60)), groupBy: 'worker', tasksScanned: 3, intervals, workers, pools})

  it('builds intervals from lease lines, release lines and task completion', () => {
    expect(intervals.map((i) => [i.LeaseId, i.WorkerId, i.WorkerPoolId, (i.end - i.start) / 1000])).toEqual([
      ['L-1', 'Workers-1', 'WorkerPools-1', 10],
      ['L-2', 'Workers-2', 'WorkerPools-2', 25],
      ['ServerTasks-2/1', 'Workers-1', 'WorkerPools-1', 12],
    ])
  })

  it('counts leases per worker, busiest first, and finds idle workers', () => {
    expect(report.Leases).toBe(3)
    expect(report.TasksWithLeases).toBe(2)
    expect(report.Workers.map((w) => [w.WorkerName, w.Leases, w.Tasks, w.BusySeconds, w.PeakConcurrentLeases])).toEqual([
      ['alpha', 2, 2, 22, 2],
      ['Beta Box', 1, 1, 25, 1],
    ])
    expect(report.Workers[1].WorkerPoolNames).toEqual(['Default Worker Pool', 'Linux'])
    expect(report.IdleWorkers).toEqual([{SpaceId: 'Spaces-1', SpaceName: 'Default', WorkerId: 'Workers-3', WorkerName: 'idle-one', WorkerPoolNames: ['Linux'], IsDisabled: true}])
    expect(report.BusiestWorkers[0].WorkerName).toBe('alpha')
  })

  it('computes per-pool peak concurrency and per-task-type counts', () => {
    expect(report.Pools.map((p) => [p.WorkerPoolName, p.Workers, p.Leases, p.PeakConcurrentLeases, p.PeakAt])).toEqual([
      ['Default Worker Pool', 2, 2, 2, t(8)],
      ['Linux', 2, 1, 1, t(5)],
    ])
    expect(report.TaskTypes).toEqual([
      {SpaceId: 'Spaces-1', SpaceName: 'Default', TaskType: 'Deploy', Tasks: 1, Leases: 2, BusySeconds: 35},
      {SpaceId: 'Spaces-1', SpaceName: 'Default', TaskType: 'RunbookRun', Tasks: 1, Leases: 1, BusySeconds: 12},
    ])
  })

  it('renders the group table with bars, and CSV with idle workers as zeros', () => {
    const grid = groupGrid(report)
    const bars = busyBars(grid)
    expect(grid.head).toEqual(['WORKER', 'POOLS', 'LEASES', 'TASKS', 'PEAK CONCURRENT', 'BUSY'])
    expect(groupGrid({...report, GroupBy: 'pool'}).head).toEqual(['POOL', 'WORKERS', 'LEASES', 'PEAK CONCURRENT', 'BUSY'])
    expect(groupGrid({...report, GroupBy: 'task-type'}).head).toEqual(['TASK TYPE', 'TASKS', 'LEASES', 'BUSY'])
    // The bar sits beside BUSY and charts it: alpha has more leases (2) but less busy time (22s)
    // than Beta Box (1 lease, 25s), so Beta Box has the full bar.
    expect(grid.rows.map((r, i) => [r[0], r.at(-1), bars.draw(i, 10)])).toEqual([['alpha', '22s', '████████▊'], ['Beta Box', '25s', '██████████']])
    const csv = reportCsv(report).trim().split('\n')
    expect(csv[0]).toBe('WorkerId,WorkerName,WorkerPoolNames,Leases,Tasks,PeakConcurrentLeases,BusySeconds')
    expect(csv[1]).toBe('Workers-1,alpha,Default Worker Pool,2,2,2,22')
    expect(csv[3]).toBe('Workers-3,idle-one,Linux,0,0,0,0')
    expect(reportCsv({...report, GroupBy: 'pool'}).split('\n')[1]).toBe(`WorkerPools-1,Default Worker Pool,2,2,2,${t(8)},22`)
  })

  it('escapes CSV fields', () => {
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField(null)).toBe('')
  })
})

describe('orderEvents', async () => {
  const {orderEvents} = await import('../../../src/app/leases/log-source.js')
  const ev = (Event: 'Leased' | 'Released', Time: string, LeaseId: string) => ({Event, Time, LeaseId, WorkerId: null, WorkerName: 'w', WorkerPoolId: null, WorkerPoolName: 'p', TaskId: 'T', TaskDescription: null, SpaceId: 'Spaces-1', Exclusive: false, Source: 'logs' as const})

  it('orders by time, releases before leases in one instant, leases by number', () => {
    const out = orderEvents([ev('Leased', t(2), 'L-10'), ev('Leased', t(2), 'L-9'), ev('Released', t(2), 'L-1'), ev('Leased', t(1), 'L-8')])
    expect(out.map((e) => `${e.Event[0]}${e.LeaseId}`)).toEqual(['LL-8', 'RL-1', 'LL-9', 'LL-10'])
  })

  it('keeps a zero-length lease as Leased then Released', () => {
    const out = orderEvents([ev('Leased', t(1), 'L-2'), ev('Released', t(1), 'L-2')])
    expect(out.map((e) => e.Event)).toEqual(['Leased', 'Released'])
  })
})

describe('reports of several spaces', () => {
  const pools = [{Id: 'WorkerPools-1', Name: 'Linux'}]
  const workers = [{Id: 'Workers-1', Name: 'lin-1', WorkerPoolIds: ['WorkerPools-1']}, {Id: 'Workers-2', Name: 'lin-2', WorkerPoolIds: ['WorkerPools-1']}]
  const interval = (LeaseId: string, WorkerId: string, WorkerName: string, WorkerPoolId: string, TaskId: string, seconds: number) => ({
    LeaseId, WorkerId, WorkerName, WorkerPoolId, WorkerPoolName: 'Linux', TaskId, TaskType: 'Deploy', start: Date.parse(t(0)), end: Date.parse(t(seconds)),
  })
  const one = aggregateReport({space: {Id: 'Spaces-1', Name: 'Default'}, since: Date.parse(t(0)), until: Date.parse(t(60)), groupBy: 'pool', tasksScanned: 2, intervals: [interval('L-1', 'Workers-1', 'lin-1', 'WorkerPools-1', 'ServerTasks-1', 10)], workers, pools})
  const two = aggregateReport({
    space: {Id: 'Spaces-2', Name: 'Platform Team'}, since: Date.parse(t(0)), until: Date.parse(t(60)), groupBy: 'pool', tasksScanned: 3,
    intervals: [interval('L-2', 'Workers-11', 'k8s-1', 'WorkerPools-11', 'ServerTasks-2', 5), interval('L-3', 'Workers-11', 'k8s-1', 'WorkerPools-11', 'ServerTasks-3', 5)],
    workers: [{Id: 'Workers-11', Name: 'k8s-1', WorkerPoolIds: ['WorkerPools-11']}], pools: [{Id: 'WorkerPools-11', Name: 'Linux'}],
  })
  const both = combineReports([one, two])

  it('adds up the totals and keeps each row\'s space', () => {
    expect([both.TasksScanned, both.TasksWithLeases, both.Leases]).toEqual([5, 3, 3])
    expect(both.Spaces).toEqual([{Id: 'Spaces-1', Name: 'Default'}, {Id: 'Spaces-2', Name: 'Platform Team'}])
    expect(both.Pools.map((p) => [p.SpaceName, p.WorkerPoolName, p.Leases])).toEqual([['Platform Team', 'Linux', 2], ['Default', 'Linux', 1]])
    expect(both.BusiestWorkers.map((w) => [w.SpaceName, w.WorkerName])).toEqual([['Platform Team', 'k8s-1'], ['Default', 'lin-1']])
    expect(both.IdleWorkers.map((w) => [w.SpaceName, w.WorkerName])).toEqual([['Default', 'lin-2']])
  })

  it('the table gets a SPACE column and the CSV SpaceId and SpaceName, so same-named pools stay apart', () => {
    const grid = groupGrid(both, {spaceColumn: true})
    expect(grid.head).toEqual(['SPACE', 'POOL', 'WORKERS', 'LEASES', 'PEAK CONCURRENT', 'BUSY'])
    expect(grid.rows.map((r) => r.slice(0, 2))).toEqual([['Platform Team', 'Linux'], ['Default', 'Linux']])
    const csv = reportCsv(both, {spaceColumns: true}).trim().split('\n')
    expect(csv[0]).toBe('SpaceId,SpaceName,WorkerPoolId,WorkerPoolName,Workers,Leases,PeakConcurrentLeases,PeakAt,BusySeconds')
    expect(csv.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual(['Spaces-2,Platform Team,WorkerPools-11,Linux', 'Spaces-1,Default,WorkerPools-1,Linux'])
    const byWorker = reportCsv({...both, GroupBy: 'worker'}, {spaceColumns: true}).trim().split('\n')
    expect(byWorker.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual(['Spaces-2,Platform Team,Workers-11,k8s-1', 'Spaces-1,Default,Workers-1,lin-1', 'Spaces-1,Default,Workers-2,lin-2'])
    // One space: the CSV's columns stay as they were.
    expect(reportCsv(one).split('\n')[0]).toBe('WorkerPoolId,WorkerPoolName,Workers,Leases,PeakConcurrentLeases,PeakAt,BusySeconds')
  })
})
