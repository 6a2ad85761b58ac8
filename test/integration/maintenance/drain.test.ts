/** `worker drain` and `worker delete --drain` against live sandboxes (real HTTP, real SQLite). */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson} from '../../helpers/cli.js'
import {expectRejectedLeaving, octo} from '../../helpers/octo.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {activeLeases, addPool, finishedSimulation, simulate, spawnOcto, worker, workersOf} from './helpers.js'

let sb: Sandbox
let legacy: Sandbox

beforeAll(async () => {
  ;[sb, legacy] = await Promise.all([startTestSandbox({seed: 'empty'}), startTestSandbox({seed: 'empty', octopusVersion: '2021.2'})])
})
afterAll(async () => {
  await Promise.all([sb?.close(), legacy?.close()])
})

/** A long deployment step on the pool, so its least-leased worker holds a lease until cancelled. */
async function holdLease(s: Sandbox, poolId: string, ms = 600_000): Promise<string> {
  const sim = await simulate(s, {Tasks: 1, Concurrency: 1, WorkerPoolIds: [poolId], MinDurationMs: ms, MaxDurationMs: ms})
  return sim.FirstTaskId
}

describe('worker drain: refusals change nothing', () => {
  it('below the floor: exit 5 naming each pool, its available count and what the drain would leave', async () => {
    const {workerIds} = await addPool(sb, 'Floor Pool', 'floor', ['f1.example', 'f2.example', 'f3.example'])
    const result = await expectRejectedLeaving(() => workersOf(sb), sb, ['worker', 'drain', 'floor-01', 'floor-02', '-y'], 5,
      "Refusing: pool 'Floor Pool' has 3 available workers; draining would leave 1 (its floor is 2). Nothing was changed.")
    expect(result.stderr).toContain('--force')
    const json = await octo(sb, ['worker', 'drain', 'floor-01', 'floor-02', '--keep-healthy', '3', '-y', '--json'])
    expect(json.exitCode).toBe(5)
    expect(parseJson(json).Error).toMatchObject({Code: 'below-floor', ExitCode: 5, Pools: [{PoolName: 'Floor Pool', AvailableNow: 3, AvailableAfter: 1, Floor: 3}]})
    expect((await worker(sb, workerIds[0])).IsDisabled).toBe(false)
  })

  it('bad input is exit 2 before any change', async () => {
    const state = () => workersOf(sb)
    await expectRejectedLeaving(state, sb, ['worker', 'drain', 'floor-01', '--keep-healthy', 'two', '-y'], 2, "--keep-healthy must be a whole number of workers (0 or more), not 'two'.")
    await expectRejectedLeaving(state, sb, ['worker', 'drain', 'floor-01', '--wait-timeout', 'soon', '-y'], 2, "--wait-timeout 'soon' is not a duration; give one such as 90s, 30m, 1h30m, 7d or 2w (a bare number is seconds).")
    await expectRejectedLeaving(state, sb, ['worker', 'drain', '-y'], 2, 'Name at least one worker, or a pool with --pool.')
    await expectRejectedLeaving(state, sb, ['worker', 'drain', 'floor-01', '--no-prompt'], 2, 'Refusing to drain workers without confirmation')
    await expectRejectedLeaving(state, sb, ['worker', 'drain', 'floor-01', 'floor-99', '-y'], 4, "Worker 'floor-99' not found.")
  })
})

