import {describe, expect, it} from 'vitest'
import {closeMatches, editDistance, sharedWordCount, significantWords} from '../../../src/text/fuzzy.js'

const pools = [
  {Id: 'WorkerPools-1', Name: 'Default Worker Pool'},
  {Id: 'WorkerPools-2', Name: 'p-db-omaha'},
  {Id: 'WorkerPools-3', Name: 'Azure Central US Production Worker Pool', Slug: 'azure-central-us'},
]

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
