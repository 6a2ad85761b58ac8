import {describe, expect, it} from 'vitest'
import {isDynamicPool, isStaticPool, workerPoolTypeOf} from '../../../src/domain/pools.js'
import {poolTypeFlag} from '../../../src/domain/pools.js'

describe('isDynamicPool', () => {
  it('is true only for DynamicWorkerPool', () => {
    expect(isDynamicPool({WorkerPoolType: 'DynamicWorkerPool'})).toBe(true)
    expect(isDynamicPool({WorkerPoolType: 'StaticWorkerPool'})).toBe(false)
  })

  it('reads a pool without WorkerPoolType (servers before dynamic pools) as static', () => {
    expect(isDynamicPool({})).toBe(false)
    expect(isDynamicPool({WorkerPoolType: null})).toBe(false)
    expect(isStaticPool({})).toBe(true)
    expect(isStaticPool({WorkerPoolType: 'StaticWorkerPool'})).toBe(true)
    expect(isStaticPool({WorkerPoolType: 'DynamicWorkerPool'})).toBe(false)
  })
})

describe('workerPoolTypeOf', () => {
  it('spells a missing type as StaticWorkerPool and keeps the server\'s own otherwise', () => {
    expect(workerPoolTypeOf({})).toBe('StaticWorkerPool')
    expect(workerPoolTypeOf({WorkerPoolType: null})).toBe('StaticWorkerPool')
    expect(workerPoolTypeOf({WorkerPoolType: 'DynamicWorkerPool'})).toBe('DynamicWorkerPool')
  })
})

describe('poolTypeFlag (the --type vocabulary) follows the same test', () => {
  it('says dynamic only for a dynamic pool; a missing type is static', () => {
    expect(poolTypeFlag('DynamicWorkerPool')).toBe('dynamic')
    expect(poolTypeFlag('StaticWorkerPool')).toBe('static')
    expect(poolTypeFlag(undefined)).toBe('static')
  })
})
