import {describe, expect, it} from 'vitest'
import {computeUsage, containerOf, resolveCell, rowAppliesIn, specificity} from '../../../src/domain/usage/resolve.js'
import type {ActionFacts, ProjectFacts, VariableFacts} from '../../../src/octopus/usage-types.js'
import type {UsageEstate} from '../../../src/domain/usage/types.js'

const ENVIRONMENTS = [{Id: 'Environments-1', Name: 'Development'}, {Id: 'Environments-2', Name: 'Test'}, {Id: 'Environments-3', Name: 'Production'}]
const POOLS = [
  {Id: 'WorkerPools-1', Name: 'Default Worker Pool', IsDefault: true, WorkerPoolType: 'StaticWorkerPool'},
  {Id: 'WorkerPools-2', Name: 'Linux', IsDefault: false, WorkerPoolType: 'StaticWorkerPool'},
  {Id: 'WorkerPools-3', Name: 'Windows', IsDefault: false, WorkerPoolType: 'StaticWorkerPool'},
  {Id: 'WorkerPools-4', Name: 'Prod', IsDefault: false, WorkerPoolType: 'StaticWorkerPool'},
]

const script = (id: string, extra: Partial<ActionFacts> = {}): ActionFacts => ({
  Id: id, Name: `Action ${id}`, ActionType: 'Octopus.Script', Properties: {'Octopus.Action.RunOnServer': 'true'}, ...extra,
})

const poolVar = (Value: string, Scope: VariableFacts['Scope'] = {}): VariableFacts => ({Name: 'Project.WorkerPool', Type: 'WorkerPool', Value, Scope})

function estate(options: {actions: ActionFacts[]; variables?: VariableFacts[]; library?: VariableFacts[]; project?: Partial<ProjectFacts>; defaultPoolWorkers?: number; runbook?: boolean}): UsageEstate {
  const project: ProjectFacts = {
    Id: 'Projects-1', Name: 'Web', DeploymentProcessId: 'deploymentprocess-Projects-1', VariableSetId: 'variableset-Projects-1',
    IncludedLibraryVariableSetIds: options.library ? ['LibraryVariableSets-1'] : [], ...options.project,
  }
  const process = {Id: options.runbook ? 'RunbookProcess-Runbooks-1' : 'deploymentprocess-Projects-1', Steps: options.actions.map((a) => ({Id: `s-${a.Id}`, Name: `Step ${a.Id}`, Actions: [a]}))}
  return {
    space: {Id: 'Spaces-1', Name: 'Default'},
    pools: POOLS,
    poolWorkers: new Map([['WorkerPools-1', {Total: options.defaultPoolWorkers ?? 2, Usable: options.defaultPoolWorkers ?? 2}], ['WorkerPools-2', {Total: 1, Usable: 1}]]),
    projects: [project],
    deploymentProcesses: options.runbook ? [] : [process, {Id: 'deploymentprocess-Projects-1-s-1-ABCDE', Steps: [{Id: 's', Name: 'Old', Actions: [script('old', {WorkerPoolId: 'WorkerPools-3'})]}]}],
    runbooks: options.runbook ? [{Id: 'Runbooks-1', Name: 'Restart', ProjectId: 'Projects-1', RunbookProcessId: 'RunbookProcess-Runbooks-1', EnvironmentScope: 'All', Environments: []}] : [],
    runbookProcesses: options.runbook ? [process] : [],
    environments: ENVIRONMENTS,
    channels: [{Id: 'Channels-1', Name: 'Default', ProjectId: 'Projects-1'}, {Id: 'Channels-2', Name: 'Hotfix', ProjectId: 'Projects-1'}],
    libraryVariableSets: options.library ? [{Id: 'LibraryVariableSets-1', Name: 'Shared pools', ContentType: 'Variables', VariableSetId: 'variableset-LibraryVariableSets-1'}] : [],
    variableSets: [
      {Id: 'variableset-Projects-1', OwnerId: 'Projects-1', Variables: options.variables ?? []},
      {Id: 'variableset-LibraryVariableSets-1', OwnerId: 'LibraryVariableSets-1', Variables: options.library ?? []},
    ],
    feeds: [{Id: 'Feeds-2', Name: 'Docker Hub'}],
  }
}

