/**
 * Stale leases: a lease the server still lists after its task finished (Octopus keeps the row
 * when a release fails, until the server restarts: OctopusDeploy/Issues#9692, #9868). The
 * sandbox's `LeaseRelease` fault makes the next release fail the same way. A stale lease holds
 * nothing: `worker drain` does not wait on it, `leases list` marks it, `worker delete` does not
 * refuse because of it.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson} from '../../helpers/cli.js'
import {octo} from '../../helpers/octo.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {activeLeases, addPool, finishedTask, simulate, worker} from './helpers.js'

let sb: Sandbox

beforeAll(async () => {
  sb = await startTestSandbox({seed: 'empty'})
})
afterAll(async () => sb?.close())

/** A one-step deployment on the pool whose lease release fails: it ends Success and its lease stays listed. */
async function staleLease(poolId: string): Promise<{taskId: string; leaseId: string; workerId: string; workerName: string}> {
  const fault = await api(sb, 'POST', '/api/sandbox/faults', {Kind: 'LeaseRelease', Times: 1})
  expect(fault.status, fault.text).toBe(201)
  const sim = await simulate(sb, {Tasks: 1, Concurrency: 1, WorkerPoolIds: [poolId], MinDurationMs: 5, MaxDurationMs: 5, StepsPerTask: 1})
  const task = await finishedTask(sb, sim.FirstTaskId)
  expect(task.State).toBe('Success')
  const lease = (await activeLeases(sb)).find((l) => l.ServerTaskId === sim.FirstTaskId)
  expect(lease, 'the failed release leaves the lease listed').toBeDefined()
  return {taskId: sim.FirstTaskId, leaseId: lease!.Id, workerId: lease!.WorkerId, workerName: (await worker(sb, lease!.WorkerId)).Name}
}

describe('a lease whose task has finished', () => {
  it('worker drain does not wait on it: drained at once, the stale lease named with its task\'s end', async () => {
    const {poolId} = await addPool(sb, 'Stale Drain Pool', 'sdrain', ['d1.example', 'd2.example', 'd3.example'])
    const stale = await staleLease(poolId)
    // Without the stale rule this waits the whole --wait-timeout and exits 1 ("1 task still holds leases").
    const result = await octo(sb, ['worker', 'drain', stale.workerName, '--wait-timeout', '3s', '-y', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toMatch(new RegExp(`${stale.workerName}: stale lease ${stale.leaseId} \\(task ${stale.taskId} finished Success at \\S+\\); not waiting on it`))
    const doc = parseJson(result)
    expect(doc.Outcome).toBe('drained')
    expect(doc.Workers[0]).toMatchObject({Name: stale.workerName, LeasesAtStart: 0, Outcome: 'drained', Leases: [],
      StaleLeases: [{LeaseId: stale.leaseId, TaskId: stale.taskId, Stale: true, TaskState: 'Success', TaskCompletedTime: expect.any(String)}]})
    expect((await worker(sb, stale.workerId)).IsDisabled).toBe(true)
  })

  it('leases list marks it stale (table and JSON) with its task\'s state and completion time', async () => {
    const {poolId} = await addPool(sb, 'Stale List Pool', 'slist', ['s1.example', 's2.example', 's3.example'])
    const stale = await staleLease(poolId)
    const json = await octo(sb, ['leases', 'list', '--pool', 'Stale List Pool', '--json'])
    expect(json.exitCode, json.stderr).toBe(0)
    const completed = (await api(sb, 'GET', `/api/tasks/${stale.taskId}`)).body.CompletedTime
    expect(parseJson(json).Leases).toEqual([expect.objectContaining({LeaseId: stale.leaseId, TaskId: stale.taskId, Stale: true, TaskState: 'Success', TaskCompletedTime: completed})])
    const text = await octo(sb, ['leases', 'list', '--pool', 'Stale List Pool'])
    expect(text.exitCode, text.stderr).toBe(0)
    expect(text.stdout).toMatch(new RegExp(`${stale.leaseId}\\s+${stale.workerName}\\s+Stale List Pool\\s+${stale.taskId}\\s+Success \\(stale\\)`))
    expect(text.stderr).toContain('1 stale lease: its task has finished, so it holds nothing')
  })

  it('a running task\'s lease is not stale', async () => {
    const {poolId} = await addPool(sb, 'Live List Pool', 'llist', ['v1.example', 'v2.example', 'v3.example'])
    const sim = await simulate(sb, {Tasks: 1, Concurrency: 1, WorkerPoolIds: [poolId], MinDurationMs: 600_000, MaxDurationMs: 600_000})
    const json = await octo(sb, ['leases', 'list', '--pool', 'Live List Pool', '--json'])
    expect(parseJson(json).Leases).toEqual([expect.objectContaining({TaskId: sim.FirstTaskId, Stale: false, TaskState: 'Executing', TaskCompletedTime: null})])
    await api(sb, 'POST', `/api/tasks/${sim.FirstTaskId}/cancel`)
  })

  it('worker delete does not refuse because of it; the server\'s own answer is reported', async () => {
    const {poolId} = await addPool(sb, 'Stale Delete Pool', 'sdel', ['x1.example', 'x2.example', 'x3.example'])
    const stale = await staleLease(poolId)
    const result = await octo(sb, ['worker', 'delete', stale.workerName, '-y'])
    // Not our exit-5 refusal ("Refusing to delete: ... is leased by task ..."): the stale lease is named,
    // then the delete is attempted. The sandbox, like Octopus until it restarts, still refuses it.
    expect(result.stderr).not.toContain('Refusing to delete')
    expect(result.stderr).toContain(`'${stale.workerName}' has a stale lease ${stale.leaseId} (task ${stale.taskId} finished Success at`)
    expect(result.exitCode).toBe(1)
    expect(result.stdout + result.stderr).toContain(`is currently leased by ${stale.taskId}`)
  })
})
