import {describe, expect, it} from 'vitest'
import {floorRefusal, floorViolations, poolFloors} from '../../../src/domain/pool-floors.js'

const pools = [
  {Id: 'WorkerPools-1', Name: 'Linux'},
  {Id: 'WorkerPools-2', Name: 'Windows'},
  {Id: 'WorkerPools-3', Name: 'Hosted', WorkerPoolType: 'DynamicWorkerPool'},
]
const w = (id: number, pools: number[], health = 'Healthy', disabled = false) => ({Id: `Workers-${id}`, Name: `w${id}`, WorkerPoolIds: pools.map((p) => `WorkerPools-${p}`), HealthStatus: health, IsDisabled: disabled})
const workers = [w(1, [1]), w(2, [1]), w(3, [1, 2], 'HasWarnings'), w(4, [1], 'Unhealthy'), w(5, [2]), w(6, [2], 'Healthy', true), w(7, [2], 'Unknown')]

describe('poolFloors', () => {
  it('counts every pool a worker taken out serves, with available now and after', () => {
    expect(poolFloors({pools, workers, out: ['Workers-3'], floorOf: () => 2})).toEqual([
      {PoolId: 'WorkerPools-1', PoolName: 'Linux', Floor: 2, Workers: 4, AvailableNow: 3, AvailableAfter: 2, TakenOut: 1},
      {PoolId: 'WorkerPools-2', PoolName: 'Windows', Floor: 2, Workers: 4, AvailableNow: 2, AvailableAfter: 1, TakenOut: 1},
    ])
  })

  it('leaves out pools no worker taken out serves, and dynamic pools', () => {
    expect(poolFloors({pools, workers: [...workers, w(8, [3])], out: ['Workers-1', 'Workers-8'], floorOf: () => 2}).map((f) => f.PoolName)).toEqual(['Linux'])
  })

  it('uses each pool\'s own floor', () => {
    const floors = poolFloors({pools, workers, out: ['Workers-3'], floorOf: (p) => (p.Name === 'Windows' ? 1 : 3)})
    expect(floorViolations(floors).map((f) => f.PoolName)).toEqual(['Linux'])
  })
})

describe('floorViolations', () => {
  it('a pool the change takes below its floor is a violation', () => {
    const floors = poolFloors({pools, workers, out: ['Workers-1', 'Workers-2'], floorOf: () => 2})
    expect(floorViolations(floors)).toEqual([expect.objectContaining({PoolName: 'Linux', AvailableNow: 3, AvailableAfter: 1})])
  })

  it('taking out only unavailable workers never violates, even in a pool already below its floor', () => {
    const floors = poolFloors({pools, workers, out: ['Workers-6', 'Workers-7'], floorOf: () => 5})
    expect(floors.map((f) => [f.PoolName, f.AvailableAfter, f.Floor])).toEqual([['Windows', 2, 5]])
    expect(floorViolations(floors)).toEqual([])
  })

  it('floor 0 allows emptying a pool', () => {
    expect(floorViolations(poolFloors({pools, workers, out: ['Workers-1', 'Workers-2', 'Workers-3'], floorOf: () => 0}))).toEqual([])
  })

  it('the refusal is exit 5, names each pool with its counts and the override', () => {
    const error = floorRefusal(floorViolations(poolFloors({pools, workers, out: ['Workers-3', 'Workers-5'], floorOf: () => 2})), {verb: 'draining', override: 'Pass --force.'})
    expect(error.exitCode).toBe(5)
    expect(error.code).toBe('below-floor')
    expect(error.message).toBe("Refusing: pool 'Windows' has 2 available workers; draining would leave 0 (its floor is 2). Nothing was changed.")
    expect(error.hint).toContain('Pass --force.')
  })
})
