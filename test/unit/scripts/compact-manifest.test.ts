import {describe, expect, it} from 'vitest'
import {compactJsonText} from '../../../scripts/compact-manifest.js'

describe('compactJsonText (the shipped oclif manifest)', () => {
  const manifest = JSON.stringify({commands: {'worker:list': {description: 'Lists workers \u2014 with their leases\u2026', examples: ['<%= config.bin %> worker list\n'], flags: {json: {char: null, default: false}}}}, version: '0.1.0'}, null, 2)

  it('is the same JSON value, on one line, in ASCII only', () => {
    const compact = compactJsonText(manifest)
    expect(JSON.parse(compact)).toEqual(JSON.parse(manifest))
    expect(compact).not.toMatch(/[^\x20-\x7e]/)
    expect(compact.length).toBeLessThan(manifest.length)
    expect(compact).toContain('Lists workers \\u2014 with their leases\\u2026')
  })
})
