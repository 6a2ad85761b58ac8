import {describe, expect, it} from 'vitest'
import {JsonArraySplitter, type SplitOutcome} from '../../../src/octopus/json-array-splitter.js'

/** Splits `text` fed in chunks of `size` bytes (every size, to cut elements, strings, escapes and UTF-8 sequences anywhere). */
function split(text: string, size: number): {elements: unknown[]; outcome: SplitOutcome} {
  const elements: unknown[] = []
  const splitter = new JsonArraySplitter((items, firstIndex) => {
    expect(firstIndex).toBe(elements.length)
    expect(items.length).toBeGreaterThan(0)
    elements.push(...items)
  })
  const bytes = Buffer.from(text, 'utf8')
  for (let at = 0; at < bytes.length; at += size) splitter.write(bytes.subarray(at, at + size))
  return {elements, outcome: splitter.end()}
}

function everyChunking(text: string): Array<{elements: unknown[]; outcome: SplitOutcome}> {
  const length = Buffer.byteLength(text)
  return Array.from({length: Math.max(1, length)}, (_, i) => split(text, i + 1))
}

describe('splitting a JSON array into its elements as it arrives', () => {
  const hostile = [
    {Id: 'Workers-1', Name: 'a ] b', Note: 'quotes \\" and ,commas, and [brackets] and {braces}'},
    {Id: 'Workers-2', Name: 'back\\slash at the end\\', Nested: [[1, [2, {x: ']'}]], {}, []]},
    'a bare string with \\"escaped\\" quote, ] and [',
    42,
    -1.5e3,
    null,
    true,
    [],
    {},
    {Name: 'ünïcødé ✓ 🚀 across chunks', Escapes: '\\u005d \\n \\t \\/'},
  ]

  it('hands on every element of an array, whatever the chunk boundaries, as JSON.parse reads the whole', () => {
    const text = JSON.stringify(hostile, null, 1)
    const expected = JSON.parse(text)
    for (const {elements, outcome} of everyChunking(text)) {
      expect(elements).toEqual(expected)
      expect(outcome).toEqual({kind: 'array', elements: expected.length, bytes: Buffer.byteLength(text)})
    }
  })

  it('reads strings with escaped backslashes before a quote, and escapes that fall on a chunk boundary', () => {
    const text = '["\\\\", "\\\\\\"]", {"a":"\\\\\\\\"}, "\\"[\\""]'
    const expected = JSON.parse(text)
    for (const {elements, outcome} of everyChunking(text)) {
      expect(elements).toEqual(expected)
      expect(outcome.kind).toBe('array')
    }
  })

  it('an empty array, with or without whitespace, has no element', () => {
    for (const text of ['[]', ' [ ] ', '\n[\r\n\t]\n']) {
      for (const {elements, outcome} of everyChunking(text)) {
        expect(elements).toEqual([])
        expect(outcome.kind).toBe('array')
      }
    }
  })

  it('a body that is not an array is kept whole, as it came', () => {
    for (const text of ['{"Items":[1,2]}', '  "a string"', '<html>[]</html>', '\uFEFF[1]', 'null', '  ']) {
      for (const {elements, outcome} of everyChunking(text)) {
        expect(elements).toEqual([])
        expect(outcome.kind).toBe('whole')
        expect((outcome as {body: Buffer}).body.toString('utf8')).toBe(text)
      }
    }
    const empty = new JsonArraySplitter(() => undefined).end()
    expect(empty.kind === 'whole' && empty.body.length).toBe(0)
  })

  it('an array that JSON.parse refuses is malformed, never a shorter list', () => {
    const refused = ['[1,]', '[1, ]', '[,1]', '[ ,]', '[,]', '[1,,2]', '[1 2]', '[1', '[1,', '[{"a":1}', '[{"a":1}}', '[1]]', '[1] x', '[1]2', '[1],[2]', '[{"a":]', '["unterminated]', '["a"', '[{]}', '[[1}]', '[1}', '[tru]', "['single']", '[1,2,]', '[{"a":1},,{"b":2}]']
    for (const text of refused) {
      expect(() => JSON.parse(text), text).toThrow()
      for (const {outcome} of everyChunking(text)) expect(outcome.kind, text).toBe('malformed')
    }
  })

  it('whitespace after the array is allowed, as JSON.parse allows it', () => {
    for (const {elements, outcome} of everyChunking('[1, 2]  \n')) {
      expect(elements).toEqual([1, 2])
      expect(outcome.kind).toBe('array')
    }
  })

  it('an error the caller throws is passed on', () => {
    const splitter = new JsonArraySplitter(() => {
      throw new TypeError('the caller failed')
    })
    expect(() => splitter.write(Buffer.from('[1]'))).toThrow('the caller failed')
  })

  it('parses the complete elements of a chunk together, not one call an element', () => {
    const calls: number[] = []
    const splitter = new JsonArraySplitter((items) => calls.push(items.length))
    splitter.write(Buffer.from('[{"a":1},{"b":[2,3]},"x",'))
    splitter.write(Buffer.from('4,5]'))
    expect(splitter.end()).toEqual({kind: 'array', elements: 5, bytes: 29})
    expect(calls).toEqual([3, 2])
  })
})
