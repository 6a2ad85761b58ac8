import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson, runCli} from '../../helpers/cli.js'
import {startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {leaseHistory, startSimulation, type HistoryLease} from './follow.js'

describe.each(['2026.1', '2021.2'] as const)('leases list against Octopus %s', (version) => {
  let sandbox: Sandbox
  let env: Record<string, string>
  let active: HistoryLease[]

  beforeAll(async () => {
    sandbox = await startTestSandbox({seed: 'demo', octopusVersion: version})
    env = {OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey}
    // Tasks that outlast the test, so the active set is stable while we look at it.
    await startSimulation(sandbox, {Tasks: 5, Concurrency: 5, MinDurationMs: 120_000, MaxDurationMs: 120_000, WorkerPoolIds: ['WorkerPools-1', 'WorkerPools-2']})
    const until = Date.now() + 10_000
    do {
      active = (await leaseHistory(sandbox)).filter((l) => l.ReleasedAt === null)
      if (active.length === 5) break
      await new Promise((r) => setTimeout(r, 50))
    } while (Date.now() < until)
  })
  afterAll(async () => {
    await sandbox?.close()
  })

  it('lists the active leases and the active-lease count of every worker', async () => {
    expect(active).toHaveLength(5)
    const r = await runCli(['leases', 'list', '--json'], {env})
    expect(r.exitCode).toBe(0)
    const doc = parseJson(r)
    expect(doc.Source).toBe(version === '2026.1' ? 'api' : 'logs')
    // It says what it read and what that can miss.
    expect(doc.Completeness).toMatch(version === '2026.1' ? /^Reads the lease API .* Misses nothing/ : /^Reads the logs of the tasks executing now.* Misses leases a log does not record/)
    expect(doc.Leases.map((l: any) => [l.LeaseId, l.WorkerId, l.WorkerPoolId, l.TaskId]).sort()).toEqual(active.map((l) => [l.Id, l.WorkerId, l.WorkerPoolId, l.ServerTaskId]).sort())
    const expected: Record<string, number> = {}
    for (const l of active) expected[l.WorkerId] = (expected[l.WorkerId] ?? 0) + 1
    for (const w of doc.Workers) expect(w.ActiveLeases, w.WorkerName).toBe(expected[w.WorkerId] ?? 0)
    expect(doc.Workers.map((w: any) => w.WorkerName)).toContain('worker1')
  })

  it('prints tables, filters by pool, and rejects unknown names with exit 4', async () => {
    const table = await runCli(['leases', 'list', '--pool', 'WorkerPools-2'], {env})
    expect(table.exitCode).toBe(0)
    expect(table.stdout).toMatch(/^LEASE +WORKER +POOL +TASK +DESCRIPTION +TAKEN AT +EXCLUSIVE$/m)
    expect(table.stdout).toMatch(/^WORKER +POOLS +HEALTH +ACTIVE LEASES$/m)
    for (const l of active.filter((x) => x.WorkerPoolId === 'WorkerPools-2')) expect(table.stdout).toContain(l.Id)
    for (const l of active.filter((x) => x.WorkerPoolId === 'WorkerPools-1')) expect(table.stdout).not.toContain(l.Id)
    const tasksBefore = sandbox.store.prepare('SELECT COUNT(*) FROM tasks').pluck().get()
    const unknown = await runCli(['leases', 'list', '--worker', 'p-db-omaha-worker-9'], {env})
    expect(unknown.exitCode).toBe(4)
    expect(unknown.stderr).toMatch(/Worker 'p-db-omaha-worker-9' not found. Did you mean: 'p-db-omaha-worker-01'/)
    const unknownPool = await runCli(['leases', 'list', '--pool', 'Staging Linux Pool', '--json'], {env})
    expect(unknownPool.exitCode).toBe(4)
    expect(parseJson(unknownPool).Error).toMatchObject({ExitCode: 4, Message: expect.stringContaining('Staging Linux Worker Pool')})
    expect(sandbox.store.prepare('SELECT COUNT(*) FROM tasks').pluck().get()).toBe(tasksBefore)
    expect((await leaseHistory(sandbox)).filter((l) => l.ReleasedAt === null)).toHaveLength(active.length)
  })
})
