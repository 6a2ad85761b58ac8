import {describe, expect, it} from 'vitest'
import {lowerCased, upperCased} from '../../../src/text/case.js'

describe('casing that keeps a string already in that case', () => {
  it('gives what toLowerCase and toUpperCase give, for ASCII and beyond', () => {
    for (const text of ['scale-worker-00001', 'Scale-Worker', 'ABCDEF0123', 'abcdef0123', 'ÉCOLE', 'école', 'straße', 'İstanbul', 'ǅ', '', '0-9_./:']) {
      expect(lowerCased(text), text).toBe(text.toLowerCase())
      expect(upperCased(text), text).toBe(text.toUpperCase())
    }
  })
})
