import {describe, expect, it} from 'vitest'
import {runCheck} from '../../../src/domain/policy/engine.js'
import {usageRulesEnabled} from '../../../src/domain/policy/rules/usage.js'
import type {PoolFacts, SpaceSnapshot} from '../../../src/domain/estate/types.js'
import type {Finding, RuleId} from '../../../src/domain/policy/types.js'
import {computeUsage} from '../../../src/domain/usage/resolve.js'
import type {ActionFacts, VariableFacts} from '../../../src/octopus/usage-types.js'
import {config, pool, snapshot, space, worker} from './fixtures.js'

const ENVS = [{Id: 'Environments-1', Name: 'Staging'}, {Id: 'Environments-2', Name: 'Production'}]

const step = (id: string, extra: Partial<ActionFacts> = {}): ActionFacts => ({
  Id: id, Name: `Step ${id}`, ActionType: 'Octopus.Script', Properties: {'Octopus.Action.RunOnServer': 'true'}, ...extra,
})

/** Adds what `check` reads with usage on: one project whose process has these actions. */
function withUsage(s: SpaceSnapshot, actions: ActionFacts[], variables: VariableFacts[] = []): SpaceSnapshot {
  const usage = computeUsage({
    space: s.space,
    pools: s.pools,
    poolWorkers: new Map(s.pools.map((p) => [p.Id, {Total: s.workers.filter((w) => w.WorkerPoolIds.includes(p.Id)).length, Usable: 0}])),
    projects: [{Id: 'Projects-1', Name: 'Web', DeploymentProcessId: 'dp-1', VariableSetId: 'vs-1'}],
    deploymentProcesses: [{Id: 'dp-1', Steps: actions.map((a) => ({Id: `s-${a.Id}`, Name: a.Name, Actions: [a]}))}],
    runbooks: [], runbookProcesses: [], environments: ENVS, channels: [], libraryVariableSets: [],
    variableSets: [{Id: 'vs-1', Variables: variables}],
  })
  return {...s, usage}
}

function fired(s: SpaceSnapshot, rule: RuleId, extra: Parameters<typeof snapshot>[1] = {}): Finding[] {
  return runCheck(snapshot([s], extra), config()).Findings.filter((f) => f.RuleId === rule)
}

function estate(): {def: PoolFacts; linux: PoolFacts; empty: PoolFacts; spare: PoolFacts; dynamic: PoolFacts; s: SpaceSnapshot} {
  const def = pool('Default Worker Pool', {IsDefault: true})
  const linux = pool('Linux Pool')
  const empty = pool('Empty Pool')
  const spare = pool('Spare Pool')
  const dynamic = pool('Hosted', {WorkerPoolType: 'DynamicWorkerPool'})
  const s = space('Default', [def, linux, empty, spare, dynamic], [
    worker('a', [def, linux]), worker('b', [def, linux]), worker('sick', [spare], {HealthStatus: 'Unhealthy'}), worker('c', [spare]),
  ])
  return {def, linux, empty, spare, dynamic, s}
}

