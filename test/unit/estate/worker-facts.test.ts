import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {workerFacts} from '../../../src/domain/estate/worker-facts.js'
import {runCheck} from '../../../src/domain/policy/engine.js'
import type {PoolFacts, Snapshot, WorkerFacts} from '../../../src/domain/estate/types.js'
import type {WorkerResource} from '../../../src/octopus/types.js'
import {config} from '../policy/fixtures.js'

const fixture = (version: string, file: string) => JSON.parse(readFileSync(new URL(`../../fixtures/octopus/foreign/${version}/${file}`, import.meta.url), 'utf8'))

/** A snapshot of one space whose workers are `workers` (whole documents, or what check keeps of them). */
function snapshotOf(pools: PoolFacts[], workers: WorkerFacts[], upgradeIds: string[]): Snapshot {
  return {
    server: 'https://octopus.example.com',
    spaces: [{space: {Id: 'Spaces-1', Name: 'Default'}, pools, workers, summary: {MachineIdsForTentacleUpgrade: upgradeIds, MachineIdsForCalamariUpgrade: upgradeIds}, deploymentTargets: []}],
    builtInWorkerEnabled: true,
    serverNodes: [{Id: 'OctopusServerNodes-1', Name: 'node-1'}],
  }
}

describe('a worker document reduced to what the read model uses', () => {
  it.each(['2019.7', '2023.1', '2026.1'])('check finds the same on the reduced documents as on the whole ones (%s documents: Tentacles, SSH, Kubernetes agents, no endpoint)', (version) => {
    const workers = fixture(version, 'workers.json') as WorkerResource[]
    const pools = fixture(version, 'workerpools.json') as PoolFacts[]
    const upgradeIds = workers.filter((_, i) => i % 2 === 0).map((w) => w.Id)
    const whole = runCheck(snapshotOf(pools, workers as unknown as WorkerFacts[], upgradeIds), config())
    const reduced = runCheck(snapshotOf(pools, workers.map(workerFacts), upgradeIds), config())
    expect(whole.Findings.length).toBeGreaterThan(0)
    expect(reduced).toEqual(whole)
  })

  it('keeps the fields readers use and leaves the rest (links, status text, operating system...)', () => {
    const [document] = fixture('2026.1', 'workers.json') as Array<WorkerResource & Record<string, unknown>>
    const facts = workerFacts(document) as unknown as Record<string, unknown>
    expect(facts.Id).toBe(document.Id)
    expect(facts.WorkerPoolIds).toEqual(document.WorkerPoolIds)
    expect(facts).not.toHaveProperty('Links')
    expect(facts).not.toHaveProperty('StatusSummary')
    expect(facts.Endpoint).not.toHaveProperty('Links')
    expect((facts.Endpoint as Record<string, unknown>).CommunicationStyle).toBe(document.Endpoint?.CommunicationStyle)
  })

  it('an endpoint that is null, or not an object in a hand-made document, stays as it came', () => {
    const base = {Id: 'Workers-1', Name: 'w', IsDisabled: false, HealthStatus: 'Healthy', WorkerPoolIds: []} as unknown as WorkerResource
    expect(workerFacts({...base, Endpoint: null}).Endpoint).toBeNull()
    expect(workerFacts({...base, Endpoint: 'odd' as never}).Endpoint).toBe('odd')
  })

  it('workers with the same pool IDs or the same version details share one frozen copy; different ones do not', () => {
    const tentacle = (id: string, pools: string[], version: string) => ({
      Id: id, Name: id, IsDisabled: false, HealthStatus: 'Healthy', WorkerPoolIds: pools,
      Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: 'https://h:10933/', TentacleVersionDetails: {UpgradeLocked: false, Version: version, UpgradeSuggested: false, UpgradeRequired: null, UpgradeAvailable: true}},
    }) as unknown as WorkerResource
    const [a, b, c] = [tentacle('Workers-1', ['WorkerPools-1', 'WorkerPools-2'], '8.3.2886'), tentacle('Workers-2', ['WorkerPools-1', 'WorkerPools-2'], '8.3.2886'), tentacle('Workers-3', ['WorkerPools-2', 'WorkerPools-1'], '8.1.0')].map(workerFacts)
    expect(b.WorkerPoolIds).toBe(a.WorkerPoolIds)
    expect(Object.isFrozen(a.WorkerPoolIds)).toBe(true)
    expect(b.Endpoint!.TentacleVersionDetails).toBe(a.Endpoint!.TentacleVersionDetails)
    expect(Object.isFrozen(a.Endpoint!.TentacleVersionDetails)).toBe(true)
    expect(a.Endpoint!.TentacleVersionDetails).toEqual({UpgradeLocked: false, Version: '8.3.2886', UpgradeSuggested: false, UpgradeRequired: null, UpgradeAvailable: true})
    expect(c.WorkerPoolIds).toEqual(['WorkerPools-2', 'WorkerPools-1'])
    expect(c.WorkerPoolIds).not.toBe(a.WorkerPoolIds)
    expect(c.Endpoint!.TentacleVersionDetails).not.toBe(a.Endpoint!.TentacleVersionDetails)
    expect(c.Endpoint!.TentacleVersionDetails!.Version).toBe('8.1.0')
  })

  it('a details object with a nested object is kept as it came; details that differ in any field, or in their fields\' order, are not merged', () => {
    const odd = (id: string, details: Record<string, unknown>) => workerFacts({
      Id: id, Name: id, IsDisabled: false, HealthStatus: 'Healthy', WorkerPoolIds: ['WorkerPools-1'],
      Endpoint: {CommunicationStyle: 'TentaclePassive', TentacleVersionDetails: details},
    } as unknown as WorkerResource)
    const nested = {Version: '8.3.2886', Extra: {Deep: true}}
    expect(odd('Workers-1', nested).Endpoint!.TentacleVersionDetails).toBe(nested)
    const details = (w: WorkerFacts) => w.Endpoint!.TentacleVersionDetails as unknown as Record<string, unknown>
    const [a, b, c] = [odd('Workers-2', {Version: 'a\u0000sb'}), odd('Workers-3', {Version: 'a', '\u0000sb': 1}), odd('Workers-6', {'\u0000sb': 1, Version: 'a'})].map(details)
    expect(a).toEqual({Version: 'a\u0000sb'})
    expect(b).toEqual({Version: 'a', '\u0000sb': 1})
    expect(Object.keys(c)).toEqual(['\u0000sb', 'Version'])
    // Numbers and the strings that print like them stay apart.
    const [n, t] = [odd('Workers-4', {Version: 1}), odd('Workers-5', {Version: '1'})].map((w) => w.Endpoint!.TentacleVersionDetails as unknown as {Version: unknown})
    expect(n.Version).toBe(1)
    expect(t.Version).toBe('1')
  })
})
