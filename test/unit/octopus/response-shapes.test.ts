import {describe, expect, it} from 'vitest'
import {anyJson, collectionOf, describeJson, formatBytes, jsonObject, namedList, resource, rootDocument, shapeProblem, workerDocument} from '../../../src/octopus/response-shapes.js'
import {holdsSent} from '../../../src/octopus/request.js'

describe('response shapes', () => {
  it('describe what came back in words', () => {
    expect([null, [], [1], 'x', 1, true, {}].map(describeJson)).toEqual(['JSON null', 'a JSON array of 0 items', 'a JSON array of 1 item', 'a JSON string', 'a JSON number', 'a JSON boolean', 'a JSON object'])
  })

  it('a list of named resources needs every item to have string Id and Name', () => {
    const pools = namedList()
    expect(shapeProblem(pools, [{Id: 'WorkerPools-1', Name: 'Default', Extra: {any: 'thing'}}])).toBeUndefined()
    expect(shapeProblem(pools, [])).toBeUndefined()
    expect(shapeProblem(pools, {})).toBe('a JSON object')
    expect(shapeProblem(pools, [{Id: 'WorkerPools-1', Name: 'a'}, 'b'])).toBe('a JSON array whose item 2 is a JSON string')
    expect(shapeProblem(pools, [[]])).toBe('a JSON array whose item 1 is a JSON array of 0 items')
    expect(shapeProblem(pools, [{Id: 1, Name: 'a'}])).toBe('a JSON array whose item 1 is a JSON object without a string Id')
    expect(shapeProblem(pools, [{Id: 'x'}])).toBe('a JSON array whose item 1 is a JSON object without a string Name')
  })

  it('a single resource is an object with a string Id, never an array', () => {
    expect(shapeProblem(resource(), {Id: 'WorkerPools-2'})).toBeUndefined()
    expect(shapeProblem(resource(), [{Id: 'WorkerPools-2'}])).toBe('a JSON array of 1 item')
    expect(shapeProblem(resource(), {Id: null})).toBe('a JSON object without a string Id')
  })

  it('a collection needs an Items array of fitting items, a numeric TotalResults and object Links', () => {
    const c = collectionOf(resource())
    expect(shapeProblem(c, {Items: [{Id: 'Workers-1'}], TotalResults: 1, Links: {'Page.Next': '/x'}})).toBeUndefined()
    expect(shapeProblem(c, [])).toBe('a JSON array of 0 items')
    expect(shapeProblem(c, {})).toBe('a JSON object without Items')
    expect(shapeProblem(c, {Items: 'none'})).toBe('a JSON object whose Items is a JSON string')
    expect(shapeProblem(c, {Items: [], TotalResults: '3'})).toBe('a JSON object whose TotalResults is a JSON string')
    expect(shapeProblem(c, {Items: [], Links: 'x'})).toBe('a JSON object whose Links is a JSON string')
    expect(shapeProblem(c, {Items: [{}]})).toBe('a JSON object whose Items is a JSON array whose item 1 is a JSON object without a string Id')
  })

  it('a root document needs a Version string and string link templates', () => {
    expect(shapeProblem(rootDocument, {Version: '2026.1', Links: {Self: '/api'}, Application: 'Octopus Deploy'})).toBeUndefined()
    expect(shapeProblem(rootDocument, {Links: {}})).toBe('a JSON object without a string Version')
    expect(shapeProblem(rootDocument, {Version: '1', Links: 'x'})).toBe('a JSON object whose Links is a JSON string')
    expect(shapeProblem(rootDocument, {Version: '1', Links: []})).toBe('a JSON object whose Links is a JSON array of 0 items')
    expect(shapeProblem(rootDocument, {Version: '1', Links: {Spaces: 3}})).toBe('a JSON object whose Links is a JSON object whose Spaces is a JSON number')
  })

  it('a worker read for a change has its fields of the right type where present', () => {
    const worker = {Id: 'Workers-1', Name: 'w', WorkerPoolIds: ['WorkerPools-1'], IsDisabled: false, HealthStatus: 'Healthy', Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: 'https://w:10933/'}}
    expect(shapeProblem(workerDocument, worker)).toBeUndefined()
    expect(shapeProblem(workerDocument, {Id: 'Workers-1', Name: 'w', Endpoint: null})).toBeUndefined()
    expect(shapeProblem(workerDocument, {...worker, WorkerPoolIds: 'WorkerPools-1'})).toBe('a JSON object whose WorkerPoolIds is a JSON string')
    expect(shapeProblem(workerDocument, {...worker, WorkerPoolIds: [7]})).toBe('a JSON object whose WorkerPoolIds is a JSON array whose item 1 is a JSON number')
    expect(shapeProblem(workerDocument, {...worker, IsDisabled: 'no'})).toBe('a JSON object whose IsDisabled is a JSON string')
    expect(shapeProblem(workerDocument, {...worker, Endpoint: []})).toBe('a JSON object whose Endpoint is a JSON array of 0 items')
  })

  it('a document whose fields are read with care need only be an object; PUT answers may be anything', () => {
    expect(shapeProblem(jsonObject, {})).toBeUndefined()
    expect(shapeProblem(jsonObject, ['x'])).toBe('a JSON array of 1 item')
    expect(shapeProblem(anyJson, 'x')).toBeUndefined()
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
