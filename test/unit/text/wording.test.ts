import {describe, expect, it} from 'vitest'
import {nounFor, plural, shortList} from '../../../src/text/wording.js'

describe('wording', () => {
  it('plural writes a count with its noun, singular only for exactly one', () => {
    expect([0, 1, 2, 11].map((n) => plural(n, 'worker'))).toEqual(['0 workers', '1 worker', '2 workers', '11 workers'])
    expect(plural(1, 'healthy, enabled worker')).toBe('1 healthy, enabled worker')
    expect(plural(3, 'Kubernetes agent')).toBe('3 Kubernetes agents')
  })

  it('nounFor gives the noun alone, for a number written apart from it', () => {
    expect([0, 1, 2].map((n) => `Unknown ${nounFor(n, 'flag')}`)).toEqual(['Unknown flags', 'Unknown flag', 'Unknown flags'])
  })

  it('shortList names up to the limit and counts the rest', () => {
    expect(shortList(['a', 'b'], 2)).toBe('a, b')
    expect(shortList(['a', 'b', 'c', 'd'], 2)).toBe('a, b and 2 more')
  })
})
