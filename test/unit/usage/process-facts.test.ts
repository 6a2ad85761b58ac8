import {describe, expect, it} from 'vitest'
import {processFacts} from '../../../src/domain/usage/process-facts.js'
import {computeUsage} from '../../../src/domain/usage/resolve.js'
import type {ActionFacts, ProcessFacts} from '../../../src/octopus/usage-types.js'
import type {UsageEstate} from '../../../src/domain/usage/types.js'

const POOLS = [
  {Id: 'WorkerPools-1', Name: 'Default Worker Pool', IsDefault: true, WorkerPoolType: 'StaticWorkerPool'},
  {Id: 'WorkerPools-2', Name: 'Linux', IsDefault: false, WorkerPoolType: 'StaticWorkerPool'},
]

/** Actions as servers send them, with what usage does not read around what it does. */
const noise = {Slug: 'x', Notes: 'a note', Packages: [{Name: 'pkg'}], TenantTags: [], Condition: 'Success', Links: {Self: '/x'}, CanBeUsedForProjectVersioning: false}
const action = (id: string, extra: Partial<ActionFacts> & Record<string, unknown>): ActionFacts => ({
  Id: id, Name: `Action ${id}`, ActionType: 'Octopus.Script', ...noise, Properties: {'Octopus.Action.Script.ScriptBody': 'echo "a long script"', ...(extra.Properties ?? {})}, ...extra,
} as ActionFacts)

const ACTIONS: ActionFacts[] = [
  action('on-server', {Properties: {'Octopus.Action.RunOnServer': 'true'}, WorkerPoolId: 'WorkerPools-2'}),
  action('on-targets', {Properties: {'Octopus.Action.RunOnServer': 'false'}}),
  action('roles-mixed-case', {Properties: {'octopus.action.targetroles': 'web', 'Octopus.Action.TargetRoles': 'ignored: second spelling'}, WorkerPoolVariable: 'Pool'}),
  action('container', {Properties: {'Octopus.Action.RunOnServer': 'True'}, Container: {Image: 'ubuntu', FeedId: 'Feeds-1'}, Environments: ['Environments-1'], ExcludedEnvironments: ['Environments-2'], Channels: ['Channels-1']}),
  action('disabled', {IsDisabled: true, Properties: {'Octopus.Action.RunOnServer': {HasValue: true, NewValue: null}}}),
  action('cloud', {ActionType: 'Octopus.AzurePowerShell', Properties: null as never}),
  action('manual', {ActionType: 'Octopus.Manual'}),
]

function estate(processes: ProcessFacts[]): UsageEstate {
  return {
    space: {Id: 'Spaces-1', Name: 'Default'},
    pools: POOLS,
    poolWorkers: new Map([['WorkerPools-1', {Total: 2, Usable: 2}], ['WorkerPools-2', {Total: 1, Usable: 1}]]),
    projects: [{Id: 'Projects-1', Name: 'Web', DeploymentProcessId: 'deploymentprocess-Projects-1', VariableSetId: 'variableset-Projects-1', IncludedLibraryVariableSetIds: []}],
    deploymentProcesses: processes,
    runbooks: [],
    runbookProcesses: [],
    environments: [{Id: 'Environments-1', Name: 'Development'}, {Id: 'Environments-2', Name: 'Production'}],
    channels: [{Id: 'Channels-1', Name: 'Default', ProjectId: 'Projects-1'}],
    libraryVariableSets: [],
    variableSets: [{Id: 'variableset-Projects-1', OwnerId: 'Projects-1', Variables: [{Name: 'Pool', Type: 'WorkerPool', Value: 'WorkerPools-2', Scope: {}}]}],
    feeds: [{Id: 'Feeds-1', Name: 'Docker Hub'}],
  }
}

describe('a process reduced to what the usage reads', () => {
  const process = {
    Id: 'deploymentprocess-Projects-1', ProjectId: 'Projects-1', SpaceId: 'Spaces-1', Version: 3, Links: {Self: '/x'},
    Steps: [
      ...ACTIONS.map((a) => ({Id: `s-${a.Id}`, Name: `Step ${a.Id}`, Slug: 's', Condition: 'Success', Properties: {}, Actions: [a]})),
      {Id: 's-roles', Name: 'Roles on the step', Properties: {'Octopus.Action.TargetRoles': 'db', Other: 'x'}, Actions: [action('step-roles', {})]},
    ],
  } as unknown as ProcessFacts

  it('gives the same usage as the whole process: pools, verdicts, containers, scoping', () => {
    const whole = computeUsage(estate([process]))
    expect(whole.rows.length).toBeGreaterThanOrEqual(5)
    expect(computeUsage(estate([processFacts(process)]))).toEqual(whole)
  })

  it('leaves scripts, packages, notes and links behind, and keeps every spelling of the properties it reads, in order', () => {
    const reduced = processFacts(process)
    const text = JSON.stringify(reduced)
    for (const gone of ['ScriptBody', 'Packages', 'Notes', 'Links', 'Slug', 'Version']) expect(text).not.toContain(gone)
    const roles = reduced.Steps!.find((s) => s.Id === 's-roles-mixed-case')!.Actions![0].Properties
    expect(Object.keys(roles!)).toEqual(['octopus.action.targetroles', 'Octopus.Action.TargetRoles'])
  })

  it('what a hand-made document holds in place of steps, actions or properties is passed on as it came', () => {
    const odd = {Id: 'p', Steps: [null, {Id: 's', Name: 's', Properties: 'text', Actions: [null, 'x']}]} as unknown as ProcessFacts
    expect(processFacts(odd)).toEqual({Id: 'p', ProjectId: undefined, RunbookId: undefined, Steps: [null, {Id: 's', Name: 's', Properties: 'text', Actions: [null, 'x']}]})
    expect(processFacts({Id: 'p', Steps: null}).Steps).toBeNull()
  })
})
