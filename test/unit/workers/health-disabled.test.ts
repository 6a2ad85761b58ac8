import {describe, expect, it} from 'vitest'
import {healthTarget, healthTaskBody, requireTargets} from '../../../src/app/workers/health.js'
import {skippedNote} from '../../../src/views/workers.js'
import {pool, worker} from './fixtures.js'

const linux = pool('WorkerPools-2', 'Linux')
const windows = pool('WorkerPools-3', 'Windows')
const windows2 = pool('WorkerPools-4', 'Windows 2')
const on1 = worker('Workers-1', 'on-1', {WorkerPoolIds: ['WorkerPools-2']})
const off1 = worker('Workers-2', 'off-1', {WorkerPoolIds: ['WorkerPools-2'], IsDisabled: true})
const on2 = worker('Workers-3', 'on-2', {WorkerPoolIds: ['WorkerPools-2', 'WorkerPools-3']})
const off2 = worker('Workers-4', 'off-2', {WorkerPoolIds: ['WorkerPools-3'], IsDisabled: true})
const all = [on1, off1, on2, off2]

const ids = (workers: Array<{Id: string}>) => workers.map((w) => w.Id)

describe('health target: disabled workers are not checked', () => {
  it.each([
    {selection: 'one pool alone', workers: [], pools: [linux], checked: ['Workers-1', 'Workers-3'], skipped: ['Workers-2'], machineIds: []},
    {selection: 'the whole space', workers: [], pools: [], checked: ['Workers-1', 'Workers-3'], skipped: ['Workers-2', 'Workers-4'], machineIds: ['Workers-1', 'Workers-3']},
    {selection: 'several pools', workers: [], pools: [linux, windows], checked: ['Workers-1', 'Workers-3'], skipped: ['Workers-2', 'Workers-4'], machineIds: ['Workers-1', 'Workers-3']},
    {selection: 'named workers, one disabled', workers: [off1, on2], pools: [], checked: ['Workers-3'], skipped: ['Workers-2'], machineIds: ['Workers-3']},
    {selection: 'a named worker plus a pool', workers: [on1], pools: [windows], checked: ['Workers-1', 'Workers-3'], skipped: ['Workers-4'], machineIds: ['Workers-1', 'Workers-3']},
    {selection: 'only enabled workers', workers: [on1, on2], pools: [], checked: ['Workers-1', 'Workers-3'], skipped: [], machineIds: ['Workers-1', 'Workers-3']},
  ])('$selection: checks $checked, skips $skipped', ({workers, pools, checked, skipped, machineIds}) => {
    const target = healthTarget({workers, pools, allWorkers: all})
    expect(ids(target.workers)).toEqual(checked)
    expect(ids(target.skipped)).toEqual(skipped)
    expect(healthTaskBody(target).Arguments.MachineIds).toEqual(machineIds)
    expect(() => requireTargets(target)).not.toThrow()
  })

  it('a pool alone is still sent as WorkerpoolId (Octopus skips its disabled workers itself)', () => {
    const target = healthTarget({workers: [], pools: [linux], allWorkers: all})
    expect(healthTaskBody(target)).toMatchObject({Description: 'Health check of pool Linux', Arguments: {WorkerpoolId: 'WorkerPools-2', MachineIds: []}})
  })

  it('names the skipped workers for stderr, and nothing when none is skipped', () => {
    expect(skippedNote(healthTarget({workers: [off1, on1], pools: [], allWorkers: all}))).toBe("Skipping disabled worker 'off-1': Octopus does not health-check disabled workers.")
    expect(skippedNote(healthTarget({workers: [], pools: [], allWorkers: all}))).toBe("Skipping 2 disabled workers (Octopus does not health-check disabled workers): 'off-1', 'off-2'.")
    expect(skippedNote(healthTarget({workers: [on1], pools: [], allWorkers: all}))).toBeUndefined()
  })
})

describe('nothing left to check', () => {
  const failure = (run: () => void) => {
    try {
      run()
    } catch (error) {
      return {exitCode: (error as {exitCode: number}).exitCode, message: (error as Error).message}
    }
    throw new Error('expected requireTargets to throw')
  }

  it.each([
    {case: 'one named worker, disabled', workers: [off1], pools: [], exitCode: 2, message: "Nothing to check: worker 'off-1' is disabled, and Octopus does not health-check disabled workers."},
    {case: 'two named workers, both disabled', workers: [off1, off2], pools: [], exitCode: 2, message: "Nothing to check: workers 'off-1', 'off-2' are disabled, and Octopus does not health-check disabled workers."},
    {case: 'a pool whose workers are all disabled', workers: [], pools: [windows], allWorkers: [off2], exitCode: 2, message: "Nothing to check: pool 'Windows' has no enabled workers (disabled: 'off-2')."},
    {case: 'a pool with no workers', workers: [], pools: [windows], allWorkers: [on1], exitCode: 2, message: "Nothing to check: pool 'Windows' has no workers."},
    {case: 'two pools with no workers', workers: [], pools: [windows, windows2], allWorkers: [on1], exitCode: 2, message: "Nothing to check: pools 'Windows', 'Windows 2' have no workers."},
    {case: 'a space whose workers are all disabled', workers: [], pools: [], allWorkers: [off1, off2], exitCode: 2, message: "Nothing to check: the space has no enabled workers (disabled: 'off-1', 'off-2')."},
    {case: 'a space with no workers', workers: [], pools: [], allWorkers: [], exitCode: 2, message: 'Nothing to check: the space has no workers.'},
  ])('$case: exit $exitCode', ({workers, pools, allWorkers, exitCode, message}) => {
    expect(failure(() => requireTargets(healthTarget({workers, pools, allWorkers: allWorkers ?? all})))).toEqual({exitCode, message})
  })
})
