import {describe, expect, it} from 'vitest'
import {activeLeasesDoc} from '../../../src/app/leases/list.js'
import type {LeaseRecord} from '../../../src/domain/leases/types.js'

const space = {SpaceId: 'Spaces-1', SpaceName: 'Default', Source: 'api', Completeness: 'Misses nothing.'}
const pools = [{Id: 'WorkerPools-1', Name: 'Linux'}, {Id: 'WorkerPools-2', Name: 'Windows'}, {Id: 'WorkerPools-3', Name: 'Empty'}]
const workers = [
  {Id: 'Workers-1', Name: 'lin-1', WorkerPoolIds: ['WorkerPools-1'], IsDisabled: false, HealthStatus: 'Healthy' as const},
  {Id: 'Workers-2', Name: 'lin-2', WorkerPoolIds: ['WorkerPools-1'], IsDisabled: false, HealthStatus: 'HasWarnings' as const},
  {Id: 'Workers-3', Name: 'lin-3', WorkerPoolIds: ['WorkerPools-1'], IsDisabled: true, HealthStatus: 'Healthy' as const},
  {Id: 'Workers-4', Name: 'lin-4', WorkerPoolIds: ['WorkerPools-1', 'WorkerPools-2'], IsDisabled: false, HealthStatus: 'Unknown' as const},
  {Id: 'Workers-5', Name: 'win-1', WorkerPoolIds: ['WorkerPools-2'], IsDisabled: false, HealthStatus: 'Unhealthy' as const},
]
const lease = (LeaseId: string, WorkerId: string | null, WorkerName: string, WorkerPoolId: string | null, WorkerPoolName: string): LeaseRecord => ({
  LeaseId, WorkerId, WorkerName, WorkerPoolId, WorkerPoolName, TaskId: `ServerTasks-${LeaseId}`, TaskDescription: 'Deploy', SpaceId: 'Spaces-1', Exclusive: false, TakenAt: '2026-12-01T07:39:04.123Z', Source: 'api',
})
const leases = [
  lease('1', 'Workers-1', 'lin-1', 'WorkerPools-1', 'Linux'),
  lease('2', 'Workers-1', 'lin-1', 'WorkerPools-1', 'Linux'),
  lease('3', 'Workers-2', 'lin-2', 'WorkerPools-1', 'Linux'),
  // A worker and pool only a task log names (deleted since).
  lease('4', null, 'gone-1', null, 'Retired pool'),
]

describe('activeLeasesDoc', () => {
  it('summarises each pool: workers, available (Healthy or HasWarnings, enabled), leased workers, leases', () => {
    const doc = activeLeasesDoc({space, leases, workers, pools, filter: {}})
    expect(doc.Pools.map((p) => [p.WorkerPoolName, p.Workers, p.AvailableWorkers, p.LeasedWorkers, p.ActiveLeases])).toEqual([
      ['Linux', 4, 2, 2, 3],
      ['Windows', 2, 0, 0, 0],
      ['Empty', 0, 0, 0, 0],
      ['Retired pool', 0, 0, 1, 1],
    ])
    expect(doc.Pools.every((p) => p.SpaceName === 'Default' && p.SpaceId === 'Spaces-1')).toBe(true)
    expect(doc.Leases.map((l) => [l.LeaseId, l.SpaceName])).toEqual([['1', 'Default'], ['2', 'Default'], ['3', 'Default'], ['4', 'Default']])
    expect(doc.Spaces).toEqual([space])
  })

  it('counts active leases per worker, busiest first, including workers only a log names', () => {
    const doc = activeLeasesDoc({space, leases, workers, pools, filter: {}})
    expect(doc.Workers.map((w) => [w.WorkerName, w.ActiveLeases])).toEqual([['lin-1', 2], ['gone-1', 1], ['lin-2', 1], ['lin-3', 0], ['lin-4', 0], ['win-1', 0]])
  })

  it('with --pool, only that pool, its workers and its leases', () => {
    const doc = activeLeasesDoc({space, leases, workers, pools, filter: {poolIds: new Set(['WorkerPools-2']), poolNames: new Set(['windows'])}})
    expect(doc.Leases).toEqual([])
    expect(doc.Pools.map((p) => p.WorkerPoolName)).toEqual(['Windows'])
    expect(doc.Workers.map((w) => w.WorkerName)).toEqual(['lin-4', 'win-1'])
  })

  it('with --worker, pools are summarised over the chosen workers only', () => {
    const doc = activeLeasesDoc({space, leases, workers, pools, filter: {workerIds: new Set(['Workers-1']), workerNames: new Set(['lin-1'])}})
    expect(doc.Leases.map((l) => l.LeaseId)).toEqual(['1', '2'])
    expect(doc.Pools.map((p) => [p.WorkerPoolName, p.Workers, p.AvailableWorkers, p.LeasedWorkers, p.ActiveLeases])).toEqual([['Linux', 1, 1, 1, 2]])
  })
})
