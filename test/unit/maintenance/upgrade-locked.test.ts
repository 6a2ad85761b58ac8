/** worker upgrade plans no worker whose Tentacle upgrades are locked, named or not, with --all or not. */
import {describe, expect, it} from 'vitest'
import {selectUpgradeTargets} from '../../../src/app/maintenance/upgrade-plan.js'
import type {WorkerPoolResource, WorkerResource} from '../../../src/octopus/types.js'

const linux = {Id: 'WorkerPools-1', Name: 'Linux', WorkerPoolType: 'StaticWorkerPool'} as unknown as WorkerPoolResource
const worker = (id: number, locked: boolean): WorkerResource => ({
  Id: `Workers-${id}`, Name: `w${id}`, WorkerPoolIds: ['WorkerPools-1'], HealthStatus: 'Healthy', IsDisabled: false, HasLatestCalamari: false,
  Endpoint: {CommunicationStyle: 'TentaclePassive', TentacleVersionDetails: {Version: '6.3.417', UpgradeSuggested: true, UpgradeRequired: false, UpgradeLocked: locked}},
}) as unknown as WorkerResource

describe('a locked Tentacle', () => {
  const workers = [worker(1, false), worker(2, true)]

  it.each([
    ['a pool', {named: [], pools: [linux], all: false}],
    ['a pool with --all', {named: [], pools: [linux], all: true}],
    ['its name', {named: [workers[1]], pools: [], all: false}],
  ])('is skipped, said to be locked, when chosen by %s', (_how, opts) => {
    const selection = selectUpgradeTargets({...opts, workers, kind: 'Tentacle'})
    expect(selection.targets.map((w) => w.Name)).toEqual(opts.named.length ? [] : ['w1'])
    expect(selection.skipped.map((s) => [s.worker.Name, s.reason])).toEqual([['w2', 'its Tentacle upgrades are locked (UpgradeLocked); unlock them on its Connectivity page in the portal first']])
  })

  it('still gets its Calamari updated (the lock is for Tentacle upgrades)', () => {
    const selection = selectUpgradeTargets({named: [], pools: [linux], workers, kind: 'Calamari', all: false})
    expect(selection.targets.map((w) => w.Name)).toEqual(['w1', 'w2'])
    expect(selection.skipped).toEqual([])
  })
})
