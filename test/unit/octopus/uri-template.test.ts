import {describe, expect, it} from 'vitest'
import {expandTemplate, templateVariables} from '../../../src/lib/octopus/uri-template.js'

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
