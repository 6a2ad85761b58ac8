import {describe, expect, it} from 'vitest'
import {needsUpgrade, planBatches, selectUpgradeTargets, upgradeSkipReason, upgradeTaskBody} from '../../../src/app/maintenance/upgrade-plan.js'
import type {WorkerPoolResource, WorkerResource} from '../../../src/octopus/types.js'

const pool = (id: number, name: string) => ({Id: `WorkerPools-${id}`, Name: name, WorkerPoolType: 'StaticWorkerPool'}) as unknown as WorkerPoolResource
const pools = [pool(1, 'Linux'), pool(2, 'Windows')]

function worker(id: number, opts: {pools?: number[]; style?: string; version?: string; suggested?: boolean; calamari?: boolean; health?: string; disabled?: boolean} = {}): WorkerResource {
  return {
    Id: `Workers-${id}`, Name: `w${id}`, WorkerPoolIds: (opts.pools ?? [1]).map((p) => `WorkerPools-${p}`), HealthStatus: opts.health ?? 'Healthy', IsDisabled: opts.disabled ?? false,
    HasLatestCalamari: opts.calamari ?? true,
    Endpoint: {CommunicationStyle: opts.style ?? 'TentaclePassive', TentacleVersionDetails: opts.style === 'Ssh' ? undefined : {Version: opts.version ?? '8.3.2886', UpgradeSuggested: opts.suggested ?? false, UpgradeRequired: false}},
  } as unknown as WorkerResource
}

describe('what needs an upgrade', () => {
  it('reads TentacleVersionDetails, HasLatestCalamari and the pool summary', () => {
    expect(needsUpgrade(worker(1, {suggested: true}), 'Tentacle')).toBe(true)
    expect(needsUpgrade(worker(1), 'Tentacle')).toBe(false)
    expect(needsUpgrade(worker(1), 'Tentacle', {MachineIdsForTentacleUpgrade: ['Workers-1']})).toBe(true)
    expect(needsUpgrade(worker(1, {calamari: false}), 'Calamari')).toBe(true)
    expect(needsUpgrade(worker(1), 'Calamari', {MachineIdsForCalamariUpgrade: ['Workers-1']})).toBe(true)
  })

  it('SSH workers have no Tentacle (Calamari is fine); Kubernetes agents upgrade through Helm', () => {
    expect(upgradeSkipReason(worker(1, {style: 'Ssh'}), 'Tentacle')).toMatch(/SSH workers have no Tentacle/)
    expect(upgradeSkipReason(worker(1, {style: 'Ssh'}), 'Calamari')).toBeUndefined()
    expect(upgradeSkipReason(worker(1, {style: 'KubernetesTentacle'}), 'Tentacle')).toMatch(/^Kubernetes agents upgrade through Helm \(helm upgrade --atomic/)
  })

  it('the task bodies are Octopus\'s own', () => {
    expect(upgradeTaskBody('Tentacle', [worker(1)], 'd')).toEqual({Name: 'Upgrade', Description: 'd', Arguments: {MachineIds: ['Workers-1'], RestrictedTo: 'Workers'}})
    expect(upgradeTaskBody('Calamari', [worker(1)], 'd')).toEqual({Name: 'UpdateCalamari', Description: 'd', Arguments: {Timeout: '00:05:00', MachineIds: ['Workers-1']}})
  })
})

describe('selectUpgradeTargets', () => {
  const workers = [worker(1, {suggested: true}), worker(2), worker(3, {style: 'Ssh'}), worker(4, {style: 'KubernetesTentacle'}), worker(5, {pools: [2], suggested: true})]

  it('a pool: only those that need it; others counted as current; unupgradable ones skipped with the reason', () => {
    const s = selectUpgradeTargets({named: [], pools: [pools[0]], workers, kind: 'Tentacle', all: false})
    expect(s.targets.map((w) => w.Id)).toEqual(['Workers-1'])
    expect(s.current.map((w) => w.Id)).toEqual(['Workers-2'])
    expect(s.skipped.map((x) => x.worker.Id)).toEqual(['Workers-3', 'Workers-4'])
  })

  it('--all includes current workers; named workers are taken as asked', () => {
    expect(selectUpgradeTargets({named: [], pools: [pools[0]], workers, kind: 'Tentacle', all: true}).targets.map((w) => w.Id)).toEqual(['Workers-1', 'Workers-2'])
    expect(selectUpgradeTargets({named: [workers[1], workers[4]], pools: [], workers, kind: 'Tentacle', all: false}).targets.map((w) => w.Id)).toEqual(['Workers-2', 'Workers-5'])
  })
})

describe('planBatches', () => {
  const floorOf = () => 2
  const linux = Array.from({length: 5}, (_, i) => worker(i + 1, {suggested: true}))

  it('batches of K while every pool keeps its floor', () => {
    const plan = planBatches({targets: linux, workers: linux, pools, floorOf, batchSize: 2})
    expect(plan.batches.map((b) => b.map((w) => w.Id))).toEqual([['Workers-1', 'Workers-2'], ['Workers-3', 'Workers-4'], ['Workers-5']])
    expect(plan.floors).toEqual([expect.objectContaining({PoolName: 'Linux', AvailableNow: 5, AvailableAfter: 3, Floor: 2})])
  })

  it('a batch is cut short where the floor needs it, whatever K', () => {
    const plan = planBatches({targets: linux, workers: linux, pools, floorOf, batchSize: 10})
    expect(plan.batches.map((b) => b.length)).toEqual([3, 2])
  })

  it('unavailable workers go first and cost no pool anything', () => {
    const mixed = [worker(1, {suggested: true}), worker(2, {suggested: true}), worker(3, {suggested: true, health: 'Unhealthy'}), worker(4, {suggested: true, disabled: true})]
    const plan = planBatches({targets: mixed, workers: mixed, pools, floorOf: () => 1, batchSize: 3})
    expect(plan.batches.map((b) => b.map((w) => w.Id))).toEqual([['Workers-3', 'Workers-4', 'Workers-1'], ['Workers-2']])
  })

  it('a worker that alone would take its pool below the floor: exit 5 naming the pool', () => {
    const pair = [worker(1, {suggested: true}), worker(2, {suggested: true})]
    expect(() => planBatches({targets: pair, workers: pair, pools, floorOf, batchSize: 1})).toThrow(expect.objectContaining({
      exitCode: 5, message: "Refusing: pool 'Linux' has 2 available workers; upgrading even one of its workers at a time would leave 1 (its floor is 2). Nothing was changed.",
    }))
  })

  it('a worker in two pools needs both floors', () => {
    const shared = [worker(1, {pools: [1, 2], suggested: true}), worker(2), worker(3), worker(4, {pools: [2]})]
    expect(() => planBatches({targets: [shared[0]], workers: shared, pools, floorOf, batchSize: 1})).toThrow(expect.objectContaining({message: expect.stringContaining("pool 'Windows' has 2 available workers")}))
  })
})
