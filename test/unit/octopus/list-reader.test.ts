import {describe, expect, it} from 'vitest'
import {ListReader} from '../../../src/octopus/list-reader.js'
import {collectionOf, namedList, poolList, resource, shapeProblem, workerList, type ResponseShape} from '../../../src/octopus/response-shapes.js'

/** Reads `body` through a ListReader in chunks of `size` bytes. */
function read(shape: ResponseShape, body: string, size: number, keep: (item: never) => unknown = (item) => item) {
  // Split from the first byte (a list this small is otherwise read whole).
  const reader = new ListReader(shape, keep, 0)
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
      const r = new ListReader(workerList, (w) => w, splitAbove)
      for (let at = 0; at < body.length; at += 10) r.write(Buffer.from(body.slice(at, at + 10)))
      return r.end()
    }
    const small = reader(body.length)
    expect(small.kind === 'whole' && small.body.toString()).toBe(body)
    expect(reader(body.length - 1)).toEqual({kind: 'items', items: workers, bytes: body.length})
  })

  it('only a list or a collection shape has items to read one by one', () => {
    expect(ListReader.splits(workerList)).toBe(true)
    expect(ListReader.splits(collectionOf(resource()))).toBe(true)
    expect(ListReader.splits(resource())).toBe(false)
  })

})

describe('a collection read item by item', () => {
  const processes = collectionOf(resource())
  const steps = [{Id: 'deploymentprocess-Projects-1', Steps: [{Name: 'a "quoted" ] step', Actions: [{Properties: {'Octopus.Action.Script': 'echo "}]," \\ done'}}]}]}, {Id: 'deploymentprocess-Projects-2', Steps: []}]
  const everySize = (text: string) => [1, 2, 3, 7, 16, 64, text.length]

  it('hands back the document with what was kept of each item, as the whole read would', () => {
    const doc = {ItemType: 'DeploymentProcess', TotalResults: 2, Meta: {Items: [9], Note: 'Items'}, Items: steps, Links: {'Page.Next': '/api/x?skip=2'}}
    for (const text of [JSON.stringify(doc), JSON.stringify(doc, null, 2), JSON.stringify(doc).replace('"Items":[{', '"It\\u0065ms" : [{')]) {
      for (const size of everySize(text)) {
        expect(read(processes, text, size), text).toEqual({kind: 'collection', document: {...doc, Items: steps}, bytes: Buffer.byteLength(text)})
        expect(read(processes, text, size, ((p: {Id: string}) => p.Id) as (item: never) => unknown)).toMatchObject({document: {Items: steps.map((p) => p.Id)}})
      }
    }
  })

  it('reports a problem in the words the whole collection is reported in: its items first, then its other fields', () => {
    const docs: unknown[] = [
      {TotalResults: 2, Items: [steps[0], {Name: 'no id'}]},
      {TotalResults: '2', Items: [steps[0], {Name: 'no id'}]},
      {TotalResults: '2', Items: steps},
      {Items: steps, Links: 'none'},
      {Items: [1]},
    ]
    for (const doc of docs) {
      const text = JSON.stringify(doc)
      const whole = shapeProblem(processes, doc)
      expect(whole).toBeDefined()
      for (const size of everySize(text)) expect(read(processes, text, size)).toEqual({kind: 'problem', problem: whole, bytes: text.length})
    }
  })

  it('a later Items key overrides the split one, as JSON.parse reads duplicate keys', () => {
    const text = `{"Items":${JSON.stringify(steps)},"TotalResults":1,"Items":[{"Id":"the-last"}]}`
    expect(read(processes, text, 5)).toEqual({kind: 'collection', document: JSON.parse(text), bytes: text.length})
    const bad = `{"Items":${JSON.stringify(steps)},"Items":[{"Name":"no id"}]}`
    expect(read(processes, bad, 5)).toEqual({kind: 'problem', problem: shapeProblem(processes, JSON.parse(bad)), bytes: bad.length})
  })

  it('a body that is no collection, or whose Items is no array, is handed back whole; a broken one is malformed', () => {
    for (const text of ['[{"Id":"a"}]', '{"Items":null,"TotalResults":0}', '{"TotalResults":0}', '"Items"', '{"Meta":{"Items":[1]}}']) {
      for (const size of everySize(text)) {
        const got = read(processes, text, size)
        expect(got.kind === 'whole' && got.body.toString(), text).toBe(text)
      }
    }
    for (const text of ['{"Items":[{"Id":"a"}', '{"Items":[{"Id":"a"}],', '{"Items":[{"Id":"a"}]]', '{"Items":[{"Id":"a"},]}', '{"Items":[{"Id":"a"}] "x":1}']) {
      expect(() => JSON.parse(text)).toThrow()
      for (const size of everySize(text)) expect(read(processes, text, size).kind, text).toBe('malformed')
    }
  })
})
