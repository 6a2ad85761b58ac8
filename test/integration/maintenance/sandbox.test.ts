/** The sandbox's maintenance behaviour that `worker drain` and `worker upgrade` rely on. */
import {afterEach, describe, expect, it} from 'vitest'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {activeLeases, addPool, finishedSimulation, finishedTask, getTask, simulate, spawnOcto, startTask, waitFor, worker} from './helpers.js'

let sb: Sandbox | undefined
afterEach(async () => {
  await sb?.close()
  sb = undefined
})

describe('sandbox: Upgrade and UpdateCalamari tasks', () => {
  it('an upgraded Tentacle stays upgraded across later health checks', async () => {
    sb = await startTestSandbox({seed: 'empty'})
    const {workerIds: [id]} = await addPool(sb, 'Old Pool', 'old', ['old-01.outdated.example'])
    expect((await worker(sb, id)).Endpoint.TentacleVersionDetails).toMatchObject({Version: '6.3.417', UpgradeSuggested: true})
    const upgrade = await finishedTask(sb, await startTask(sb, {Name: 'Upgrade', Arguments: {MachineIds: [id], RestrictedTo: 'Workers'}}))
    expect(upgrade).toMatchObject({State: 'Success', Description: 'Manual upgrade'})
    expect((await worker(sb, id)).Endpoint.TentacleVersionDetails).toMatchObject({Version: '8.3.2886', UpgradeSuggested: false})
    const health = await finishedTask(sb, await startTask(sb, {Name: 'Health', Arguments: {MachineIds: [id]}}))
    expect(health.State).toBe('Success')
    expect((await worker(sb, id)).Endpoint.TentacleVersionDetails).toMatchObject({Version: '8.3.2886', UpgradeSuggested: false})
    expect((await api(sb, 'GET', `/api/tasks/${upgrade.Id}/raw`)).text).toContain('1 machine will be upgraded to the latest Tentacle version.')
  })

  it('UpdateCalamari brings Calamari up to date for good; it takes MachineIds only', async () => {
    sb = await startTestSandbox({seed: 'empty'})
    const {poolId, workerIds: [id]} = await addPool(sb, 'Old Pool', 'old', ['old-01.outdated.example'])
    expect((await worker(sb, id)).HasLatestCalamari).toBe(false)
    const rejected = await api(sb, 'POST', '/api/Spaces-1/tasks', {Name: 'UpdateCalamari', Arguments: {WorkerpoolId: poolId}})
    expect(rejected.status).toBe(400)
    const update = await finishedTask(sb, await startTask(sb, {Name: 'UpdateCalamari', Arguments: {Timeout: '00:05:00', MachineIds: [id]}}))
    expect(update).toMatchObject({State: 'Success', Description: 'Manual Calamari update'})
    expect((await worker(sb, id)).HasLatestCalamari).toBe(true)
    await finishedTask(sb, await startTask(sb, {Name: 'Health', Arguments: {MachineIds: [id]}}))
    expect((await worker(sb, id)).HasLatestCalamari).toBe(true)
  })

  it('an upgrade takes an exclusive lease only after the worker\'s other leases are released', async () => {
    sb = await startTestSandbox({seed: 'empty'})
    const {poolId, workerIds: [id]} = await addPool(sb, 'Solo Pool', 'solo', ['solo-01.outdated.example'])
    const sim = await simulate(sb, {Tasks: 1, Concurrency: 1, WorkerPoolIds: [poolId], MinDurationMs: 600_000, MaxDurationMs: 600_000})
    const upgradeId = await startTask(sb, {Name: 'Upgrade', Arguments: {MachineIds: [id]}})
    await waitFor(async () => ((await getTask(sb!, upgradeId)).State === 'Executing' ? true : undefined), 'upgrade started')
    // The deployment still holds its lease, so the upgrade waits without one.
    expect((await activeLeases(sb)).map((l) => [l.ServerTaskId, l.Exclusive])).toEqual([[sim.FirstTaskId, false]])
    expect((await worker(sb, id)).Endpoint.TentacleVersionDetails.Version).toBe('6.3.417')
    await api(sb, 'POST', `/api/tasks/${sim.FirstTaskId}/cancel`)
    const done = await finishedTask(sb, upgradeId)
    expect(done.State).toBe('Success')
    const history = (await api(sb, 'GET', `/api/sandbox/leases/history?taskId=${upgradeId}`)).body
    expect(history).toEqual([expect.objectContaining({WorkerId: id, Exclusive: true})])
    expect((await worker(sb, id)).Endpoint.TentacleVersionDetails.Version).toBe('8.3.2886')
  })

  it('upgrades a disabled worker (drained first) as well', async () => {
    sb = await startTestSandbox({seed: 'empty'})
    const {workerIds: [id]} = await addPool(sb, 'Old Pool', 'old', ['old-01.outdated.example'])
    const doc = await worker(sb, id)
    expect((await api(sb, 'PUT', `/api/Spaces-1/workers/${id}`, {...doc, IsDisabled: true})).status).toBe(200)
    expect((await finishedTask(sb, await startTask(sb, {Name: 'Upgrade', Arguments: {MachineIds: [id]}}))).State).toBe('Success')
    expect((await worker(sb, id)).Endpoint.TentacleVersionDetails.Version).toBe('8.3.2886')
  })

  it('a host under upgrade-fails.test fails its upgrade every time, keeping the old version; the others still upgrade', async () => {
    sb = await startTestSandbox({seed: 'empty'})
    const {workerIds: [bad, good]} = await addPool(sb, 'Mixed Pool', 'mixed', ['m1-outdated.upgrade-fails.test', 'm2.outdated.example'])
    for (let attempt = 0; attempt < 2; attempt++) {
      const task = await finishedTask(sb, await startTask(sb, {Name: 'Upgrade', Arguments: {MachineIds: [bad, good]}}))
      expect(task.State).toBe('Failed')
      expect(task.ErrorMessage).toMatch(/^The Tentacle upgrade failed on 1 machine: mixed-01: /)
    }
    expect((await worker(sb, bad)).Endpoint.TentacleVersionDetails.Version).toBe('6.3.417')
    expect((await worker(sb, good)).Endpoint.TentacleVersionDetails.Version).toBe('8.3.2886')
    expect(await activeLeases(sb)).toEqual([])
  })
})

