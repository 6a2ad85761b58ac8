import {describe, expect, it} from 'vitest'
import {computeSortOrder, resolveOrderedPools, sameOrder} from '../../../src/app/pools/order.js'
import {pool} from './fixtures.js'

const pools = [pool('WorkerPools-1', 'Default Worker Pool'), pool('WorkerPools-2', 'Linux'), pool('WorkerPools-3', 'Windows'), pool('WorkerPools-4', 'Mac')]

describe('computeSortOrder', () => {
  it('puts the named pools first in the given order and keeps the rest in their relative order', () => {
    const first = [pools[3], pools[1]]
    expect(computeSortOrder(pools, first)).toEqual(['WorkerPools-4', 'WorkerPools-2', 'WorkerPools-1', 'WorkerPools-3'])
  })
  it('returns every ID exactly once', () => {
    const order = computeSortOrder(pools, [pools[2]])
    expect([...order].sort()).toEqual(pools.map((p) => p.Id).sort())
  })
  it('naming every pool gives exactly that order', () => {
    expect(computeSortOrder(pools, [pools[2], pools[0], pools[3], pools[1]])).toEqual(['WorkerPools-3', 'WorkerPools-1', 'WorkerPools-4', 'WorkerPools-2'])
  })
  it('detects an unchanged order', () => {
    expect(sameOrder(computeSortOrder(pools, [pools[0]]), pools.map((p) => p.Id))).toBe(true)
    expect(sameOrder(computeSortOrder(pools, [pools[1]]), pools.map((p) => p.Id))).toBe(false)
  })
})

describe('resolveOrderedPools', () => {
  it('resolves names (any case) and IDs in the order given', () => {
    expect(resolveOrderedPools(pools, ['windows', 'WorkerPools-2']).map((p) => p.Id)).toEqual(['WorkerPools-3', 'WorkerPools-2'])
  })
  it('is exit 4 for an unknown pool, with close matches', () => {
    expect(() => resolveOrderedPools(pools, ['Linux', 'Windos'])).toThrow(expect.objectContaining({exitCode: 4, message: expect.stringContaining("'Windows'")}))
  })
  it('is exit 2 when a name and an ID are the same pool', () => {
    expect(() => resolveOrderedPools(pools, ['Linux', 'WorkerPools-2'])).toThrow(
      expect.objectContaining({exitCode: 2, message: expect.stringContaining("'WorkerPools-2' (same pool as 'Linux': Linux)")}),
    )
  })
})
