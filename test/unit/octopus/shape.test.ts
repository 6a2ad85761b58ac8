import {describe, expect, it} from 'vitest'
import {arrayOf, collectionOf, describeJson, formatBytes, inferShape, jsonObject, namedResource, resource, rootDocument, textBody} from '../../../src/lib/octopus/shape.js'
import {holdsSent} from '../../../src/lib/octopus/client.js'

describe('shapes', () => {
  it('describe what came back in words', () => {
    expect([null, [], [1], 'x', 1, true, {}].map(describeJson)).toEqual(['JSON null', 'a JSON array of 0 items', 'a JSON array of 1 item', 'a JSON string', 'a JSON number', 'a JSON boolean', 'a JSON object'])
  })

  it('an array of named resources needs every item to have string Id and Name', () => {
    const pools = arrayOf(namedResource)
    expect(pools.problem([{Id: 'WorkerPools-1', Name: 'Default'}])).toBeUndefined()
    expect(pools.problem([])).toBeUndefined()
    expect(pools.problem({})).toBe('a JSON object')
    expect(pools.problem([{Id: 'WorkerPools-1', Name: 'a'}, 'b'])).toBe('a JSON array whose item 2 is a JSON string')
    expect(pools.problem([{Id: 1, Name: 'a'}])).toBe('a JSON array whose item 1 is a JSON object without a string Id')
    expect(pools.problem([{Id: 'x'}])).toBe('a JSON array whose item 1 is a JSON object without a string Name')
  })

  it('a collection needs an Items array of resources, a numeric TotalResults and object Links', () => {
    const c = collectionOf()
    expect(c.problem({Items: [{Id: 'Workers-1'}], TotalResults: 1, Links: {}})).toBeUndefined()
    expect(c.problem([])).toBe('a JSON array of 0 items')
    expect(c.problem({})).toBe('a JSON object without Items')
    expect(c.problem({Items: 'none'})).toBe('a JSON object whose Items is a JSON string')
    expect(c.problem({Items: [], TotalResults: '3'})).toBe('a collection whose TotalResults is not a number')
    expect(c.problem({Items: [], Links: 'x'})).toBe('a collection whose Links is not an object')
    expect(c.problem({Items: [{}]})).toBe('a collection whose item 1 is a JSON object without a string Id')
  })

  it('a root document needs a Version string and string link templates', () => {
    expect(rootDocument.problem({Version: '2026.1', Links: {Self: '/api'}})).toBeUndefined()
    expect(rootDocument.problem({Links: {}})).toBe('a JSON object without a string Version')
    expect(rootDocument.problem({Version: '1', Links: 'x'})).toBe('a JSON object without a Links object')
    expect(rootDocument.problem({Version: '1', Links: {Spaces: 3}})).toBe("a root document whose link 'Spaces' is not a string")
  })

  it.each([
    ['GET', '/api/Spaces-1/workerpools/all', 'a JSON array of named resources'],
    ['GET', 'http://h/octopus/api/spaces/all?x=1', 'a JSON array of named resources'],
    ['GET', '/api/Spaces-1/workers/Workers-12', resource.what],
    ['GET', '/api/workerpools/WorkerPools-3', resource.what],
    ['GET', '/api/Spaces-1', jsonObject.what],
    ['GET', '/api/tasks/ServerTasks-9/raw', textBody.what],
    ['GET', '/api/Spaces-1/workertaskleases?skip=0&take=1000', jsonObject.what],
    ['PUT', '/api/Spaces-1/workerpools/WorkerPools-3', 'JSON'],
    ['DELETE', '/api/Spaces-1/workers/Workers-3', 'JSON'],
  ])('%s %s needs %s', (method, url, what) => {
    expect(inferShape(method, url).what).toBe(what)
  })

  it('formats sizes for messages', () => {
    expect([0, 999, 1234, 2_000_000, 300_000_000_000].map(formatBytes)).toEqual(['0 B', '999 B', '1.2 kB', '2.0 MB', '300.0 GB'])
  })
})

describe('holdsSent (PUT read-back)', () => {
  const sent = {Id: 'WorkerPools-2', Name: 'Build', Description: 'new', WorkerPoolIds: ['a', 'b'], Links: {Self: '/x'}}
  it('is true when the read-back has every field sent (the server may add fields and change Links)', () => {
    expect(holdsSent(sent, {...sent, Links: {Self: '/y'}, SortOrder: 3, LastModifiedOn: 'now'})).toBe(true)
  })
  it('is false when any sent field differs or is missing', () => {
    expect(holdsSent(sent, {...sent, Description: 'old'})).toBe(false)
    expect(holdsSent(sent, {...sent, WorkerPoolIds: ['a']})).toBe(false)
    const {Name: _name, ...withoutName} = sent
    expect(holdsSent(sent, withoutName)).toBe(false)
    expect(holdsSent(['WorkerPools-1', 'WorkerPools-2'], ['WorkerPools-2', 'WorkerPools-1'])).toBe(false)
    expect(holdsSent(sent, [sent])).toBe(false)
  })
})