describe('worker drain: waiting for leases', () => {
  it('disables the worker, waits for its real lease to end (lease API), then reports it drained', async () => {
    const {poolId, workerIds} = await addPool(sb, 'Busy Pool', 'busy', ['b1.example', 'b2.example', 'b3.example'])
    const taskId = await holdLease(sb, poolId)
    const leased = (await activeLeases(sb)).find((l) => l.ServerTaskId === taskId)!
    const name = (await worker(sb, leased.WorkerId)).Name
    const run = spawnOcto(sb, ['worker', 'drain', name, '-y', '--json'])
    // The drain is waiting on the task's lease; the worker is already out of service.
    await run.stderrContains(`Waiting for ${name}: 1 lease (${taskId})`)
    expect((await worker(sb, leased.WorkerId)).IsDisabled).toBe(true)
    await api(sb, 'POST', `/api/tasks/${taskId}/cancel`)
    const result = await run.done
    expect(result.exitCode, result.stderr).toBe(0)
    const doc = JSON.parse(result.stdout)
    // Where the server has a lease API, it is reconciled with task logs (--source auto of `leases tail`).
    expect(doc).toMatchObject({Outcome: 'drained', Source: 'api', Floors: [{PoolId: poolId, AvailableNow: 3, AvailableAfter: 2, Floor: 2}]})
    expect(doc.Workers).toEqual([{Id: leased.WorkerId, Name: name, WasEnabled: true, LeasesAtStart: 1, SecondsWaited: expect.any(Number), Outcome: 'drained', Leases: [], StaleLeases: []}])
    expect(workerIds).toContain(leased.WorkerId)
    expect((await worker(sb, leased.WorkerId)).IsDisabled).toBe(true)
  })

  it('an already-disabled worker is waited on too and reported as such', async () => {
    const {workerIds: [id]} = await addPool(sb, 'Quiet Pool', 'quiet', ['q1.example', 'q2.example', 'q3.example'])
    await api(sb, 'PUT', `/api/Spaces-1/workers/${id}`, {...(await worker(sb, id)), IsDisabled: true})
    const result = await octo(sb, ['worker', 'drain', 'quiet-01', '-y'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout.trim()).toMatch(/^quiet-01: drained \(was already disabled; 0 leases at start; free after \d+(ms|s)\)$/)
  })

  it('on a server without the lease API (2021.2) it follows executing tasks\' logs', async () => {
    const {poolId} = await addPool(legacy, 'Log Pool', 'logpool', ['l1.example', 'l2.example', 'l3.example'])
    const taskId = await holdLease(legacy, poolId)
    const run = spawnOcto(legacy, ['worker', 'drain', 'logpool-01', '-y', '--json'])
    await run.stderrContains(`Waiting for logpool-01: 1 lease (${taskId})`)
    expect((await workersOf(legacy)).find((w) => w.Name === 'logpool-01')?.IsDisabled).toBe(true)
    await api(legacy, 'POST', `/api/tasks/${taskId}/cancel`)
    const result = await run.done
    expect(result.exitCode, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({Outcome: 'drained', Source: 'logs', Workers: [{Name: 'logpool-01', LeasesAtStart: 1, Outcome: 'drained'}]})
  })

  it('--wait-timeout: exit 1 naming the task that still holds a lease; the worker stays disabled and the printed command re-enables it', async () => {
    const {poolId} = await addPool(sb, 'Stuck Pool', 'stuck', ['s1.example', 's2.example', 's3.example'])
    const taskId = await holdLease(sb, poolId)
    const result = await octo(sb, ['worker', 'drain', 'stuck-01', '--wait-timeout', '1s', '-y'])
    expect(result.exitCode, result.stderr).toBe(1)
    expect(result.stdout.trim()).toBe(`stuck-01: NOT drained (disabled; still held by ${taskId})`)
    expect(result.stderr).toContain(`Timed out after 1s: 1 task still holds leases (${taskId}).`)
    expect(result.stderr).toContain("Left disabled: 'stuck-01'")
    const undo = /To put it back in service: octoworkers (worker enable .*)$/m.exec(result.stderr)?.[1]
    expect(undo).toBe("worker enable stuck-01 --space Default")
    expect((await workersOf(sb)).find((w) => w.Name === 'stuck-01')?.IsDisabled).toBe(true)
    const enabled = await octo(sb, undo!.split(' '))
    expect(enabled.exitCode, enabled.stderr).toBe(0)
    expect((await workersOf(sb)).find((w) => w.Name === 'stuck-01')?.IsDisabled).toBe(false)
    await api(sb, 'POST', `/api/tasks/${taskId}/cancel`)
  })

  it('Ctrl-C stops waiting (exit 130), leaves the worker disabled and prints how to undo', async () => {
    const {poolId} = await addPool(sb, 'Interrupted Pool', 'intr', ['i1.example', 'i2.example', 'i3.example'])
    const taskId = await holdLease(sb, poolId)
    const run = spawnOcto(sb, ['worker', 'drain', 'intr-01', '-y'])
    await run.stderrContains(`Waiting for intr-01: 1 lease (${taskId})`)
    run.signal('SIGINT')
    const result = await run.done
    expect(result.exitCode).toBe(130)
    expect(result.stdout.trim()).toBe(`intr-01: waiting stopped (disabled; still held by ${taskId})`)
    expect(result.stderr).toMatch(new RegExp(`Stopped waiting after \\d+(ms|s); 1 task still holds leases \\(${taskId}\\)\\.`))
    expect(result.stderr).toContain('To put it back in service: octoworkers worker enable intr-01 --space Default')
    expect((await workersOf(sb)).find((w) => w.Name === 'intr-01')?.IsDisabled).toBe(true)
    expect((await activeLeases(sb)).some((l) => l.ServerTaskId === taskId)).toBe(true)
    await api(sb, 'POST', `/api/tasks/${taskId}/cancel`)
  })
})

describe('SIGTERM (what `timeout` and a cancelled CI job send) is treated like Ctrl-C', () => {
  it('worker drain: stops waiting, prints the report and the undo command, exit 143', async () => {
    const {poolId} = await addPool(sb, 'Term Drain Pool', 'tdrain', ['t1.example', 't2.example', 't3.example'])
    const taskId = await holdLease(sb, poolId)
    const run = spawnOcto(sb, ['worker', 'drain', 'tdrain-01', '-y'])
    await run.stderrContains(`Waiting for tdrain-01: 1 lease (${taskId})`)
    run.signal('SIGTERM')
    const result = await run.done
    expect(result.exitCode).toBe(143)
    expect(result.stdout.trim()).toBe(`tdrain-01: waiting stopped (disabled; still held by ${taskId})`)
    expect(result.stderr).toContain('To put it back in service: octoworkers worker enable tdrain-01 --space Default')
    expect((await workersOf(sb)).find((w) => w.Name === 'tdrain-01')?.IsDisabled).toBe(true)
    await api(sb, 'POST', `/api/tasks/${taskId}/cancel`)
  })

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`worker delete --drain: ${signal} during the wait deletes nothing, reports what it left disabled and how to undo it (exit ${code})`, async () => {
      const prefix = `tdel${code}`
      const {poolId} = await addPool(sb, `Term Delete Pool ${code}`, prefix, ['d1.example', 'd2.example', 'd3.example'])
      const taskId = await holdLease(sb, poolId)
      const run = spawnOcto(sb, ['worker', 'delete', `${prefix}-01`, '--drain', '-y'])
      await run.stderrContains(`Draining before delete: ${prefix}-01 (1 lease)`)
      run.signal(signal)
      const result = await run.done
      expect(result.exitCode, result.stderr).toBe(code)
      expect(result.stderr).toContain(`${prefix}-01: waiting stopped (disabled; still held by ${taskId})`)
      expect(result.stderr).toMatch(new RegExp(`Stopped waiting after \\d+(ms|s); 1 task still holds leases \\(${taskId}\\)\\.`))
      expect(result.stderr).toContain(`To put it back in service: octoworkers worker enable ${prefix}-01 --space Default`)
      expect(result.stderr).toContain('The drain was stopped; nothing was deleted.')
      expect((await workersOf(sb)).find((w) => w.Name === `${prefix}-01`)).toMatchObject({IsDisabled: true})
      await api(sb, 'POST', `/api/tasks/${taskId}/cancel`)
    })
  }
})

