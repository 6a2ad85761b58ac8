import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {buildReport} from '../../../src/app/usage/report.js'
import {usageTable} from '../../../src/views/usage-report.js'
import {computeUsage, rowAppliesIn} from '../../../src/domain/usage/resolve.js'
import {actionEnvironments, lifecycleScope, mayRunIn, runbookScope} from '../../../src/domain/usage/scope.js'
import type {ActionFacts, LifecycleFacts, ProcessFacts, ProjectFacts, RunbookFacts} from '../../../src/octopus/usage-types.js'
import type {UsageEstate} from '../../../src/domain/usage/types.js'

/** A real runbook's shapes (see test/fixtures/octopus/runbook-scope/README.md). */
const REAL = JSON.parse(readFileSync(new URL('../../fixtures/octopus/runbook-scope/every-step-runbook.json', import.meta.url), 'utf8')) as {
  environments: Array<{Id: string; Name: string}>
  runbook: RunbookFacts
  runbookProcess: ProcessFacts
  lifecycle: LifecycleFacts
}
const [DEV, TEST, PROD, SECURITY] = REAL.environments.map((e) => e.Id)
const project: ProjectFacts = {Id: 'Projects-1', Name: 'Every Step Project', LifecycleId: 'Lifecycles-2', VariableSetId: 'variableset-Projects-1'}
const lifecycles = new Map([[REAL.lifecycle.Id, REAL.lifecycle]])

describe('runbook scopes', () => {
  it('Specified: its Environments; All (or no scope): every environment', () => {
    expect(runbookScope(REAL.runbook, project, [], lifecycles)).toEqual({kind: 'only', ids: [DEV]})
    expect(runbookScope({...REAL.runbook, EnvironmentScope: 'All'}, project, [], lifecycles)).toEqual({kind: 'all'})
    expect(runbookScope({...REAL.runbook, EnvironmentScope: null}, project, [], lifecycles)).toEqual({kind: 'all'})
  })

  it('FromProjectLifecycles: the phases\' environments of the project\'s lifecycle and its channels\' lifecycles', () => {
    const fromLifecycles = {...REAL.runbook, EnvironmentScope: 'FromProjectLifecycles', Environments: []}
    expect(runbookScope(fromLifecycles, project, [], lifecycles)).toEqual({kind: 'only', ids: [DEV, TEST, PROD]})
    const securityOnly: LifecycleFacts = {Id: 'Lifecycles-3', Phases: [{AutomaticDeploymentTargets: [], OptionalDeploymentTargets: [SECURITY]}]}
    const withChannel = runbookScope(fromLifecycles, project, [{Id: 'Channels-1', Name: 'Hotfix', ProjectId: 'Projects-1', LifecycleId: 'Lifecycles-3'}], new Map([...lifecycles, ['Lifecycles-3', securityOnly]]))
    expect(withChannel).toEqual({kind: 'only', ids: [DEV, TEST, PROD, SECURITY]})
  })

  it('a lifecycle with no phases, or none that lists an environment, is every environment', () => {
    expect(lifecycleScope({Id: 'Lifecycles-1', Phases: []})).toEqual({kind: 'all'})
    expect(lifecycleScope({Id: 'Lifecycles-1', Phases: [{AutomaticDeploymentTargets: [], OptionalDeploymentTargets: null}]})).toEqual({kind: 'all'})
    const fromLifecycles = {...REAL.runbook, EnvironmentScope: 'FromProjectLifecycles'}
    expect(runbookScope(fromLifecycles, {...project, LifecycleId: 'Lifecycles-1'}, [], new Map([['Lifecycles-1', {Id: 'Lifecycles-1', Phases: []}]]))).toEqual({kind: 'all'})
  })

  it('FromProjectLifecycles without the lifecycles read, or with one missing, is unresolved', () => {
    const fromLifecycles = {...REAL.runbook, EnvironmentScope: 'FromProjectLifecycles'}
    expect(runbookScope(fromLifecycles, project, [], undefined)).toMatchObject({kind: 'unresolved'})
    expect(runbookScope(fromLifecycles, {...project, LifecycleId: 'Lifecycles-9'}, [], lifecycles)).toMatchObject({kind: 'unresolved', reason: expect.stringContaining('Lifecycles-9')})
  })

  it('a step\'s own Environments and ExcludedEnvironments narrow the runbook\'s', () => {
    const only = {kind: 'only' as const, ids: [DEV, TEST]}
    const step = (extra: Partial<ActionFacts>) => ({Environments: [], ExcludedEnvironments: [], ...extra})
    expect(actionEnvironments(only, step({}))).toEqual({ids: [DEV, TEST], excluded: [], resolved: true})
    expect(actionEnvironments(only, step({Environments: [TEST, PROD]})).ids).toEqual([TEST])
    expect(actionEnvironments(only, step({ExcludedEnvironments: [DEV]})).ids).toEqual([TEST])
    expect(actionEnvironments(only, step({Environments: [PROD]})).ids).toEqual([])
    expect(actionEnvironments({kind: 'all'}, step({})).ids).toBeNull()
    const unresolved = actionEnvironments({kind: 'unresolved', reason: 'x'}, step({ExcludedEnvironments: [PROD]}))
    expect(unresolved).toEqual({ids: null, excluded: [PROD], resolved: false})
    // A step that might run is counted: unresolved means "maybe", except where the step itself rules it out.
    expect(mayRunIn(unresolved, DEV)).toBe(true)
    expect(mayRunIn(unresolved, PROD)).toBe(false)
  })
})

