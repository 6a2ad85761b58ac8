import {describe, expect, it} from 'vitest'
import {expandTemplate, templateVariables} from '../../../src/octopus/uri-template.js'

describe('expandTemplate (RFC 6570, as Octopus links use it)', () => {
  const workers = '/api/Spaces-1/workers{/id}{?skip,take,name,ids,partialName,isDisabled,healthStatuses,commStyles,workerPoolIds,thumbprint,shellNames}'

  it.each([
    [{}, '/api/Spaces-1/workers'],
    [{id: 'all'}, '/api/Spaces-1/workers/all'],
    [{id: 'Workers-12'}, '/api/Spaces-1/workers/Workers-12'],
    [{skip: 0, take: 100}, '/api/Spaces-1/workers?skip=0&take=100'],
    [{healthStatuses: ['Healthy', 'Unhealthy']}, '/api/Spaces-1/workers?healthStatuses=Healthy,Unhealthy'],
    [{isDisabled: false}, '/api/Spaces-1/workers?isDisabled=false'],
    [{partialName: 'db worker'}, '/api/Spaces-1/workers?partialName=db%20worker'],
    [{healthStatuses: [], name: undefined, thumbprint: null}, '/api/Spaces-1/workers'],
  ])('expands %j', (params, expected) => {
    expect(expandTemplate(workers, params as never)).toBe(expected)
  })

  it('expands a path variable and sends a parameter the template lacks as a plain query parameter', () => {
    expect(expandTemplate('/api/{spaceId}', {spaceId: 'Spaces-2', other: 'x'})).toBe('/api/Spaces-2?other=x')
  })

  it('encodes reserved characters in path segments', () => {
    expect(expandTemplate('/api/spaces{/id}', {id: 'a/b'})).toBe('/api/spaces/a%2Fb')
  })

  it('lists template variables', () => {
    expect(templateVariables('/api/x{/id}{?skip,take}')).toEqual(['id', 'skip', 'take'])
  })
})

describe('expandTemplate with parameters a version spells differently or lacks', () => {
  const workers2019 = '/api/Spaces-1/workers{/id}{?skip,take,name,ids,partialName,isDisabled,healthStatuses,commStyles,workerpoolIds,thumbprint}'
  it('uses the template\'s spelling of a name matched case-insensitively', () => {
    expect(expandTemplate(workers2019, {workerPoolIds: ['WorkerPools-2']})).toBe('/api/Spaces-1/workers?workerpoolIds=WorkerPools-2')
  })
  it('appends unknown names after the expansion, with ? or &', () => {
    expect(expandTemplate(workers2019, {shellNames: ['Bash', 'Power Shell']})).toBe('/api/Spaces-1/workers?shellNames=Bash,Power%20Shell')
    expect(expandTemplate(workers2019, {skip: 0, shellNames: 'a,b'})).toBe('/api/Spaces-1/workers?skip=0&shellNames=a%2Cb')
  })
  it('puts an id the template has no variable for into the path, before any query', () => {
    expect(expandTemplate('/api/Spaces-1/workers', {id: 'all'})).toBe('/api/Spaces-1/workers/all')
    expect(expandTemplate('/api/Spaces-1/workers/{?skip}', {id: 'Workers 1', skip: 1})).toBe('/api/Spaces-1/workers/Workers%201?skip=1')
  })
})
