import {describe, expect, it} from 'vitest'
import {runCheck} from '../../../src/domain/policy/engine.js'
import {builtinUsage, spacesAtRiskIfDisabled} from '../../../src/domain/estate/builtin.js'
import {cleanSpace, config, pool, snapshot, space, worker} from './fixtures.js'

function estate() {
  const def = pool('Default Worker Pool', {IsDefault: true})
  const spare = pool('Spare Pool')
  const other = pool('Other Pool')
  return snapshot([space('Default', [def, spare, other], [worker('a', [def]), worker('b', [def])]), cleanSpace('Team B')], {builtInWorkerEnabled: true})
}

describe('runCheck configuration', () => {
  it('findings are sorted by severity, then rule order', () => {
    const report = runCheck(estate(), config())
    expect(report.Findings.map((f) => `${f.Severity} ${f.RuleId} ${f.Subject}`)).toEqual([
      'warning builtin/enabled Octopus Server',
      'warning pool/empty Other Pool',
      'warning pool/empty Spare Pool',
    ])
    expect(report.Summary).toMatchObject({Errors: 0, Warnings: 3, Notes: 0, Ignored: 0, Spaces: 2, Pools: 5, Workers: 4})
  })

  it('severity overrides change findings; off switches a rule off', () => {
    const report = runCheck(estate(), config({severities: {'builtin/enabled': 'error', 'pool/empty': 'off'}}))
    expect(report.Findings.map((f) => `${f.Severity} ${f.RuleId}`)).toEqual(['error builtin/enabled'])
    expect(report.Rules.find((r) => r.RuleId === 'pool/empty')).toMatchObject({Status: 'off', ConfiguredSeverity: 'off'})
  })

  it('ignores match by rule (or rule glob), subject glob and optional space', () => {
    const report = runCheck(estate(), config({ignores: [
      {rule: 'pool/*', subject: 'spare*'},
      {rule: 'builtin/enabled', subject: '*', space: 'Team B'},
    ]}))
    expect(report.Findings.map((f) => f.Subject)).toEqual(['Octopus Server', 'Other Pool'])
    expect(report.Ignored.map((f) => [f.Subject, f.IgnoredBy.rule])).toEqual([['Spare Pool', 'pool/*']])
    expect(report.Summary.Ignored).toBe(1)
  })
})

describe('built-in worker usage', () => {
  it('in use only for an empty static default pool with the feature on; at risk when no usable worker', () => {
    const emptyDefault = space('Empty', [pool('Default Worker Pool', {IsDefault: true})], [])
    const sickDefaultPool = pool('Default Worker Pool', {IsDefault: true})
    const sick = space('Sick', [sickDefaultPool], [worker('s1', [sickDefaultPool], {HealthStatus: 'Unhealthy'}), worker('s2', [sickDefaultPool], {IsDisabled: true})])
    const cloud = space('Cloud', [pool('Hosted Ubuntu', {IsDefault: true, WorkerPoolType: 'DynamicWorkerPool'})], [])
    const fine = cleanSpace('Fine')
    expect([emptyDefault, sick, cloud, fine].map((s) => builtinUsage(s, true).BuiltInWorkerInUse)).toEqual([true, false, false, false])
    expect(builtinUsage(emptyDefault, false).BuiltInWorkerInUse).toBe(false)
    expect(builtinUsage(sick, true)).toMatchObject({DefaultPoolWorkers: 2, DefaultPoolUsableWorkers: 0, AtRiskIfDisabled: true})
    expect(spacesAtRiskIfDisabled([emptyDefault, sick, cloud, fine]).map((u) => u.SpaceName)).toEqual(['Empty', 'Sick'])
  })
})
