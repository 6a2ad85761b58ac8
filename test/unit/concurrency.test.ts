import {describe, expect, it} from 'vitest'
import {mapBounded} from '../../src/text/concurrency.js'

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

describe('mapBounded after a failure', () => {
  it('starts no further call on any lane once one has failed (limit 2, first item fails)', async () => {
    const started: number[] = []
    const items = Array.from({length: 12}, (_, i) => i)
    await expect(mapBounded(items, 2, async (n) => {
      started.push(n)
      // Item 0 fails at once; item 1 is still in flight then and finishes a few ticks later.
      if (n === 0) throw new Error('first item failed')
      for (let tick = 0; tick < 5; tick++) await Promise.resolve()
      return n
    })).rejects.toThrow('first item failed')
    expect(started).toEqual([0, 1])
  })
})
