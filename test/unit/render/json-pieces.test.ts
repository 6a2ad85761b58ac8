import {describe, expect, it} from 'vitest'
import {jsonPiecesWithoutLinks, jsonTextWithoutLinks} from '../../../src/ui/output.js'

const joined = (doc: unknown) => [...jsonPiecesWithoutLinks(doc)].join('')

/** A document with every kind of value the writer treats apart, at each depth it goes to. */
function documentOf(seed: number): unknown {
  let state = seed
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  const leaf = (): unknown => {
    const kinds: Array<() => unknown> = [
      () => null, () => undefined, () => Math.floor(next() * 1000) - 500, () => next() < 0.5,
      () => `text ${Math.floor(next() * 100)} \u2028 \u202E \u0085 é`, () => new Date(Date.UTC(2026, 11, 6, 0, 0, Math.floor(next() * 60))),
      () => [], () => ({}), () => ({Links: {Self: '/x'}, Name: 'linked', Items: [{Links: {}, Id: 'inner'}]}),
    ]
    return kinds[Math.floor(next() * kinds.length)]()
  }
  const value = (depth: number): unknown => {
    if (depth > 3 || next() < 0.3) return leaf()
    if (next() < 0.5) return Array.from({length: Math.floor(next() * 5)}, () => value(depth + 1))
    const out: Record<string, unknown> = {}
    for (let i = Math.floor(next() * 5); i > 0; i--) out[next() < 0.15 ? 'Links' : `Field${Math.floor(next() * 20)}`] = value(depth + 1)
    return out
  }
  return value(0)
}

describe('a --json document written in pieces', () => {
  it('is, joined, exactly the document written whole, for documents of every shape', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const doc = documentOf(seed)
      expect(joined(doc), JSON.stringify(doc)).toBe(jsonTextWithoutLinks(doc))
    }
  })

  it('keeps the cases JSON.stringify decides: Links, undefined and functions left out of objects, null in arrays, toJSON, empty containers', () => {
    const doc = {
      Links: {Self: '/api'}, A: undefined, B: () => 1, C: [undefined, () => 2, null, 1], D: new Date(0), E: [], F: {}, G: {Links: {}},
      H: [{Links: {Self: '/x'}, Id: 'W-1', Nested: {Links: 1, Deep: [{Links: 2, Kept: true}]}}], '\u2028key': 'value\u2029',
    }
    expect(joined(doc)).toBe(jsonTextWithoutLinks(doc))
    expect(joined(undefined)).toBe('null\n')
    expect(joined([])).toBe('[]\n')
    expect(joined('top \u007F')).toBe(jsonTextWithoutLinks('top \u007F'))
  })

  it('a large list comes in pieces of tens of kilobytes, not one string', () => {
    const findings = Array.from({length: 20_000}, (_, i) => ({RuleId: 'health/unhealthy-worker', Subject: `worker-${i}`, Message: `Worker 'worker-${i}' is Unhealthy.`, Links: {Self: `/w/${i}`}}))
    const doc = {Summary: {Warnings: findings.length}, Findings: findings}
    const pieces = [...jsonPiecesWithoutLinks(doc)]
    expect(pieces.join('')).toBe(jsonTextWithoutLinks(doc))
    expect(pieces.length).toBeGreaterThan(10)
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(128 * 1024)
  })
})