const summary = (rows: ReturnType<typeof computeUsage>['rows']) => rows.map((r) => `${r.ActionId} ${r.Via} ${r.PoolName} ${r.Environments?.join('+') ?? '*'} ${r.Channels?.join('+') ?? '*'}`)

describe('computeUsage: direct and default', () => {
  it('a direct WorkerPoolId is that pool; the release snapshot in the space list is ignored', () => {
    const usage = computeUsage(estate({actions: [script('a1', {WorkerPoolId: 'WorkerPools-2'})]}))
    expect(summary(usage.rows)).toEqual(['a1 direct Linux * *'])
    expect(usage.rows[0]).toMatchObject({ProjectName: 'Web', ProcessType: 'Deployment', ProcessName: 'Deployment process', StepName: 'Step a1', BuiltInWorker: false, RunsOnWorker: 'yes'})
  })

  it('no pool set: the default pool, and the built-in worker when that pool has no workers', () => {
    expect(summary(computeUsage(estate({actions: [script('a1')]})).rows)).toEqual(['a1 default Default Worker Pool * *'])
    expect(computeUsage(estate({actions: [script('a1')]})).rows[0].BuiltInWorker).toBe(false)
    const empty = computeUsage(estate({actions: [script('a1'), script('a2', {WorkerPoolId: 'WorkerPools-1'})], defaultPoolWorkers: 0}))
    expect(empty.rows.map((r) => [r.Via, r.BuiltInWorker])).toEqual([['default', true], ['direct', true]])
  })

  it('a pool ID that is not in the space is a problem, not a row', () => {
    const usage = computeUsage(estate({actions: [script('a1', {WorkerPoolId: 'WorkerPools-99'})]}))
    expect(usage.rows).toEqual([])
    expect(usage.problems.map((p) => p.Kind)).toEqual(['unknown-pool'])
    expect(usage.problems[0].Message).toContain('WorkerPools-99, which does not exist in this space')
  })

  it('disabled actions are kept and marked; actions that do not run on a worker are left out', () => {
    const usage = computeUsage(estate({actions: [script('a1', {IsDisabled: true, WorkerPoolId: 'WorkerPools-2'}), {Id: 'm1', Name: 'Approve', ActionType: 'Octopus.Manual', Properties: {}}]}))
    expect(usage.rows.map((r) => [r.ActionId, r.IsDisabled])).toEqual([['a1', true]])
    expect(usage.workerActions).toBe(1)
  })

  it('environment and channel restrictions are shown by name', () => {
    const usage = computeUsage(estate({actions: [script('a1', {WorkerPoolId: 'WorkerPools-2', Environments: ['Environments-3'], ExcludedEnvironments: [], Channels: ['Channels-2']})]}))
    expect(usage.rows[0]).toMatchObject({RestrictedToEnvironments: ['Production'], RestrictedToChannels: ['Hotfix'], ExcludedEnvironments: []})
    expect(rowAppliesIn(usage.rows[0], ENVIRONMENTS[2])).toBe(true)
    expect(rowAppliesIn(usage.rows[0], ENVIRONMENTS[0])).toBe(false)
  })
})

