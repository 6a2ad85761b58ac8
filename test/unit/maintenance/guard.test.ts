import {describe, expect, it} from 'vitest'
import {checkFloors, disableChange, floorBreaches, plannedAfter, poolsTakenFrom} from '../../../src/app/maintenance/guard.js'
import {poolFloors} from '../../../src/domain/pool-floors.js'
import {floorFunction, minWorkersFor} from '../../../src/domain/floor.js'
import {updateChange} from '../../../src/app/workers/update.js'
import {defaultConfig} from '../../../src/config/octoworkers-yaml/load.js'
import type {WorkerPoolResource, WorkerResource} from '../../../src/octopus/types.js'

const pool = (n: number, extra: Partial<WorkerPoolResource> = {}) => ({Id: `WorkerPools-${n}`, Name: `Pool ${n}`, ...extra}) as WorkerPoolResource
const pools = [pool(1), pool(2), pool(3, {WorkerPoolType: 'DynamicWorkerPool'} as Partial<WorkerPoolResource>)]
const w = (id: number, poolIds: number[], health = 'Healthy', disabled = false) =>
  ({Id: `Workers-${id}`, Name: `w${id}`, WorkerPoolIds: poolIds.map((p) => `WorkerPools-${p}`), HealthStatus: health, IsDisabled: disabled, MachinePolicyId: 'MachinePolicies-1'}) as unknown as WorkerResource

describe('the floor, defined once', () => {
  it('--keep-healthy for every pool, else the first matching per-pool override, else minWorkers (2 by default)', () => {
    const config = {...defaultConfig(), pools: [{match: 'Pool 1', minWorkers: 1}, {match: 'pool *', minWorkers: 3}]}
    expect([pool(1), pool(2)].map(floorFunction(undefined, config))).toEqual([1, 3])
    expect([pool(1), pool(2)].map(floorFunction(0, config))).toEqual([0, 0])
    expect(minWorkersFor(defaultConfig(), pool(9))).toBe(2)
  })
})

describe('checkFloors', () => {
  it('a pool already below its floor may not lose its last available worker', () => {
    const workers = [w(1, [1])]
    expect(checkFloors({workers, pools, targets: workers, change: disableChange, floorOf: () => 2}).violations).toEqual([
      expect.objectContaining({PoolName: 'Pool 1', AvailableNow: 1, AvailableAfter: 0, Floor: 2}),
    ])
  })

  it('names every pool a disabled worker serves, its second pool too', () => {
    const workers = [w(1, [1, 2]), w(2, [1]), w(3, [1]), w(4, [2])]
    const {floors, violations} = checkFloors({workers, pools, targets: [workers[0]], change: disableChange, floorOf: () => 2})
    expect(floors.map((f) => [f.PoolName, f.AvailableNow, f.AvailableAfter])).toEqual([['Pool 1', 3, 2], ['Pool 2', 2, 1]])
    expect(violations.map((f) => f.PoolName)).toEqual(['Pool 2'])
  })

  it('a move out of one pool counts against that pool only; a delete against all of them', () => {
    const workers = [w(1, [1, 2]), w(2, [1]), w(3, [2])]
    const move = updateChange({addPools: [], removePools: [pool(2)]}, pools)
    expect(checkFloors({workers, pools, targets: [workers[0]], change: move, floorOf: () => 2}).floors.map((f) => [f.PoolName, f.AvailableAfter])).toEqual([['Pool 1', 2], ['Pool 2', 1]])
    expect(poolFloors({pools, workers, after: plannedAfter([workers[0]], 'delete'), floorOf: () => 2}).map((f) => [f.PoolName, f.AvailableAfter, f.TakenOut])).toEqual([['Pool 1', 1, 1], ['Pool 2', 1, 1]])
  })

  it('already-disabled and unavailable workers change nothing; dynamic pools have no workers to guard', () => {
    const workers = [w(1, [1], 'Healthy', true), w(2, [1], 'Unhealthy'), w(3, [3])]
    expect(plannedAfter(workers, disableChange).has('Workers-1')).toBe(false)
    expect(checkFloors({workers, pools, targets: workers, change: disableChange, floorOf: () => 2}).violations).toEqual([])
  })
})

describe('after writing: floorBreaches', () => {
  const applied = [{before: w(1, [1, 2]), after: w(1, [1, 2], 'Healthy', true)}]

  it('only the pools this command took an available worker from are looked at', () => {
    expect([...poolsTakenFrom(applied)]).toEqual(['WorkerPools-1', 'WorkerPools-2'])
    expect(poolsTakenFrom([{before: w(5, [1], 'Unhealthy'), after: w(5, [1], 'Unhealthy', true)}]).size).toBe(0)
  })

  it('a pool below its floor now (another change ran meanwhile) is a breach; one at its floor is not', () => {
    const now = [w(1, [1, 2], 'Healthy', true), w(2, [1], 'Healthy', true), w(3, [1]), w(4, [2]), w(5, [2])]
    expect(floorBreaches({applied, workers: now, pools, floorOf: () => 2})).toEqual([{PoolId: 'WorkerPools-1', PoolName: 'Pool 1', Floor: 2, AvailableNow: 1}])
  })
})

describe('undo takes back only this command\'s change', () => {
  it('disable: enables the worker again, on the document as it is now', () => {
    const now = {...w(1, [1, 4]), IsDisabled: true}
    expect(disableChange.undo(now, {before: w(1, [1]), after: {...w(1, [1]), IsDisabled: true}})).toMatchObject({IsDisabled: false, WorkerPoolIds: ['WorkerPools-1', 'WorkerPools-4']})
    expect(disableChange.undo(w(1, [1]), {before: w(1, [1]), after: w(1, [1])})).toBeUndefined()
  })

  it('update: the removed pool comes back, the added one goes, a pool someone else added meanwhile stays', () => {
    const change = updateChange({addPools: [pool(2)], removePools: [pool(1)]}, pools)
    const before = w(1, [1])
    const after = change.apply(before)!
    expect(after.WorkerPoolIds).toEqual(['WorkerPools-2'])
    const now = w(1, [2, 7])
    expect(change.undo(now, {before, after})?.WorkerPoolIds).toEqual(['WorkerPools-7', 'WorkerPools-1'])
  })

  it('update: a rename is taken back only if nobody renamed the worker since', () => {
    const change = updateChange({name: 'renamed', addPools: [], removePools: []}, pools)
    const before = w(1, [1])
    const after = change.apply(before)!
    expect(change.undo({...after}, {before, after})?.Name).toBe('w1')
    expect(change.undo({...after, Name: 'someone-else'}, {before, after})).toBeUndefined()
  })
})
