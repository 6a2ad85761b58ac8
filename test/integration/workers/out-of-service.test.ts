/** The one guard of commands that take workers out of service: the floor (exit 5 naming each pool), and the one confirmation rule. */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson} from '../../helpers/cli.js'
import {expectRejectedLeaving, octo} from '../../helpers/octo.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {addPool, worker, workersOf} from '../maintenance/helpers.js'

let sb: Sandbox
let lone: {poolId: string; workerIds: string[]}
let shared: {poolId: string; workerIds: string[]}

beforeAll(async () => {
  sb = await startTestSandbox({seed: 'empty'})
  lone = await addPool(sb, 'Lone Pool', 'lone', ['o1.example'])
  shared = await addPool(sb, 'Wide Pool', 'wide', ['w1.example', 'w2.example', 'w3.example'])
  // wide-01 also serves a second pool that has only it and one other worker.
  const second = await addPool(sb, 'Second Pool', 'second', ['s1.example', 's2.example'])
  const w1 = await worker(sb, shared.workerIds[0])
  await api(sb, 'PUT', `/api/Spaces-1/workers/${w1.Id}`, {...w1, WorkerPoolIds: [shared.poolId, second.poolId]})
})
afterAll(async () => sb?.close())

describe('worker disable', () => {
  it('--pool that would empty a pool, or take a worker\'s other pool below its floor: exit 5 naming each pool, nothing changed', async () => {
    const result = await expectRejectedLeaving(() => workersOf(sb), sb, ['worker', 'disable', '--pool', 'Wide Pool', '-y'], 5,
      "Refusing: pool 'Wide Pool' has 3 available workers; disabling would leave 0 (its floor is 2). Nothing was changed.")
    expect(result.stderr).toContain('--force')
    const json = await octo(sb, ['worker', 'disable', 'wide-01', '--keep-healthy', '3', '-y', '--json'])
    expect(json.exitCode).toBe(5)
    expect(parseJson(json).Error.Pools.map((p: any) => [p.PoolName, p.AvailableNow, p.AvailableAfter, p.Floor])).toEqual([['Wide Pool', 3, 2, 3], ['Second Pool', 3, 2, 3]])
  })

  it('a pool already below its floor may not lose its last worker (exit 5); --force does it', async () => {
    await expectRejectedLeaving(() => workersOf(sb), sb, ['worker', 'disable', 'lone-01', '-y'], 5, "pool 'Lone Pool' has 1 available worker; disabling would leave 0 (its floor is 2)")
    const forced = await octo(sb, ['worker', 'disable', 'lone-01', '--force', '-y'])
    expect(forced.exitCode, forced.stderr).toBe(0)
    expect(forced.stderr).toContain("pool 'Lone Pool': 1 of 1 available now, 0 while disabled (floor 0)")
    expect((await worker(sb, lone.workerIds[0])).IsDisabled).toBe(true)
    expect((await octo(sb, ['worker', 'enable', 'lone-01'])).exitCode).toBe(0)
  })

  it('names every pool the worker serves before it acts', async () => {
    const result = await octo(sb, ['worker', 'disable', 'wide-01', '--keep-healthy', '1', '-y'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toContain("pool 'Wide Pool': 3 of 3 available now, 2 while disabled (floor 1)")
    expect(result.stderr).toContain("pool 'Second Pool': 3 of 3 available now, 2 while disabled (floor 1)")
    expect((await octo(sb, ['worker', 'enable', 'wide-01'])).exitCode).toBe(0)
  })

  it('asks like every destructive command: with prompts off and no -y, exit 2 before any request', async () => {
    await expectRejectedLeaving(() => workersOf(sb), sb, ['worker', 'disable', 'wide-02', '--no-prompt'], 2, 'Refusing to disable workers without confirmation')
    const offline = await octo(sb, ['worker', 'disable', 'wide-02'], {OCTOPUS_URL: 'http://127.0.0.1:9'})
    expect(offline.exitCode).toBe(2)
  })
})

describe('worker update --remove-pool and worker delete', () => {
  it('update --remove-pool below the floor: exit 5, nothing changed; without -y and prompts off: exit 2', async () => {
    await expectRejectedLeaving(() => workersOf(sb), sb, ['worker', 'update', 'wide-02', 'wide-03', '--add-pool', 'Lone Pool', '--remove-pool', 'Wide Pool', '-y'], 5,
      "Refusing: pool 'Wide Pool' has 3 available workers; removing them would leave 1 (its floor is 2). Nothing was changed.")
    await expectRejectedLeaving(() => workersOf(sb), sb, ['worker', 'update', 'wide-02', '--add-pool', 'Lone Pool', '--remove-pool', 'Wide Pool'], 2, 'Refusing to remove workers from a pool without confirmation')
  })

  it('delete below the floor: exit 5, nothing deleted or disabled', async () => {
    await expectRejectedLeaving(() => workersOf(sb), sb, ['worker', 'delete', 'wide-02', 'wide-03', '-y'], 5, "pool 'Wide Pool' has 3 available workers; deleting would leave 1 (its floor is 2)")
  })
})
