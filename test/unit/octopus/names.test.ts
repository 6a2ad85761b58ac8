import {describe, expect, it} from 'vitest'
import {closeMatches, editDistance, findAllByNameOrId, findByNameOrId, sharedWordCount, significantWords} from '../../../src/lib/octopus/names.js'

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

describe('closeMatches', () => {
  it('prefers substrings, then small edit distances', () => {
    expect(closeMatches('omaha', pools.map((p) => p.Name))).toEqual(['p-db-omaha'])
    expect(closeMatches('xyzzy', pools.map((p) => p.Name))).toEqual([])
    expect(editDistance('kitten', 'sitting')).toBe(3)
  })

  const demoPools = [
    'Default Worker Pool',
    'Production Database Omaha Worker Pool',
    'Azure Central US Production Worker Pool',
    'Staging Linux Worker Pool',
    'test pool',
    'Hosted Ubuntu',
    'Empty Windows Worker Pool',
  ]

  it.each([
    // Shared significant words count, even far beyond the edit-distance threshold.
    ['Linux Workers', ['Staging Linux Worker Pool']],
    ['linux', ['Staging Linux Worker Pool']],
    ['Omaha Production', ['Production Database Omaha Worker Pool', 'Azure Central US Production Worker Pool']],
    ['Production Omaha Workers', ['Production Database Omaha Worker Pool', 'Azure Central US Production Worker Pool']],
    ['Windows pool', ['Empty Windows Worker Pool']],
    ['Ubuntu hosts', ['Hosted Ubuntu']],
    // "pool" and "worker(s)" alone are no reason to suggest a name.
    // (Here every pool contains the input: the closest in length come first.)
    ['Worker Pool', ['Default Worker Pool', 'Empty Windows Worker Pool', 'Staging Linux Worker Pool', 'Production Database Omaha Worker Pool', 'Azure Central US Production Worker Pool']],
    ['Mac Workers', []],
    ['GPU pool', []],
    // Typos and substrings still match, best first.
    ['tst pool', ['test pool']],
    ['test pol', ['test pool']],
    ['staging linux worker pol', ['Staging Linux Worker Pool']],
    ['Hosted Ubuntoo', ['Hosted Ubuntu']],
    ['Central', ['Azure Central US Production Worker Pool']],
  ])('%j -> %j', (input, expected) => {
    expect(closeMatches(input, demoPools)).toEqual(expected)
  })

  it.each([
    // More shared words rank first; ties go to the smaller edit distance.
    ['Linux Workers', ['Linux Build', 'Staging Linux Worker Pool', 'Linux Worker Pool'], ['Linux Worker Pool', 'Staging Linux Worker Pool', 'Linux Build']],
    ['Linux Workrs', ['Staging Linux Worker Pool', 'Linux Workers'], ['Linux Workers', 'Staging Linux Worker Pool']],
    // Substrings come before word matches; among substrings, the closest in length first.
    ['omaha', ['Omaha Production', 'p-db-omaha', 'omaha-01'], ['omaha-01', 'p-db-omaha', 'Omaha Production']],
    ['Omaha Linux', ['Linux', 'Staging Linux Omaha Pool', 'Omaha Linx'], ['Linux', 'Staging Linux Omaha Pool', 'Omaha Linx']],
    // Workers named by convention share words too.
    ['omaha-worker-04', ['p-db-omaha-worker-01', 'p-db-omaha-worker-02', 'p-web-azcus-worker-01', 'tmp-box'], ['p-db-omaha-worker-01', 'p-db-omaha-worker-02']],
    // Numbers alone are not words worth suggesting on.
    ['build-001', ['deploy-001', 'build-002'], ['build-002']],
  ])('%j among %j -> %j', (input, candidates, expected) => {
    expect(closeMatches(input, candidates)).toEqual(expected)
  })

  it('keeps at most `limit` suggestions, best first', () => {
    const many = ['Linux G', 'Linux F', 'Linux D', 'Linux C', 'Linux B', 'Linux A', 'Linux Workers 2']
    expect(closeMatches('Linux Workers', many)).toEqual(['Linux Workers 2', 'Linux A', 'Linux B', 'Linux C', 'Linux D'])
    expect(closeMatches('Linux Workers', many, 2)).toEqual(['Linux Workers 2', 'Linux A'])
  })

  it.each([
    ['Staging Linux Worker Pool', ['staging', 'linux', 'worker', 'pool']],
    ['p-db-omaha-worker-01', ['omaha', 'worker']],
    ['Azure Central US', ['azure', 'central']],
    ['Windows Workers', ['window', 'worker']],
  ])('significantWords(%j) = %j', (name, words) => {
    expect([...significantWords(name)]).toEqual(words)
  })

  it.each([
    ['Linux Workers', 'Staging Linux Worker Pool', 2],
    ['Windows Workers', 'Staging Linux Worker Pool', 0],
    ['Default Worker Pool', 'Empty Windows Worker Pool', 0],
    ['LINUX', 'linux build', 1],
  ])('sharedWordCount(%j, %j) = %d', (a, b, count) => {
    expect(sharedWordCount(a, b)).toBe(count)
  })
})
