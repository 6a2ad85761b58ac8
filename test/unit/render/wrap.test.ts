import {describe, expect, it} from 'vitest'
import {wrapItems, wrapWords} from '../../../src/ui/wrap.js'

describe('wrapping at spaces keeps a time whole', () => {
  it('breaks before a time rather than between its parts', () => {
    expect(wrapWords('steps waited 1m 40s for a worker', 15)).toEqual(['steps waited', '1m 40s for a', 'worker'])
    expect(wrapWords('all busy for 1h 02m 10s over the window', 20, {hang: '  '})).toEqual(['all busy for', '  1h 02m 10s over', '  the window'])
  })

  it('keeps a bracketed time with its punctuation, and breaks ordinary words as before', () => {
    expect(wrapItems(['Busiest: worker-02 (14 leases, 1m 40s),', 'tmp (1 lease, 800ms)'], 34, {separator: ' ', hang: '  '}))
      .toEqual(['Busiest: worker-02 (14 leases,', '  1m 40s), tmp (1 lease, 800ms)'])
    // An entry wider than a line starts a line of its own rather than trailing the one before.
    expect(wrapItems(['Busiest: tmp (1 lease, 800ms),', 'w2 (14 leases, 1m 40s, and a long note)'], 34, {separator: ' ', hang: '  '}))
      .toEqual(['Busiest: tmp (1 lease, 800ms),', '  w2 (14 leases, 1m 40s, and a', '  long note)'])
    // A number without its unit is not a time part: `2 s` may break like any words.
    expect(wrapWords('in 2 s or so', 4)).toEqual(['in 2', 's or', 'so'])
  })
})