describe('usage rules', () => {
  it('are skipped (with the reason) when the processes were not read', () => {
    const {s} = estate()
    const report = runCheck(snapshot([s]), config())
    const usageRules = report.Rules.filter((r) => r.RuleId.startsWith('usage/'))
    expect(usageRules).toHaveLength(5)
    expect(usageRules.every((r) => r.Status === 'skipped' && r.Reason === 'the deployment processes and runbooks were not read')).toBe(true)
  })

  it('are read only when one of them is on', () => {
    expect(usageRulesEnabled({})).toBe(true)
    expect(usageRulesEnabled({'usage/default-pool': 'off'})).toBe(true)
    expect(usageRulesEnabled({'usage/pool-without-workers': 'off', 'usage/missing-variable-value': 'off', 'usage/default-pool': 'off', 'usage/unused-pool': 'off', 'usage/no-execution-container': 'off'})).toBe(false)
  })

  it('usage/pool-without-workers: an enabled step on a pool with no available worker is an error; dynamic pools, disabled steps and usable pools are not', () => {
    const {empty, dynamic, linux, s} = estate()
    const findings = fired(withUsage(s, [
      step('e1', {WorkerPoolId: empty.Id}), step('e2', {WorkerPoolId: empty.Id, IsDisabled: true}),
      step('d1', {WorkerPoolId: dynamic.Id}), step('l1', {WorkerPoolId: linux.Id}), step('x1', {WorkerPoolId: 'WorkerPools-404'}),
    ]), 'usage/pool-without-workers')
    expect(findings.map((f) => [f.Severity, f.Subject])).toEqual([['error', 'Empty Pool'], ['error', 'Web']])
    expect(findings[0].Message).toContain("1 step action runs on pool 'Empty Pool', which has no workers: its deployments and runbook runs will fail. Steps: 'Step e1' (Web).")
    expect(findings[0].Fix).toContain("worker register listening NAME --pool 'Empty Pool'")
    expect(findings[1].Message).toContain('WorkerPools-404, which does not exist in this space')
  })

  it('usage/pool-without-workers: workers that are all unhealthy or disabled count as none', () => {
    const {spare, s} = estate()
    const sickOnly = {...s, workers: s.workers.map((w) => (w.Name === 'c' ? {...w, IsDisabled: true} : w))}
    expect(fired(withUsage(sickOnly, [step('s1', {WorkerPoolId: spare.Id})]), 'usage/pool-without-workers')[0].Message).toContain('no available worker (2 registered, none enabled and healthy)')
    expect(fired(withUsage(s, [step('s1', {WorkerPoolId: spare.Id})]), 'usage/pool-without-workers')).toEqual([])
  })

  it('usage/pool-without-workers: an empty default pool is an error only when the built-in worker is off', () => {
    const def = pool('Default Worker Pool', {IsDefault: true})
    const s = withUsage(space('Default', [def], []), [step('a1')])
    expect(fired(s, 'usage/pool-without-workers', {builtInWorkerEnabled: true})).toEqual([])
    expect(fired(s, 'usage/pool-without-workers', {builtInWorkerEnabled: false})[0].Message).toContain('no workers, and the built-in worker is switched off')
  })

  it('usage/missing-variable-value: a pool variable with no value for an environment the step runs in', () => {
    const {linux, s} = estate()
    const findings = fired(withUsage(s, [step('v1', {WorkerPoolVariable: 'Pool'}), step('v2', {WorkerPoolVariable: 'Pool', IsDisabled: true}), step('v3', {WorkerPoolVariable: 'Missing'})],
      [{Name: 'Pool', Type: 'WorkerPool', Value: linux.Id, Scope: {Environment: ['Environments-1']}}]), 'usage/missing-variable-value')
    expect(findings.map((f) => [f.Severity, f.Subject])).toEqual([['error', 'Web'], ['error', 'Web']])
    expect(findings[0].Message).toContain("'Pool', which has no value for Production")
    expect(findings[0].Fix).toContain("Give 'Pool' a WorkerPool value scoped to Production in the variables of project 'Web'")
    expect(findings[1].Message).toContain("names 'Missing' as its worker pool variable, but no such variable exists")
  })

  it('usage/default-pool: steps with no pool, and the built-in worker when the default pool is empty', () => {
    const {linux, s} = estate()
    const findings = fired(withUsage(s, [step('n1'), step('n2'), step('l1', {WorkerPoolId: linux.Id})]), 'usage/default-pool')
    expect(findings.map((f) => [f.Severity, f.Subject])).toEqual([['warning', 'Default Worker Pool']])
    expect(findings[0].Message).toBe("2 step actions set no pool and rely on the default pool 'Default Worker Pool' ('Step n1' (Web), 'Step n2' (Web)).")
    const def = pool('Default Worker Pool', {IsDefault: true})
    const builtIn = fired(withUsage(space('Default', [def], []), [step('n1')]), 'usage/default-pool')
    expect(builtIn[0].Message).toContain("1 runs on the built-in worker on the Octopus Server, because 'Default Worker Pool' has no workers")
    expect(fired(withUsage(s, [step('l1', {WorkerPoolId: linux.Id})]), 'usage/default-pool')).toEqual([])
  })

  it('usage/no-execution-container: one note per project, listing its worker steps without a container', () => {
    const {linux, s} = estate()
    const findings = fired(withUsage(s, [
      step('c1', {WorkerPoolId: linux.Id, Container: {Image: 'octopusdeploy/worker-tools', FeedId: 'Feeds-1'}}),
      step('c2', {WorkerPoolId: linux.Id, Container: {Image: null, FeedId: null}}),
    ]), 'usage/no-execution-container')
    expect(findings.map((f) => [f.Severity, f.Subject, f.SubjectId])).toEqual([['note', 'Web', 'Projects-1']])
    expect(findings[0].Message).toContain("'Step c2' (Web)")
    expect(findings[0].Message).not.toContain('c1')
  })

  it('usage/unused-pool: a static non-default pool with workers that no step uses (a disabled step counts as use)', () => {
    const {spare, s} = estate()
    expect(fired(withUsage(s, []), 'usage/unused-pool').map((f) => f.Subject)).toEqual(['Linux Pool', 'Spare Pool'])
    expect(fired(withUsage(s, [step('x', {WorkerPoolId: spare.Id, IsDisabled: true})]), 'usage/unused-pool').map((f) => f.Subject)).toEqual(['Linux Pool'])
  })

  it('severities and ignores from the config apply to usage rules like any other', () => {
    const {empty, s} = estate()
    const snap = snapshot([withUsage(s, [step('e1', {WorkerPoolId: empty.Id})])])
    const report = runCheck(snap, config({severities: {'usage/pool-without-workers': 'warning'}, ignores: [{rule: 'usage/unused-pool', subject: 'Spare*'}]}))
    expect(report.Findings.find((f) => f.RuleId === 'usage/pool-without-workers')?.Severity).toBe('warning')
    expect(report.Ignored.map((f) => f.Subject)).toEqual(['Spare Pool'])
  })
})
