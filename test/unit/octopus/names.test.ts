import {describe, expect, it} from 'vitest'
import {findAllByNameOrId, findByNameOrId} from '../../../src/octopus/names.js'

const pools = [
  {Id: 'WorkerPools-1', Name: 'Default Worker Pool'},
  {Id: 'WorkerPools-2', Name: 'p-db-omaha'},
  {Id: 'WorkerPools-3', Name: 'Azure Central US Production Worker Pool', Slug: 'azure-central-us'},
]

describe('findByNameOrId', () => {
  it('finds by ID, by name case-insensitively, and by slug', () => {
    expect(findByNameOrId(pools, 'workerpools-2', 'pool').Id).toBe('WorkerPools-2')
    expect(findByNameOrId(pools, 'DEFAULT worker pool', 'pool').Id).toBe('WorkerPools-1')
    expect(findByNameOrId(pools, 'azure-central-us', 'pool').Id).toBe('WorkerPools-3')
  })

  it('fails with exit 4 and close matches for an unknown name', () => {
    try {
      findByNameOrId(pools, 'p-db-omha', 'pool')
      expect.unreachable()
    } catch (error) {
      expect((error as {exitCode: number}).exitCode).toBe(4)
      expect((error as Error).message).toBe("Pool 'p-db-omha' not found. Did you mean: 'p-db-omaha'?")
    }
  })

  it('fails with exit 2 when a name is ambiguous', () => {
    const twins = [{Id: 'A-1', Name: 'Pool'}, {Id: 'A-2', Name: 'pool'}]
    expect(() => findByNameOrId(twins, 'POOL', 'pool')).toThrow(/matches 2 pools/)
  })

  it('resolves all names and reports every unknown one at once', () => {
    expect(findAllByNameOrId(pools, ['WorkerPools-1', 'p-db-omaha'], 'pool').map((p) => p.Id)).toEqual(['WorkerPools-1', 'WorkerPools-2'])
    expect(() => findAllByNameOrId(pools, ['nope', 'p-db-omaha', 'zzz'], 'pool')).toThrow("Pools not found: 'nope', 'zzz'.")
  })
})