describe('worker drain --force that empties a pool', () => {
  it('shows up as failed deployments: steps wait for a worker up to the bound, then fail with the documented wording', async () => {
    const {poolId} = await addPool(sb, 'Emptied Pool', 'empty', ['e1.example', 'e2.example'])
    // Two deployments hold both workers; the next two start once those end (cancelled below), after the drain.
    const sim = await simulate(sb, {Tasks: 4, Concurrency: 2, WorkerPoolIds: [poolId], MinDurationMs: 600_000, MaxDurationMs: 600_000})
    const holders = (await activeLeases(sb)).map((l) => l.ServerTaskId)
    const run = spawnOcto(sb, ['worker', 'drain', '--pool', 'Emptied Pool', '--force', '-y', '--json'])
    await run.stderrContains('Waiting for empty-01: 1 lease')
    for (const id of holders) await api(sb, 'POST', `/api/tasks/${id}/cancel`)
    const result = await run.done
    expect(result.exitCode, result.stderr).toBe(0)
    expect(parseJson(result).Workers.map((w: any) => [w.Name, w.LeasesAtStart, w.Outcome])).toEqual([['empty-01', 1, 'drained'], ['empty-02', 1, 'drained']])
    const finished = await finishedSimulation(sb, sim.Id)
    expect([finished.TasksCanceled, finished.TasksFailed]).toEqual([2, 2])
    const failed = (await api(sb, 'GET', `/api/tasks?ids=${sim.LastTaskId}`)).body.Items[0]
    expect(failed).toMatchObject({State: 'Failed', ErrorMessage: 'The step failed: There are no healthy workers in the pool Emptied Pool.'})
  })
})

describe('worker delete --drain', () => {
  it('waits for the lease to end, then deletes', async () => {
    const {poolId} = await addPool(sb, 'Retire Pool', 'retire', ['r1.example', 'r2.example', 'r3.example'])
    const taskId = await holdLease(sb, poolId)
    const run = spawnOcto(sb, ['worker', 'delete', 'retire-01', '--drain', '-y'])
    await run.stderrContains('Draining before delete: retire-01 (1 lease)')
    await api(sb, 'POST', `/api/tasks/${taskId}/cancel`)
    const result = await run.done
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout.trim()).toBe('retire-01: deleted')
    expect((await workersOf(sb)).find((w) => w.Name === 'retire-01')).toBeUndefined()
  })

  it('below the floor: exit 5, nothing deleted or disabled', async () => {
    await addPool(sb, 'Thin Pool', 'thin', ['t1.example', 't2.example'])
    await expectRejectedLeaving(() => workersOf(sb), sb, ['worker', 'delete', 'thin-01', '--drain', '-y'], 5, "pool 'Thin Pool' has 2 available workers; deleting would leave 1 (its floor is 2)")
  })

  it('a drain that runs out deletes nothing (exit 1)', async () => {
    const {poolId} = await addPool(sb, 'Keep Pool', 'keep', ['k1.example', 'k2.example', 'k3.example'])
    const taskId = await holdLease(sb, poolId)
    const result = await octo(sb, ['worker', 'delete', 'keep-01', '--drain', '--wait-timeout', '1s', '-y'])
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('The drain did not finish; nothing was deleted.')
    expect((await workersOf(sb)).find((w) => w.Name === 'keep-01')).toMatchObject({IsDisabled: true})
    await api(sb, 'POST', `/api/tasks/${taskId}/cancel`)
  })
})
