import {describe, expect, it} from 'vitest'
import {NAMED_STEPS_LIMIT, poolsInUse, refusePoolsInUse} from '../../../src/app/usage/guard.js'
import {computeUsage} from '../../../src/domain/usage/resolve.js'
import {projectsOnPools, summarizePool, usageLine} from '../../../src/domain/usage/summary.js'
import type {ActionFacts} from '../../../src/octopus/usage-types.js'
import type {UsageEstate} from '../../../src/domain/usage/types.js'

const POOLS = [
  {Id: 'WorkerPools-1', Name: 'Default Worker Pool', IsDefault: true},
  {Id: 'WorkerPools-2', Name: 'Old Pool', IsDefault: false},
]

function estate(actions: ActionFacts[]): UsageEstate {
  return {
    space: {Id: 'Spaces-1', Name: 'Default'}, pools: POOLS,
    projects: [{Id: 'Projects-1', Name: 'Web', DeploymentProcessId: 'dp', VariableSetId: 'vs'}],
    deploymentProcesses: [{Id: 'dp', Steps: actions.map((a) => ({Id: a.Id, Name: a.Name, Actions: [a]}))}],
    runbooks: [], runbookProcesses: [], environments: [{Id: 'Environments-1', Name: 'Production'}], channels: [], libraryVariableSets: [],
    variableSets: [{Id: 'vs', Variables: [{Name: 'Pool', Type: 'WorkerPool', Value: 'WorkerPools-2'}]}],
  }
}

const script = (n: number, extra: Partial<ActionFacts>): ActionFacts => ({Id: `a${n}`, Name: `Step ${n}`, ActionType: 'Octopus.Script', Properties: {'Octopus.Action.RunOnServer': 'true'}, ...extra})

describe('pool delete refusal', () => {
  it('names up to the limit of steps, then the count; direct and variable uses count, default ones do not', () => {
    const actions = [
      ...Array.from({length: NAMED_STEPS_LIMIT + 2}, (_, i) => script(i, {WorkerPoolId: 'WorkerPools-2'})),
      script(90, {WorkerPoolVariable: 'Pool', IsDisabled: true}),
      script(91, {}),
    ]
    const usage = computeUsage(estate(actions))
    const inUse = poolsInUse(usage, POOLS)
    expect(inUse.map((p) => [p.pool.Name, p.rows.length])).toEqual([['Old Pool', NAMED_STEPS_LIMIT + 3]])
    let error: any
    try {
      refusePoolsInUse(inUse, 'octoworkers', 'Default')
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({exitCode: 5, code: 'pool-in-use'})
    expect(error.message).toBe(`${NAMED_STEPS_LIMIT + 3} step actions use 'Old Pool': 'Step 0' (Web, deployment, direct), 'Step 1' (Web, deployment, direct), 'Step 2' (Web, deployment, direct), 'Step 3' (Web, deployment, direct), 'Step 4' (Web, deployment, direct) and 3 more. Deleting it would make those steps fail; nothing was deleted.`)
    expect(error.hint).toBe("See every use with `octoworkers pool usage 'Old Pool' --space Default`; move those steps to another pool first, or pass --force to delete anyway.")
    expect(error.details.pools[0]).toMatchObject({Id: 'WorkerPools-2', Actions: 8})
    expect(error.details.pools[0].Steps).toHaveLength(NAMED_STEPS_LIMIT)
  })

  it('a disabled step through a variable is named as such; nothing in use means no refusal', () => {
    const usage = computeUsage(estate([script(1, {WorkerPoolVariable: 'Pool', IsDisabled: true})]))
    expect(() => refusePoolsInUse(poolsInUse(usage, [POOLS[1]]), 'octoworkers', 'Default')).toThrow("'Step 1' (Web, deployment, via Pool, disabled)")
    expect(() => refusePoolsInUse(poolsInUse(computeUsage(estate([script(1, {})])), [POOLS[1]]), 'octoworkers', 'Default')).not.toThrow()
  })

  it('the pool view line sums the ways a pool is reached', () => {
    const usage = computeUsage(estate([script(1, {WorkerPoolId: 'WorkerPools-2', Container: {Image: 'x', FeedId: 'Feeds-1'}}), script(2, {WorkerPoolVariable: 'Pool'})]))
    expect(usageLine(summarizePool(usage, POOLS[1]))).toBe('2 actions (1 direct, 1 via variable) in 1 project; 1 in a container.')
    expect(usageLine(summarizePool(computeUsage(estate([])), POOLS[1]))).toBe('No deployment or runbook step uses this pool.')
  })

  it('projectsOnPools names the projects whose enabled steps run on the pools, any way', () => {
    const usage = computeUsage(estate([script(1, {WorkerPoolId: 'WorkerPools-2'}), script(2, {}), script(3, {WorkerPoolId: 'WorkerPools-2', IsDisabled: true})]))
    expect(projectsOnPools(usage, ['WorkerPools-2'])).toEqual([{ProjectId: 'Projects-1', ProjectName: 'Web', Actions: 1}])
    expect(projectsOnPools(usage, ['WorkerPools-1', 'WorkerPools-2'])).toEqual([{ProjectId: 'Projects-1', ProjectName: 'Web', Actions: 2}])
    expect(projectsOnPools(usage, ['WorkerPools-9'])).toEqual([])
  })
})
