import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {Sandbox} from '../../src/sandbox/index.js'
import {api, startTestSandbox} from '../helpers/sandbox.js'

/**
 * POST /tasks bodies: every 400 names what is wrong, in rounds (the document, then its Arguments,
 * then what they refer to), and a refused body creates no task.
 */
describe('POST /tasks validation', () => {
  let sb: Sandbox
  beforeAll(async () => {
    sb = await startTestSandbox({seed: 'demo'})
  })
  afterAll(async () => sb.close())

  const taskCount = () => sb.store.prepare('SELECT COUNT(*) FROM tasks').pluck().get() as number

  const cases: Array<[string, unknown, string[]]> = [
    ['a body that is not an object', [1], ['The request body must be a JSON object.']],
    ['no Name', {}, ['Please specify the task Name (Health, Upgrade or UpdateCalamari).']],
    ['a Name that is not a string', {Name: 5}, ['Please specify the task Name (Health, Upgrade or UpdateCalamari).']],
    ['a task the sandbox cannot start', {Name: 'Deploy'}, ["The sandbox can start Health, Upgrade and UpdateCalamari tasks only, not 'Deploy'. Synthetic deployments come from POST /api/sandbox/simulations."]],
    ['everything wrong with the document at once', {Name: '', SpaceId: 'Spaces-2', Description: 3, Arguments: 'all'}, [
      'Please specify the task Name (Health, Upgrade or UpdateCalamari).',
      "SpaceId 'Spaces-2' does not match the space of this route (Spaces-1).",
      'Description must be a string.',
      'Arguments must be an object.',
    ]],
    ['the document first, its Arguments after', {Name: 'Nope', Arguments: {MachineIds: 'Workers-1'}}, ["The sandbox can start Health, Upgrade and UpdateCalamari tasks only, not 'Nope'. Synthetic deployments come from POST /api/sandbox/simulations."]],
    ['everything wrong with the Arguments at once', {Name: 'Health', Arguments: {WorkerpoolId: 7, MachineIds: [1], RestrictedTo: 'Everything'}}, [
      'Arguments.WorkerpoolId must be a string.',
      'Arguments.MachineIds must be an array of strings.',
      'Arguments.RestrictedTo must be DeploymentTargets, Workers, Policies or Unlimited.',
    ]],
    ['the WorkerPoolId spelling, named as Octopus spells it', {Name: 'Health', Arguments: {WorkerPoolId: true}}, ['Arguments.WorkerpoolId must be a string.']],
    ['a pool for UpdateCalamari', {Name: 'UpdateCalamari', Arguments: {WorkerpoolId: 'WorkerPools-1'}}, ['UpdateCalamari takes Arguments.MachineIds only, not a WorkerpoolId.']],
    ['machines and pools that are not in the space', {Name: 'Health', Arguments: {MachineIds: ['Workers-13', 'Workers-999'], WorkerpoolId: 'WorkerPools-8'}}, [
      "Machine 'Workers-13' does not exist in Spaces-1.",
      "Machine 'Workers-999' does not exist in Spaces-1.",
      "Worker pool 'WorkerPools-8' does not exist in Spaces-1.",
    ]],
  ]

  it.each(cases)('%s is a 400 listing each problem', async (_what, body, errors) => {
    const before = taskCount()
    const r = await api(sb, 'POST', '/api/Spaces-1/tasks', body)
    expect(r.status).toBe(400)
    expect(r.body.Errors).toEqual(errors)
    expect(taskCount()).toBe(before)
  })

  it('a good body stores the Arguments with MachineIds always present, and the default description', async () => {
    const r = await api(sb, 'POST', '/api/Spaces-1/tasks', {Name: 'Health', Arguments: {WorkerPoolId: 'WorkerPools-2', Extra: 1}})
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({Name: 'Health', Description: 'Check health of worker pool WorkerPools-2', Arguments: {WorkerPoolId: 'WorkerPools-2', Extra: 1, MachineIds: []}})
    await api(sb, 'POST', `/api/tasks/${r.body.Id}/cancel`)
  })
})