describe('computeUsage: WorkerPoolVariable', () => {
  it('one row per pool the environments resolve to; the environment-scoped value beats the unscoped one', () => {
    const usage = computeUsage(estate({
      actions: [script('a1', {WorkerPoolVariable: 'Project.WorkerPool'})],
      variables: [poolVar('WorkerPools-2'), poolVar('WorkerPools-4', {Environment: ['Environments-3']})],
    }))
    expect(summary(usage.rows)).toEqual(['a1 variable Linux Development+Test *', 'a1 variable Prod Production *'])
    expect(usage.rows[0]).toMatchObject({Variable: 'Project.WorkerPool', VariableSource: 'project'})
    expect(usage.problems).toEqual([])
  })

  it('one pool in every environment: Environments is null (everywhere)', () => {
    const usage = computeUsage(estate({actions: [script('a1', {WorkerPoolVariable: 'project.workerpool'})], variables: [poolVar('WorkerPools-2')]}))
    expect(summary(usage.rows)).toEqual(['a1 variable Linux * *'])
  })

  it('no value for an environment the action runs in is a missing-variable-value problem naming it', () => {
    const usage = computeUsage(estate({
      actions: [script('a1', {WorkerPoolVariable: 'Project.WorkerPool'})],
      variables: [poolVar('WorkerPools-2', {Environment: ['Environments-1', 'Environments-2']})],
    }))
    expect(summary(usage.rows)).toEqual(['a1 variable Linux Development+Test *'])
    expect(usage.problems).toMatchObject([{Kind: 'missing-variable-value', Variable: 'Project.WorkerPool', Environments: ['Production']}])
  })

  it('an excluded or unrestricted environment follows the action: no problem for environments it never runs in', () => {
    const usage = computeUsage(estate({
      actions: [script('a1', {WorkerPoolVariable: 'Project.WorkerPool', ExcludedEnvironments: ['Environments-3']})],
      variables: [poolVar('WorkerPools-2', {Environment: ['Environments-1', 'Environments-2']})],
    }))
    expect(usage.problems).toEqual([])
    expect(summary(usage.rows)).toEqual(['a1 variable Linux Development+Test *'])
  })

  it('channel scopes split the rows by channel; environment outranks channel', () => {
    const usage = computeUsage(estate({
      actions: [script('a1', {WorkerPoolVariable: 'Project.WorkerPool'})],
      variables: [
        poolVar('WorkerPools-2'),
        poolVar('WorkerPools-3', {Channel: ['Channels-2']}),
        poolVar('WorkerPools-4', {Environment: ['Environments-3']}),
      ],
    }))
    expect(summary(usage.rows)).toEqual([
      'a1 variable Linux Development+Test Default',
      'a1 variable Prod Production *',
      'a1 variable Windows Development+Test Hotfix',
    ])
  })

  it('an action-scoped value wins for that action only; another action keeps the environment value', () => {
    const usage = computeUsage(estate({
      actions: [script('a1', {WorkerPoolVariable: 'Project.WorkerPool'}), script('a2', {WorkerPoolVariable: 'Project.WorkerPool'})],
      variables: [poolVar('WorkerPools-2', {Environment: ['Environments-1', 'Environments-2', 'Environments-3']}), poolVar('WorkerPools-3', {Action: ['a2']})],
    }))
    expect(summary(usage.rows)).toEqual(['a1 variable Linux * *', 'a2 variable Windows * *'])
  })

  it('a ProcessOwner scope applies to that process only (a runbook is not the deployment process)', () => {
    const variables = [poolVar('WorkerPools-2'), poolVar('WorkerPools-3', {ProcessOwner: ['Projects-1']})]
    expect(summary(computeUsage(estate({actions: [script('a1', {WorkerPoolVariable: 'Project.WorkerPool'})], variables})).rows)).toEqual(['a1 variable Windows * *'])
    const runbook = computeUsage(estate({actions: [script('a1', {WorkerPoolVariable: 'Project.WorkerPool'})], variables, runbook: true}))
    expect(summary(runbook.rows)).toEqual(['a1 variable Linux * *'])
    expect(runbook.rows[0]).toMatchObject({ProcessType: 'Runbook', ProcessName: 'Restart', RunbookId: 'Runbooks-1'})
  })

  it('runbook runs have no channel: channel-scoped values do not apply to them', () => {
    const usage = computeUsage(estate({actions: [script('a1', {WorkerPoolVariable: 'Project.WorkerPool'})], variables: [poolVar('WorkerPools-3', {Channel: ['Channels-1']})], runbook: true}))
    expect(usage.rows).toEqual([])
    expect(usage.problems.map((p) => p.Kind)).toEqual(['missing-variable-value'])
  })

  it('a library set value is used, but a project value of the same specificity beats it', () => {
    const library = [poolVar('WorkerPools-3')]
    const fromLibrary = computeUsage(estate({actions: [script('a1', {WorkerPoolVariable: 'Project.WorkerPool'})], library}))
    expect(fromLibrary.rows[0]).toMatchObject({PoolName: 'Windows', VariableSource: 'Shared pools'})
    const both = computeUsage(estate({actions: [script('a1', {WorkerPoolVariable: 'Project.WorkerPool'})], library, variables: [poolVar('WorkerPools-2')]}))
    expect(both.rows[0]).toMatchObject({PoolName: 'Linux', VariableSource: 'project'})
  })

  it('WorkerPoolId and WorkerPoolVariable are exclusive: with both, the variable is taken and the conflict reported', () => {
    const usage = computeUsage(estate({actions: [script('a1', {WorkerPoolId: 'WorkerPools-3', WorkerPoolVariable: 'Project.WorkerPool'})], variables: [poolVar('WorkerPools-2')]}))
    expect(summary(usage.rows)).toEqual(['a1 variable Linux * *'])
    expect(usage.problems.map((p) => p.Kind)).toEqual(['both-pool-and-variable'])
  })

  it('an unknown variable, a variable of another type, a deleted pool and a tenant template are problems', () => {
    const unknown = computeUsage(estate({actions: [script('a1', {WorkerPoolVariable: 'Nope'})]}))
    expect(unknown.problems.map((p) => p.Kind)).toEqual(['unknown-variable'])
    const wrongType = computeUsage(estate({actions: [script('a1', {WorkerPoolVariable: 'Project.WorkerPool'})], variables: [{Name: 'Project.WorkerPool', Type: 'String', Value: 'x'}]}))
    expect(wrongType.problems[0].Message).toContain('of type String, not WorkerPool')
    const deleted = computeUsage(estate({actions: [script('a1', {WorkerPoolVariable: 'Project.WorkerPool'})], variables: [poolVar('WorkerPools-77')]}))
    expect(deleted.problems.map((p) => p.Kind)).toEqual(['unknown-pool'])
    const tenant = computeUsage(estate({
      actions: [script('a1', {WorkerPoolVariable: 'Tenant.Pool'})],
      project: {Templates: [{Name: 'Tenant.Pool', DisplaySettings: {'Octopus.ControlType': 'WorkerPool'}}]},
    }))
    expect(tenant.problems.map((p) => p.Kind)).toEqual(['tenant-variable'])
    expect(tenant.gaps.TenantSuppliedActions).toBe(1)
  })

  it('two values of the same specificity are ambiguous (Octopus picks one)', () => {
    const usage = computeUsage(estate({actions: [script('a1', {WorkerPoolVariable: 'Project.WorkerPool'})], variables: [poolVar('WorkerPools-2'), poolVar('WorkerPools-3')]}))
    expect(usage.problems.map((p) => p.Kind)).toEqual(['ambiguous-variable'])
  })
})

