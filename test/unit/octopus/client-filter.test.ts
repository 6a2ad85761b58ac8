import {describe, expect, it} from 'vitest'
import {completedAt, inSpace, isSelective, taskPredicate, workerPredicate} from '../../../src/octopus/client-filter.js'
import {planTemplate} from '../../../src/octopus/uri-template.js'
import type {TaskResource, WorkerResource} from '../../../src/octopus/types.js'

const w = (fields: Record<string, unknown>) => ({Id: 'Workers-1', Name: 'build-01', WorkerPoolIds: ['WorkerPools-1'], IsDisabled: false, HealthStatus: 'Healthy', Endpoint: {CommunicationStyle: 'TentaclePassive', Thumbprint: 'AB12'}, ...fields}) as unknown as WorkerResource
const keeps = (selection: Parameters<typeof workerPredicate>[0], worker: WorkerResource) => workerPredicate(selection)(worker)

describe('workerPredicate: the server\'s filter semantics, on the client', () => {
  it.each([
    [{name: 'BUILD-01'}, true], [{name: 'build-0'}, false],
    [{partialName: 'ILD'}, true], [{partialName: 'xyz'}, false],
    [{ids: ['workers-1']}, true], [{ids: ['Workers-2']}, false],
    [{isDisabled: false}, true], [{isDisabled: true}, false],
    [{healthStatuses: ['unhealthy', 'healthy']}, true], [{healthStatuses: ['Unhealthy']}, false],
    [{commStyles: ['tentaclepassive']}, true], [{commStyles: ['KubernetesTentacle']}, false],
    [{workerPoolIds: ['WorkerPools-9', 'workerpools-1']}, true], [{workerPoolIds: ['WorkerPools-9']}, false],
    [{thumbprint: 'ab12'}, true], [{thumbprint: 'CD34'}, false],
    [{healthStatuses: [], workerPoolIds: []}, true],
  ])('%j -> %s', (selection, expected) => {
    expect(keeps(selection, w({}))).toBe(expected)
  })

  it('reads a Kubernetes agent\'s thumbprint one level down, and a missing endpoint as style None', () => {
    const agent = w({Endpoint: {CommunicationStyle: 'KubernetesTentacle', TentacleEndpointConfiguration: {Thumbprint: 'EF56'}}})
    expect(keeps({thumbprint: 'ef56'}, agent)).toBe(true)
    expect(keeps({commStyles: ['None']}, w({Endpoint: null}))).toBe(true)
    expect(keeps({commStyles: ['TentaclePassive']}, w({Endpoint: null}))).toBe(false)
  })

  it('a worker with no HealthStatus or IsDisabled reads as Unknown and enabled', () => {
    expect(keeps({healthStatuses: ['Unknown'], isDisabled: false}, w({HealthStatus: undefined, IsDisabled: undefined}))).toBe(true)
  })

  it('isSelective: only non-empty values select', () => {
    expect(isSelective({})).toBe(false)
    expect(isSelective({name: undefined, healthStatuses: []})).toBe(false)
    expect(isSelective({isDisabled: false})).toBe(true)
  })

  it('inSpace keeps items of the space or with no SpaceId', () => {
    expect(inSpace([{SpaceId: 'Spaces-1'}, {SpaceId: 'spaces-1'}, {SpaceId: 'Spaces-2'}, {}], 'Spaces-1')).toHaveLength(3)
  })
})

describe('taskPredicate', () => {
  const t = (fields: Record<string, unknown>) => ({Id: 'ServerTasks-1', Name: 'Health', State: 'Success', SpaceId: 'Spaces-1', CompletedTime: '2026-01-02T00:00:00.000Z', ...fields}) as unknown as TaskResource
  it('states, names (list or comma text), ids, spaces and an inclusive completion window', () => {
    expect(taskPredicate({states: ['success'], name: 'Deploy,Health', ids: ['servertasks-1'], spaces: 'Spaces-1'})(t({}))).toBe(true)
    expect(taskPredicate({name: ['Deploy']})(t({}))).toBe(false)
    expect(taskPredicate({spaces: ['Spaces-2']})(t({}))).toBe(false)
    expect(taskPredicate({fromCompletedDate: '2026-01-02T00:00:00.000Z', toCompletedDate: '2026-01-02T00:00:00.000Z'})(t({}))).toBe(true)
    expect(taskPredicate({fromCompletedDate: '2026-01-03T00:00:00.000Z'})(t({}))).toBe(false)
    expect(taskPredicate({fromCompletedDate: '2026-01-01T00:00:00.000Z'})(t({CompletedTime: null, Completed: null}))).toBe(false)
  })
  it('takes the ISO CompletedTime over the display text real servers put in Completed', () => {
    expect(completedAt({CompletedTime: '2017-03-20T21:00:00.000Z', Completed: 'Monday, March 20, 2017 9:00 PM'} as never)).toBe(Date.parse('2017-03-20T21:00:00.000Z'))
    expect(completedAt({CompletedTime: null, Completed: '2017-03-20T21:00:00.000Z'} as never)).toBe(Date.parse('2017-03-20T21:00:00.000Z'))
    expect(completedAt({CompletedTime: null, Completed: 'Monday, March 20, 2017 9:00 PM'} as never)).toBeNaN()
  })
})

describe('planTemplate', () => {
  it('splits parameters into the template\'s own spelling, plain extras and a path id the template lacks', () => {
    expect(planTemplate('/api/Spaces-1/workers{?skip,workerpoolIds}', {WorkerPoolIds: ['a', 'b'], skip: 0, shellNames: ['Bash'], empty: []})).toEqual({
      expanded: {workerpoolIds: ['a', 'b'], skip: '0'},
      appended: {shellNames: ['Bash']},
    })
    expect(planTemplate('/api/Spaces-1/workers', {id: 'all'})).toEqual({expanded: {}, appended: {}, pathId: 'all'})
  })
})
