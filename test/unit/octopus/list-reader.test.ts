import {describe, expect, it} from 'vitest'
import {ListReader} from '../../../src/octopus/list-reader.js'
import {namedList, poolList, resource, shapeProblem, workerList, type ResponseShape} from '../../../src/octopus/response-shapes.js'

/** Reads `body` through a ListReader in chunks of `size` bytes. */
function read(shape: ResponseShape, body: string, size: number, keep: (item: never) => unknown = (item) => item) {
  // Split from the first byte (a list this small is otherwise read whole).
  const reader = new ListReader(ListReader.itemSchemaOf(shape)!, keep, 0)
  const bytes = Buffer.from(body, 'utf8')
  for (let at = 0; at < bytes.length; at += size) reader.write(bytes.subarray(at, at + size))
  return reader.end()
}

describe('a list read item by item', () => {
  const workers = [
    {Id: 'Workers-1', Name: 'w "one" ] [', SpaceId: 'Spaces-1', Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: 'https://w:10933/'}},
    {Id: 'Workers-2', Name: 'w\\\\two}{', SpaceId: 'Spaces-2', Nested: [[[]], {a: ['],[']}]},
  ]

  it('keeps what `keep` returns of each item, in order, leaving out what it does not', () => {
    const body = JSON.stringify(workers)
    for (const size of [1, 3, 7, 64, body.length]) {
      const got = read(workerList, body, size, ((w: {Id: string; SpaceId: string}) => (w.SpaceId === 'Spaces-1' ? w.Id : undefined)) as (item: never) => unknown)
      expect(got).toEqual({kind: 'items', items: ['Workers-1'], bytes: Buffer.byteLength(body)})
    }
  })

  it('reports the first item that does not fit in the words the whole list is reported in', () => {
    const bodies: unknown[][] = [
      [workers[0], {Id: 'Workers-2'}],
      [1, 2],
      [null],
      [[]],
      ['Workers-1'],
      [{Id: 5, Name: 'x'}],
      [workers[0], workers[1], {Name: 'no id'}, {Id: 'also bad'}],
    ]
    for (const shape of [workerList, poolList, namedList()]) {
      for (const body of bodies) {
        const text = JSON.stringify(body)
        const whole = shapeProblem(shape, body)
        expect(whole).toBeDefined()
        for (const size of [1, 5, text.length]) expect(read(shape, text, size)).toEqual({kind: 'problem', problem: whole, bytes: text.length})
      }
    }
  })

  it('a malformed body is malformed, even when an item before the break did not fit', () => {
    for (const text of ['[{"Id":"a","Name":"b"}, ', '[{"Name":"no id"}, {', '[1,]', '[{"Id":"a","Name":"b"}}']) {
      expect(read(workerList, text, 2).kind).toBe('malformed')
    }
  })

  it('a body that is not an array is handed back whole, to be described as any body is', () => {
    for (const text of ['{"Items":[]}', '<html></html>', '']) {
      const got = read(workerList, text, 4)
      expect(got.kind).toBe('whole')
      expect(got.kind === 'whole' && got.body.toString()).toBe(text)
    }
  })

  it('a list no larger than the split size is handed back whole, to be parsed at once; a larger one is split', () => {
    const body = JSON.stringify(workers)
    const reader = (splitAbove: number) => {
      const r = new ListReader(ListReader.itemSchemaOf(workerList)!, (w) => w, splitAbove)
      for (let at = 0; at < body.length; at += 10) r.write(Buffer.from(body.slice(at, at + 10)))
      return r.end()
    }
    const small = reader(body.length)
    expect(small.kind === 'whole' && small.body.toString()).toBe(body)
    expect(reader(body.length - 1)).toEqual({kind: 'items', items: workers, bytes: body.length})
  })

  it('only a list shape has items to read one by one', () => {
    expect(ListReader.itemSchemaOf(workerList)).toBeDefined()
    expect(ListReader.itemSchemaOf(resource())).toBeUndefined()
  })
})
