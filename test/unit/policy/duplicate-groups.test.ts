import {describe, expect, it} from 'vitest'
import {duplicateName, duplicateThumbprint} from '../../../src/domain/policy/rules/inventory.js'
import {config, pool, snapshot, space, worker} from './fixtures.js'

describe('duplicate workers are grouped in the order of each group\'s first worker', () => {
  it('names: a group whose second member comes first is still reported in its first member\'s place', () => {
    const p = pool('Linux')
    // alpha first appears before beta, but beta's duplicate comes before alpha's.
    const workers = [worker('alpha', [p]), worker('beta', [p]), worker('BETA', [p]), worker('unique', [p]), worker('Alpha ', [p])]
    const findings = duplicateName.run({snapshot: snapshot([space('Default', [p], workers)]), config: config()} as never)
    expect(findings.map((f) => f.Message.split("'")[1])).toEqual(['alpha', 'Alpha ', 'beta', 'BETA'])
  })

  it('thumbprints: three workers with one thumbprint make one group of three', () => {
    const p = pool('Linux')
    const t = 'AB'.repeat(20)
    const workers = [worker('w1', [p], {thumbprint: t}), worker('w2', [p]), worker('w3', [p], {thumbprint: t.toLowerCase()}), worker('w4', [p], {thumbprint: t})]
    const findings = duplicateThumbprint.run({snapshot: snapshot([space('Default', [p], workers)]), config: config()} as never)
    expect(findings.map((f) => f.Message.split("'")[1])).toEqual(['w1', 'w3', 'w4'])
    expect(findings[0].Message).toContain("as 'w3' (")
  })
})