describe('specificity and resolveCell', () => {
  const target = {actionId: 'a1', processOwnerId: 'Projects-1', isRunbook: false}
  const cell = {environmentId: 'Environments-3', channelId: 'Channels-1'}
  it('orders action > environment > channel > process > unscoped, and drops values scoped elsewhere', () => {
    const scores = [
      {Action: ['a1']}, {Environment: ['Environments-3']}, {Channel: ['Channels-1']}, {ProcessOwner: ['Projects-1']}, {},
    ].map((Scope) => specificity(poolVar('x', Scope), target, cell))
    expect([...scores].sort((a, b) => b - a)).toEqual(scores)
    expect(new Set(scores).size).toBe(5)
    expect(specificity(poolVar('x', {Action: ['a2']}), target, cell)).toBe(-1)
    expect(specificity(poolVar('x', {Environment: ['Environments-1']}), target, cell)).toBe(-1)
    // environment + channel beats environment alone
    expect(specificity(poolVar('x', {Environment: ['Environments-3'], Channel: ['Channels-1']}), target, cell)).toBeGreaterThan(specificity(poolVar('x', {Environment: ['Environments-3']}), target, cell))
  })

  it('no candidate in scope: no winner', () => {
    expect(resolveCell([{variable: poolVar('x', {Environment: ['Environments-1']}), source: 'project', sourceRank: 0}], target, cell).winner).toBeUndefined()
  })
})

