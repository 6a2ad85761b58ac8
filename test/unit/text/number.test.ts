import {describe, expect, it} from 'vitest'
import {graphemes} from '../../../src/ui/graphemes.js'
import {groupDigits} from '../../../src/text/number.js'

describe('groupDigits', () => {
  it('writes what toLocaleString("en-US") writes, without loading ICU', () => {
    for (const n of [0, 7, 999, 1000, 12345, 999999, 1000000, 2147483, 123456789012, -1234567, 1234.5]) {
      expect(groupDigits(n)).toBe(n.toLocaleString('en-US', {maximumFractionDigits: 20}))
    }
  })
})

describe('graphemes', () => {
  it('splits user-perceived characters, so a cut never halves one', () => {
    expect([...graphemes('a\u0301b👍🏽c🇩🇪')]).toEqual(['a\u0301', 'b', '👍🏽', 'c', '🇩🇪'])
    expect([...graphemes('')]).toEqual([])
  })
})
