import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson, runCli} from '../../helpers/cli.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'

/**
 * A dynamic pool's one worker is leased exclusively, so tasks run against it at once queue for it:
 * each step that waited starts before its lease line, and the report sums those waits per pool.
 */
describe('leases report: time steps waited for a worker', () => {
  let sandbox: Sandbox
  let env: Record<string, string>
  const dynamicPool = 'WorkerPools-6'

  beforeAll(async () => {
    sandbox = await startTestSandbox({seed: 'demo'})
    env = {OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey}
    const created = await api(sandbox, 'POST', '/api/sandbox/simulations', {Tasks: 3, Concurrency: 3, WorkerPoolIds: [dynamicPool], MinDurationMs: 300, MaxDurationMs: 300})
    expect(created.status).toBe(201)
    for (;;) {
      const sim = (await api(sandbox, 'GET', `/api/sandbox/simulations/${created.body.Id}`)).body
      if (sim.State !== 'Running') {
        expect(sim.TasksCompleted).toBe(3)
        break
      }
      await new Promise((r) => setTimeout(r, 50))
    }
  })
  afterAll(async () => {
    await sandbox?.close()
  })

  it('the sandbox starts a waiting step before its lease line, and the report sums those waits for the pool', async () => {
    const tasks = (await api(sandbox, 'GET', '/api/Spaces-1/tasks?take=100')).body.Items.filter((t: any) => t.Name === 'Deploy')
    let waitedMs = 0
    for (const task of tasks) {
      const detail = (await api(sandbox, 'GET', `/api/Spaces-1/tasks/${task.Id}/details`)).body
      for (const step of detail.ActivityLogs[0].Children) {
        const leased = step.LogElements.find((e: any) => /^Leased worker /.test(e.MessageText))
        if (leased) waitedMs += Date.parse(leased.OccurredAt) - Date.parse(step.Started)
      }
    }
    // Three tasks at once on one exclusive worker: at least two steps waited a 300 ms step or more.
    expect(waitedMs).toBeGreaterThanOrEqual(600)
    const r = await runCli(['leases', 'report', '--since', '1h', '--group-by', 'pool', '--json', '--no-cache'], {env})
    expect(r.exitCode).toBe(0)
    const pool = parseJson(r).Pools.find((p: any) => p.WorkerPoolId === dynamicPool)
    // The report sums milliseconds and rounds to a tenth of a second.
    expect(Math.abs(pool.LeaseWaitSeconds - waitedMs / 1000)).toBeLessThanOrEqual(0.051)
    const others = parseJson(r).Pools.filter((p: any) => p.WorkerPoolId !== dynamicPool)
    expect(others.every((p: any) => p.LeaseWaitSeconds === 0)).toBe(true)
    const table = await runCli(['leases', 'report', '--since', '1h', '--group-by', 'pool', '--no-cache'], {env})
    expect(table.stdout).toMatch(/^POOL\tWORKERS\tLEASES\tPEAK CONCURRENT\tLEASE WAIT\tBUSY/m)
  })
})