describe('sandbox: deployments while a pool has no available worker', () => {
  it('a step waits for a worker (up to the bound), then fails with the documented wording', async () => {
    sb = await startTestSandbox({seed: 'empty', taskTiming: {healthCheckMs: 20, leaseRetryMs: 200}})
    const {poolId, workerIds: [id]} = await addPool(sb, 'Drained Pool', 'drained', ['d1.example'])
    const doc = await worker(sb, id)
    await api(sb, 'PUT', `/api/Spaces-1/workers/${id}`, {...doc, IsDisabled: true})
    const sim = await finishedSimulation(sb, (await simulate(sb, {Tasks: 1, Concurrency: 1, WorkerPoolIds: [poolId], MinDurationMs: 1, MaxDurationMs: 1})).Id)
    expect(sim.TasksFailed).toBe(1)
    const task = await getTask(sb, sim.FirstTaskId)
    expect(task.ErrorMessage).toBe('The step failed: There are no healthy workers in the pool Drained Pool.')
    // It waited: the task ran at least the bound before failing.
    expect(Date.parse(task.CompletedTime) - Date.parse(task.StartTime)).toBeGreaterThanOrEqual(200)
  })

  it('a step that finds a worker re-enabled within the bound runs on it', async () => {
    sb = await startTestSandbox({seed: 'empty', taskTiming: {healthCheckMs: 20, leaseRetryMs: 60_000}})
    const {poolId, workerIds: [id]} = await addPool(sb, 'Drained Pool', 'drained', ['d1.example'])
    const doc = await worker(sb, id)
    await api(sb, 'PUT', `/api/Spaces-1/workers/${id}`, {...doc, IsDisabled: true})
    const started = await simulate(sb, {Tasks: 1, Concurrency: 1, WorkerPoolIds: [poolId], MinDurationMs: 1, MaxDurationMs: 1})
    await waitFor(async () => ((await getTask(sb!, started.FirstTaskId)).State === 'Executing' ? true : undefined), 'deployment running')
    await api(sb, 'PUT', `/api/Spaces-1/workers/${id}`, {...(await worker(sb, id)), IsDisabled: false})
    const sim = await finishedSimulation(sb, started.Id)
    expect(sim).toMatchObject({TasksCompleted: 1, TasksFailed: 0, LeasesPerWorker: {'drained-01': 1}})
  })

  it('on 2021.2 (before Octopus retried leasing) such a step fails at once', async () => {
    sb = await startTestSandbox({seed: 'empty', octopusVersion: '2021.2', taskTiming: {healthCheckMs: 20, leaseRetryMs: 60_000}})
    const {poolId, workerIds: [id]} = await addPool(sb, 'Drained Pool', 'drained', ['d1.example'])
    await api(sb, 'PUT', `/api/Spaces-1/workers/${id}`, {...(await worker(sb, id)), IsDisabled: true})
    const sim = await finishedSimulation(sb, (await simulate(sb, {Tasks: 1, Concurrency: 1, WorkerPoolIds: [poolId], MinDurationMs: 1, MaxDurationMs: 1})).Id, 10_000)
    expect(sim.TasksFailed).toBe(1)
  })
})

describe('sandbox simulate: Ctrl-C', () => {
  it('cancels the simulation\'s remaining deployments (their leases released, no more started) and exits 130 saying so', async () => {
    sb = await startTestSandbox({seed: 'demo'})
    const run = spawnOcto(sb, ['sandbox', 'simulate', '--tasks', '30', '--concurrency', '3', '--duration-ms', '600000'])
    await run.stderrContains(/Simulation Simulations-\d+: 30 deployments/)
    // The first deployments hold their leases before the interrupt.
    await waitFor(async () => ((await activeLeases(sb!)).length >= 3 ? true : undefined), 'three active leases')
    run.signal('SIGINT')
    const result = await run.done
    expect(result.exitCode, result.stderr).toBe(130)
    expect(result.stderr).toMatch(/^Interrupted: simulation Simulations-\d+ canceled; 30 of its 30 deployments had not finished and were canceled \(0 succeeded, 0 failed\)\.$/m)
    const simId = /Interrupted: simulation (Simulations-\d+)/.exec(result.stderr)![1]
    const status = (await api(sb, 'GET', `/api/sandbox/simulations/${simId}`)).body
    expect(status).toMatchObject({State: 'Canceled', Tasks: 30, TasksStarted: 3, TasksCanceled: 30, ActiveLeases: 0})
    expect(await activeLeases(sb)).toEqual([])
    const tasks = (await api(sb, 'GET', `/api/tasks?take=100&ids=${Array.from({length: 30}, (_, i) => `ServerTasks-${Number(status.FirstTaskId.split('-')[1]) + i}`).join(',')}`)).body.Items
    expect(tasks).toHaveLength(30)
    expect(tasks.every((t: any) => t.State === 'Canceled')).toBe(true)
  })
})
