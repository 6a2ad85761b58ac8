import {describe, expect, it} from 'vitest'
import {impactLines} from '../../../src/views/pools.js'
import {deleteImpacts, parseMoveWorkersTo, poolsAfterMove, refuseDefaultPool, refuseStrandedWorkers, resolveMoveDestination} from '../../../src/app/pools/delete.js'
import {pool} from './fixtures.js'

const def = pool('WorkerPools-1', 'Default Worker Pool', {IsDefault: true})
const linux = pool('WorkerPools-2', 'Linux')
const windows = pool('WorkerPools-3', 'Windows')
const all = [def, linux, windows]
const worker = (id: string, name: string, pools: string[]) => ({Id: id, Name: name, WorkerPoolIds: pools})

describe('refuseDefaultPool', () => {
  it('passes when the default pool is not a target', () => {
    expect(() => refuseDefaultPool(all, [linux], 'octoworkers')).not.toThrow()
  })
  it('is exit 5 (a safety refusal) naming a pool to make the default first', () => {
    expect(() => refuseDefaultPool(all, [def, linux], 'octoworkers')).toThrow(expect.objectContaining({
      exitCode: 5,
      code: 'default-pool',
      message: "'Default Worker Pool' is the default worker pool and cannot be deleted; nothing was deleted.",
      hint: expect.stringContaining('`octoworkers pool set-default Windows`'),
    }))
  })
  it('suggests creating a pool when every other pool is being deleted too', () => {
    expect(() => refuseDefaultPool(all, all, 'octoworkers')).toThrow(expect.objectContaining({hint: expect.stringContaining('Create another pool')}))
  })
})

describe('deleteImpacts', () => {
  const workers = [worker('Workers-1', 'w1', ['WorkerPools-2']), worker('Workers-2', 'w2', ['WorkerPools-2', 'WorkerPools-3']), worker('Workers-3', 'w3', ['WorkerPools-1'])]

  it('counts each pool\'s workers and finds those left in no pool', () => {
    const [impact] = deleteImpacts([linux], workers)
    expect(impact.workers.map((w) => w.Name)).toEqual(['w1', 'w2'])
    expect(impact.stranded.map((w) => w.Name)).toEqual(['w1'])
  })
  it('a worker whose every pool is being deleted is stranded even if it has two', () => {
    const impacts = deleteImpacts([linux, windows], workers)
    expect(impacts[1].stranded.map((w) => w.Name)).toEqual(['w2'])
  })
  it('refuses stranding with exit 2, naming pool and workers, and the command\'s own --move-workers-to first', () => {
    expect(() => refuseStrandedWorkers(deleteImpacts([linux], workers), 'octoworkers', all)).toThrow(expect.objectContaining({
      exitCode: 2,
      message: "'Linux' is the only pool of 1 worker (w1): a worker must stay in at least one pool, so nothing was deleted.",
      hint: "Add --move-workers-to to move them to another pool first (`octoworkers pool delete Linux --move-workers-to 'Default Worker Pool'`), or move them yourself (`octoworkers worker update w1 --add-pool 'Default Worker Pool'`) or delete them.",
    }))
    expect(() => refuseStrandedWorkers(deleteImpacts([windows], workers), 'octoworkers', all)).not.toThrow()
  })
  it('names a static pool that stays when the default is deleted too, and a placeholder when none stays', () => {
    const hosted = pool('WorkerPools-4', 'Hosted', {WorkerPoolType: 'DynamicWorkerPool'})
    const stranded = [worker('Workers-1', 'w1', ['WorkerPools-1', 'WorkerPools-2'])]
    expect(() => refuseStrandedWorkers(deleteImpacts([def, linux], stranded), 'octoworkers', [...all, hosted])).toThrow(expect.objectContaining({hint: expect.stringContaining("`octoworkers pool delete 'Default Worker Pool' Linux --move-workers-to Windows`")}))
    expect(() => refuseStrandedWorkers(deleteImpacts([def, linux], stranded), 'octoworkers', [def, linux, hosted])).toThrow(expect.objectContaining({hint: expect.stringContaining('--move-workers-to <other pool>`')}))
  })
  it('describes what happens to the workers', () => {
    expect(impactLines(deleteImpacts([windows, pool('WorkerPools-9', 'Empty')], workers))).toEqual([
      "'Windows' (WorkerPools-3) holds 1 worker (w2); it stays registered and is removed from this pool (each is in another pool).",
      "'Empty' (WorkerPools-9) holds no workers.",
    ])
  })
})

describe('--move-workers-to', () => {
  const hosted = pool('WorkerPools-4', 'Hosted', {WorkerPoolType: 'DynamicWorkerPool'})
  const pools = [...all, hosted]

  it('resolves the destination by name or ID, case-insensitively', () => {
    expect(resolveMoveDestination(pools, 'windows', [linux]).Id).toBe('WorkerPools-3')
    expect(resolveMoveDestination(pools, 'WorkerPools-3', [linux]).Name).toBe('Windows')
  })
  it('an unknown destination is exit 4, the message naming the option', () => {
    expect(() => resolveMoveDestination(pools, 'Windos', [linux])).toThrow(expect.objectContaining({exitCode: 4, message: expect.stringMatching(/^--move-workers-to: Worker pool 'Windos' not found/)}))
  })
  it('a destination being deleted, or a dynamic one, is exit 2', () => {
    expect(() => resolveMoveDestination(pools, 'Linux', [linux])).toThrow(expect.objectContaining({exitCode: 2, message: expect.stringContaining('is one of the pools being deleted')}))
    expect(() => resolveMoveDestination(pools, 'Hosted', [linux])).toThrow(expect.objectContaining({exitCode: 2, message: expect.stringContaining('is a dynamic pool')}))
  })
  it('an empty value is exit 2', () => {
    expect(() => parseMoveWorkersTo('  ')).toThrow(expect.objectContaining({exitCode: 2}))
    expect(parseMoveWorkersTo('Linux')).toBe('Linux')
  })
  it('adds the destination to a worker\'s pools, once', () => {
    expect(poolsAfterMove({WorkerPoolIds: ['WorkerPools-2']}, windows)).toEqual(['WorkerPools-2', 'WorkerPools-3'])
    expect(poolsAfterMove({WorkerPoolIds: ['WorkerPools-2', 'WorkerPools-3']}, windows)).toBeUndefined()
  })
  it('says the workers move, before the confirmation', () => {
    expect(impactLines(deleteImpacts([linux], [worker('Workers-1', 'w1', ['WorkerPools-2'])]), windows)).toEqual([
      "'Linux' (WorkerPools-2) holds 1 worker (w1); it moves to 'Windows' (WorkerPools-3) first.",
    ])
  })
})
