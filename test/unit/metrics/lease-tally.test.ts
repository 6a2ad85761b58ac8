import {describe, expect, it} from 'vitest'
import {LeaseTally} from '../../../src/app/metrics/lease-tally.js'
import {leaseEvent, type LeaseRecord} from '../../../src/domain/leases/types.js'

const START = Date.parse('2026-01-01T10:00:00Z')

function lease(id: string, takenAt: string, pool = 'WorkerPools-1', worker = 'Workers-1'): LeaseRecord {
  return {LeaseId: id, WorkerId: worker, WorkerName: worker, WorkerPoolId: pool, WorkerPoolName: pool, TaskId: 'ServerTasks-1', TaskDescription: null, SpaceId: 'Spaces-1', Exclusive: false, TakenAt: takenAt, Source: 'api'}
}

describe('LeaseTally', () => {
  it('counts each lease once, however many sources or polls report it', () => {
    const tally = new LeaseTally(START)
    const a = lease('L1', '2026-01-01T10:01:00Z')
    tally.record([leaseEvent('Leased', a.TakenAt, a)])
    // The same lease again, as the log reports it when its task completes.
    tally.record([leaseEvent('Leased', a.TakenAt, {...a, Source: 'logs'}), leaseEvent('Released', '2026-01-01T10:01:30Z', a)])
    tally.record([leaseEvent('Released', '2026-01-01T10:01:40Z', a), leaseEvent('Leased', a.TakenAt, a)])
    expect(tally.poolTotals()).toEqual([{SpaceId: 'Spaces-1', WorkerPoolId: 'WorkerPools-1', WorkerPoolName: 'WorkerPools-1', Granted: 1, Seconds: 30, MutexWaitSeconds: 0}])
    expect(tally.activeLeases()).toEqual([])
  })

  it('keeps a lease whose release failed active, and counts its seconds once the server releases it', () => {
    const tally = new LeaseTally(START)
    const a = lease('L1', '2026-01-01T10:00:10Z')
    tally.record([leaseEvent('Leased', a.TakenAt, a), leaseEvent('ReleaseFailed', '2026-01-01T10:00:20Z', a)])
    expect(tally.activeLeases().map((l) => l.LeaseId)).toEqual(['L1'])
    tally.record([leaseEvent('Released', '2026-01-01T10:01:10Z', a)])
    expect(tally.poolTotals()[0]).toMatchObject({Granted: 1, Seconds: 60})
  })

  it('does not count leases held at start as granted, and counts their seconds from the start only', () => {
    const tally = new LeaseTally(START)
    const before = lease('L0', '2026-01-01T09:00:00Z', 'WorkerPools-2')
    tally.baseline([before])
    expect(tally.activeLeases()).toHaveLength(1)
    tally.record([leaseEvent('Released', '2026-01-01T10:00:05Z', before)])
    expect(tally.poolTotals()).toEqual([{SpaceId: 'Spaces-1', WorkerPoolId: 'WorkerPools-2', WorkerPoolName: 'WorkerPools-2', Granted: 0, Seconds: 5, MutexWaitSeconds: 0}])
  })

  it('keeps pools apart, and ignores a release of a lease it never saw', () => {
    const tally = new LeaseTally(START)
    const a = lease('L1', '2026-01-01T10:00:00Z', 'WorkerPools-1')
    const b = lease('L2', '2026-01-01T10:00:00Z', 'WorkerPools-2')
    tally.record([leaseEvent('Released', '2026-01-01T10:00:09Z', lease('L9', '2026-01-01T10:00:00Z'))])
    tally.record([leaseEvent('Leased', a.TakenAt, a), leaseEvent('Leased', b.TakenAt, b), leaseEvent('Released', '2026-01-01T10:00:02Z', b)])
    expect(tally.poolTotals().map((t) => [t.WorkerPoolId, t.Granted, t.Seconds])).toEqual([['WorkerPools-1', 1, 0], ['WorkerPools-2', 1, 2]])
  })

  it('counts a completed task\'s mutex waits once, however often its log is read, on the pool of the lease that waited', () => {
    const tally = new LeaseTally(START)
    const linux = lease('L1', '2026-01-01T10:01:00Z', 'WorkerPools-1')
    const windows = lease('L2', '2026-01-01T10:01:00Z', 'WorkerPools-2')
    const log = {SpaceId: 'Spaces-1', TaskId: 'ServerTasks-1', leases: [{lease: linux, mutexWaitMs: 90_500}, {lease: windows}]}
    tally.recordTaskLog(log)
    // The same task's log again: read at start while it ran into completion, or a poll retried.
    tally.recordTaskLog({...log, leases: [{lease: linux, mutexWaitMs: 90_500}, {lease: windows, mutexWaitMs: 1_000}]})
    // Another task, and the same task ID in another space, count on their own.
    tally.recordTaskLog({SpaceId: 'Spaces-1', TaskId: 'ServerTasks-2', leases: [{lease: {...windows, LeaseId: 'L3', TaskId: 'ServerTasks-2'}, mutexWaitMs: 2_000}]})
    tally.recordTaskLog({SpaceId: 'Spaces-2', TaskId: 'ServerTasks-1', leases: [{lease: {...linux, SpaceId: 'Spaces-2'}, mutexWaitMs: 500}]})
    expect(tally.poolTotals().map((t) => [t.SpaceId, t.WorkerPoolId, t.MutexWaitSeconds])).toEqual([
      ['Spaces-1', 'WorkerPools-1', 90.5],
      ['Spaces-1', 'WorkerPools-2', 2],
      ['Spaces-2', 'WorkerPools-1', 0.5],
    ])
    // Waits neither grant a lease nor hold one.
    expect(tally.poolTotals().every((t) => t.Granted === 0 && t.Seconds === 0)).toBe(true)
  })

  it('attributes a wait on a pool the directory lacks to the pool name the log gave', () => {
    const tally = new LeaseTally(START)
    const unknown = {...lease('L1', '2026-01-01T10:01:00Z'), WorkerPoolId: null, WorkerPoolName: 'Gone pool'}
    tally.recordTaskLog({SpaceId: 'Spaces-1', TaskId: 'ServerTasks-1', leases: [{lease: unknown, mutexWaitMs: 3_000}]})
    expect(tally.poolTotals()).toEqual([{SpaceId: 'Spaces-1', WorkerPoolId: null, WorkerPoolName: 'Gone pool', Granted: 0, Seconds: 0, MutexWaitSeconds: 3}])
  })
})
