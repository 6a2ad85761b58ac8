import {describe, expect, it} from 'vitest'
import {mapBounded} from '../../src/lib/concurrency.js'

describe('mapBounded', () => {
  it('keeps the input order, never exceeds the limit, and reports each completion', async () => {
    let inFlight = 0
    let most = 0
    const done: number[] = []
    // Later items finish first, so order must come from the index, not completion.
    const results = await mapBounded([5, 4, 3, 2, 1, 0], 3, async (n, i) => {
      inFlight++
      most = Math.max(most, inFlight)
      for (let tick = 0; tick < n; tick++) await Promise.resolve()
      inFlight--
      return `${i}:${n * 10}`
    }, (count) => done.push(count))
    expect(results).toEqual(['0:50', '1:40', '2:30', '3:20', '4:10', '5:0'])
    expect(most).toBe(3)
    expect(done).toEqual([1, 2, 3, 4, 5, 6])
  })

  it('handles an empty list, and rejects with the first error without starting more work on that lane', async () => {
    expect(await mapBounded([], 4, async () => 1)).toEqual([])
    const started: number[] = []
    await expect(mapBounded([1, 2], 1, async (n) => {
      started.push(n)
      if (n === 1) throw new Error('boom')
      return n
    })).rejects.toThrow('boom')
    expect(started).toEqual([1])
  })
})
