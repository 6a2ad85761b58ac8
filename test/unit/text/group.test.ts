import {describe, expect, it} from 'vitest'
import {groupOf} from '../../../src/text/group.js'

describe('groupOf', () => {
  it('groups by key, the groups in the order their keys first appear and each in the items\' order', () => {
    const groups = groupOf(['b1', 'a1', 'b2', 'c1', 'a2'], (s) => s[0])
    expect([...groups]).toEqual([['b', ['b1', 'b2']], ['a', ['a1', 'a2']], ['c', ['c1']]])
  })

  it('leaves an item whose key is undefined out of every group', () => {
    const groups = groupOf([1, 2, 3, 4], (n) => (n % 2 === 0 ? 'even' : undefined))
    expect([...groups]).toEqual([['even', [2, 4]]])
  })
})