function estate(runbooks: RunbookFacts[], extra: Partial<UsageEstate> = {}): UsageEstate {
  const process = REAL.runbookProcess
  const defaultStep = {...process.Steps![0], Id: 'step-2', Name: 'Default pool step', Actions: [{...process.Steps![0].Actions![0], Id: 'action-2', Name: 'Default pool step', WorkerPoolId: null}]}
  return {
    space: {Id: 'Spaces-1', Name: 'Default'},
    pools: [{Id: 'WorkerPools-1', Name: 'Default Worker Pool', IsDefault: true}, {Id: 'WorkerPools-2', Name: 'Hosted Windows', IsDefault: false}],
    projects: [project],
    deploymentProcesses: [],
    runbooks,
    runbookProcesses: runbooks.map((r) => ({...process, Id: r.RunbookProcessId!, RunbookId: r.Id, Steps: [...process.Steps!, defaultStep]})),
    environments: REAL.environments,
    channels: [],
    libraryVariableSets: [],
    variableSets: [],
    lifecycles: [REAL.lifecycle],
    ...extra,
  }
}

describe('every row of a runbook step carries the runbook\'s environments', () => {
  it('a runbook scoped to Development: its direct and default-pool rows are in Development only', () => {
    const usage = computeUsage(estate([REAL.runbook]))
    expect(usage.rows.map((r) => [r.PoolName, r.Via, r.Environments, r.RunbookEnvironmentScope, r.EnvironmentsResolved])).toEqual([
      ['Default Worker Pool', 'default', ['Development'], 'Specified', true],
      ['Hosted Windows', 'direct', ['Development'], 'Specified', true],
    ])
    const production = {Id: PROD, Name: 'Production'}
    expect(usage.rows.filter((r) => rowAppliesIn(r, production))).toEqual([])
    expect(usage.rows.every((r) => rowAppliesIn(r, {Id: DEV, Name: 'Development'}))).toBe(true)
  })

  it('--environment leaves them out elsewhere; the table shows their environments, never "all"', () => {
    const collected = [{estate: estate([REAL.runbook]), usage: computeUsage(estate([REAL.runbook]))}]
    expect(buildReport(collected, {environment: 'Production'}).Usage).toEqual([])
    const report = buildReport(collected, {})
    const table = usageTable(report, false)
    const environments = table.head.indexOf('ENVIRONMENTS')
    expect(table.rows.map((r) => r[environments])).toEqual(['Development', 'Development'])
    expect(buildReport(collected, {environment: 'development'}).Usage).toHaveLength(2)
  })

  it('FromProjectLifecycles rows carry the lifecycle\'s environments; unread lifecycles leave them unresolved and counted everywhere', () => {
    const fromLifecycles = {...REAL.runbook, EnvironmentScope: 'FromProjectLifecycles', Environments: []}
    const resolved = computeUsage(estate([fromLifecycles]))
    expect(resolved.rows.map((r) => r.Environments)).toEqual([['Development', 'Test', 'Production'], ['Development', 'Test', 'Production']])
    expect(resolved.rows.some((r) => rowAppliesIn(r, {Id: SECURITY, Name: 'Security'}))).toBe(false)
    expect(resolved.gaps.UnresolvedRunbookScopes).toBe(0)

    const unread = estate([fromLifecycles], {lifecycles: undefined})
    const usage = computeUsage(unread)
    expect(usage.rows.map((r) => [r.Environments, r.EnvironmentsResolved])).toEqual([[null, false], [null, false]])
    expect(usage.gaps.UnresolvedRunbookScopes).toBe(1)
    expect(usage.rows.every((r) => rowAppliesIn(r, {Id: SECURITY, Name: 'Security'}))).toBe(true)
    const report = buildReport([{estate: unread, usage}], {})
    expect(usageTable(report, false).rows[0]).toContain('project lifecycles (not resolved)')
    expect(report.Gaps.Note).toContain("1 runbook takes its environments from project lifecycles that could not be read")
  })

  it('a variable-reached row of a lifecycle-scoped runbook resolves only in the lifecycle\'s environments', () => {
    const fromLifecycles = {...REAL.runbook, EnvironmentScope: 'FromProjectLifecycles', Environments: []}
    const withVariable = estate([fromLifecycles], {
      variableSets: [{Id: 'variableset-Projects-1', Variables: [{Name: 'Pool', Type: 'WorkerPool', Value: 'WorkerPools-2'}]}],
    })
    withVariable.runbookProcesses[0].Steps = [{Id: 's', Name: 'Via variable', Actions: [{...REAL.runbookProcess.Steps![0].Actions![0], WorkerPoolId: null, WorkerPoolVariable: 'Pool'}]}]
    const usage = computeUsage(withVariable)
    expect(usage.rows.map((r) => [r.Via, r.Environments])).toEqual([['variable', ['Development', 'Test', 'Production']]])
  })

  it('a server without runbooks is a gap said in the note', () => {
    const usage = computeUsage(estate([], {serverHasRunbooks: false}))
    expect(usage.gaps.ServerHasRunbooks).toBe(false)
    expect(buildReport([{estate: estate([], {serverHasRunbooks: false}), usage}], {}).Gaps.Note).toContain('this Octopus Server has no runbooks (they arrived in Octopus 2019.11)')
    expect(computeUsage(estate([REAL.runbook])).gaps.ServerHasRunbooks).toBe(true)
  })
})