describe('containers and version control', () => {
  it('a container is an image, a Dockerfile or a git URL; an empty object is none', () => {
    const feeds = new Map([['Feeds-2', 'Docker Hub']])
    expect(containerOf(script('a', {Container: {Image: 'octopuslabs/k8s-workertools', FeedId: 'Feeds-2'}}), feeds)).toMatchObject({Image: 'octopuslabs/k8s-workertools', FeedName: 'Docker Hub'})
    expect(containerOf(script('a', {Container: {Image: null, FeedId: null}}), feeds)).toBeNull()
    expect(containerOf(script('a', {Container: {Image: '', FeedId: 'Feeds-2'}}), feeds)).toBeNull()
    expect(containerOf(script('a', {Container: null}), feeds)).toBeNull()
    expect(containerOf(script('a', {Container: {Dockerfile: 'FROM ubuntu', GitUrl: 'https://git.example/x'}}), feeds)).toMatchObject({Dockerfile: 'FROM ubuntu'})
  })

  it('a version-controlled project is read from its git process only, and marked', () => {
    const e = estate({actions: [], project: {IsVersionControlled: true, DeploymentProcessId: 'deploymentprocess-Projects-1', PersistenceSettings: {Type: 'VersionControlled', DefaultBranch: 'main'}}})
    e.git = new Map([['Projects-1', {gitRef: 'refs/heads/main', process: {Id: 'git', Steps: [{Id: 's', Name: 'Git step', Actions: [script('g1', {WorkerPoolId: 'WorkerPools-2'})]}]}}]])
    const usage = computeUsage(e)
    expect(usage.rows.map((r) => [r.ActionId, r.VersionControlled, r.GitRef])).toEqual([['g1', true, 'refs/heads/main']])
    expect(usage.gaps.VersionControlledProjects).toBe(1)
  })

  it('a database runbook of a version-controlled project is not marked as read from git, but uses its git variables', () => {
    const e = estate({actions: [script('r1', {WorkerPoolVariable: 'Project.WorkerPool'})], runbook: true, project: {IsVersionControlled: true, PersistenceSettings: {Type: 'VersionControlled', ConversionState: {VariablesAreInGit: true}}}})
    e.git = new Map([['Projects-1', {gitRef: 'refs/heads/main', process: {Id: 'git', Steps: []}, variables: {Id: 'git-vars', Variables: [poolVar('WorkerPools-2')]}}]])
    const usage = computeUsage(e)
    expect(usage.rows.map((r) => [r.ActionId, r.PoolName, r.VersionControlled, r.GitRef])).toEqual([['r1', 'Linux', false, null]])
  })

  it('a git read that failed is a problem naming the project', () => {
    const e = estate({actions: [], project: {IsVersionControlled: true}})
    e.git = new Map([['Projects-1', {gitRef: 'refs/heads/main', error: 'HTTP 500'}]])
    expect(computeUsage(e).problems).toMatchObject([{Kind: 'git-read-failed', ProjectName: 'Web'}])
  })
})
