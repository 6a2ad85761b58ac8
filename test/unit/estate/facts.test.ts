import {describe, expect, it} from 'vitest'
import {isDynamicPool, isStaticPool} from '../../../src/lib/estate/facts.js'

describe('isDynamicPool', () => {
  it('is true only for DynamicWorkerPool', () => {
    expect(isDynamicPool({WorkerPoolType: 'DynamicWorkerPool'})).toBe(true)
    expect(isDynamicPool({WorkerPoolType: 'StaticWorkerPool'})).toBe(false)
  })

  it('reads a pool without WorkerPoolType (servers before dynamic pools) as static', () => {
    expect(isDynamicPool({})).toBe(false)
    expect(isDynamicPool({WorkerPoolType: null})).toBe(false)
    expect(isStaticPool({Id: 'WorkerPools-1', Name: 'Default Worker Pool', IsDefault: true})).toBe(true)
  })
})
