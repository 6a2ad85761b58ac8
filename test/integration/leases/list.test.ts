import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson, runCli} from '../../helpers/cli.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
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

  it('lists the active leases, a summary per pool and the active-lease count of every worker (--json)', async () => {
    expect(active).toHaveLength(5)
    const r = await runCli(['leases', 'list', '--json'], {env})
    expect(r.exitCode).toBe(0)
    const doc = parseJson(r)
    expect(doc.Spaces).toEqual([expect.objectContaining({SpaceId: 'Spaces-1', SpaceName: 'Default', Source: version === '2026.1' ? 'api' : 'logs'})])
    // It says what it read and what that can miss.
    expect(doc.Spaces[0].Completeness).toMatch(version === '2026.1' ? /^Reads the lease API .* Misses nothing/ : /^Reads the logs of the tasks executing now.* Misses leases a log does not record/)
    expect(doc.Leases.map((l: any) => [l.LeaseId, l.WorkerId, l.WorkerPoolId, l.TaskId]).sort()).toEqual(active.map((l) => [l.Id, l.WorkerId, l.WorkerPoolId, l.ServerTaskId]).sort())
    const expected: Record<string, number> = {}
    for (const l of active) expected[l.WorkerId] = (expected[l.WorkerId] ?? 0) + 1
    for (const w of doc.Workers) expect(w.ActiveLeases, w.WorkerName).toBe(expected[w.WorkerId] ?? 0)
    expect(doc.Workers.map((w: any) => w.WorkerName)).toContain('worker1')
    // Each pool's leases and leased workers are the leases' own; available workers are the ones Octopus leases.
    for (const poolId of ['WorkerPools-1', 'WorkerPools-2']) {
      const mine = active.filter((l) => l.WorkerPoolId === poolId)
      expect(doc.Pools.find((p: any) => p.WorkerPoolId === poolId)).toMatchObject({ActiveLeases: mine.length, LeasedWorkers: new Set(mine.map((l) => l.WorkerId)).size, SpaceName: 'Default'})
    }
    const workers = (await api(sandbox, 'GET', '/api/Spaces-1/workers/all')).body as any[]
    const inPool = (id: string) => workers.filter((w) => w.WorkerPoolIds.includes(id))
    const azure = doc.Pools.find((p: any) => p.WorkerPoolName === 'Azure Central US Production Worker Pool')
    expect(azure.Workers).toBe(inPool(azure.WorkerPoolId).length)
    expect(azure.AvailableWorkers).toBe(inPool(azure.WorkerPoolId).filter((w) => !w.IsDisabled && ['Healthy', 'HasWarnings'].includes(w.HealthStatus)).length)
  })

  it('text: the leases, then one line per pool; --workers for the per-worker table', async () => {
    const table = await runCli(['leases', 'list', '--pool', 'WorkerPools-2'], {env})
    expect(table.exitCode).toBe(0)
    expect(table.stdout).toMatch(/^LEASE\tWORKER\tPOOL\tTASK\tTASK STATE\tDESCRIPTION\tTAKEN AT\tEXCLUSIVE$/m)
    expect(table.stdout).toMatch(/\tExecuting\t/)
    // Times in the one human style.
    expect(table.stdout).toMatch(/\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\t/)
    expect(table.stdout).toMatch(/^POOL\tWORKERS\tAVAILABLE\tLEASED WORKERS\tACTIVE LEASES$/m)
    expect(table.stdout).not.toMatch(/^WORKER\tPOOLS/m)
    for (const l of active.filter((x) => x.WorkerPoolId === 'WorkerPools-2')) expect(table.stdout).toContain(l.Id)
    for (const l of active.filter((x) => x.WorkerPoolId === 'WorkerPools-1')) expect(table.stdout).not.toContain(l.Id)

    // The whole space: one line per pool, never a line per idle worker.
    const all = await runCli(['leases', 'list'], {env})
    const pools = (await api(sandbox, 'GET', '/api/Spaces-1/workerpools/all')).body as any[]
    const poolSection = all.stdout.slice(all.stdout.search(/^POOL\tWORKERS/m)).trimEnd().split('\n')
    expect(poolSection).toHaveLength(pools.length + 1)
    expect(all.stdout).not.toContain('new-worker-unchecked')

    const perWorker = await runCli(['leases', 'list', '--workers'], {env})
    expect(perWorker.stdout).toMatch(/^WORKER\tPOOLS\tHEALTH\tDISABLED\tACTIVE LEASES\t?$/m)
    expect(perWorker.stdout).toMatch(/^p-db-omaha-worker-03\t.*\tyes\t0\t?$/m)
    expect(perWorker.stdout).toContain('new-worker-unchecked')
    expect(perWorker.stdout).not.toMatch(/^POOL\tWORKERS/m)
  })

  it('a space with no active lease says so on stderr and still summarises its pools', async () => {
    const r = await runCli(['leases', 'list', '--space', 'Platform Team'], {env})
    expect(r.exitCode).toBe(0)
    expect(r.stderr).toContain('No active leases.')
    expect(r.stdout).not.toMatch(/^LEASE /m)
    expect(r.stdout).toMatch(/^Platform Kubernetes London Worker Pool\t2\t2\t0\t0$/m)
  })

  it('--all-spaces reads every space and adds a SPACE column; with --space it is exit 2', async () => {
    const doc = parseJson(await runCli(['leases', 'list', '--all-spaces', '--json'], {env: {...env, OCTOPUS_SPACE: 'Default'}}))
    expect(doc.Spaces.map((s: any) => s.SpaceName)).toEqual(['Default', 'Platform Team'])
    expect(doc.Pools.filter((p: any) => p.SpaceName === 'Platform Team').map((p: any) => p.WorkerPoolName)).toContain('Platform Kubernetes London Worker Pool')
    expect(doc.Leases).toHaveLength(active.length)
    const text = await runCli(['leases', 'list', '--all-spaces'], {env})
    expect(text.stdout).toMatch(/^SPACE\tLEASE\tWORKER\tPOOL\t/m)
    expect(text.stdout).toMatch(/^SPACE\tPOOL\tWORKERS\tAVAILABLE/m)
    expect(text.stdout).toMatch(/^Platform Team\tPlatform Kubernetes London Worker Pool\t2\t/m)
    const workers = await runCli(['leases', 'list', '--all-spaces', '--workers'], {env})
    expect(workers.stdout).toMatch(/^Platform Team\tp-k8s-london-worker-01\t/m)
    const both = await runCli(['leases', 'list', '--all-spaces', '--space', 'Default'], {env})
    expect(both.exitCode).toBe(2)
    expect(both.stderr).toMatch(/--space and --all-spaces cannot be used together\./)
    const badSource = await runCli(['leases', 'list', '--source', 'magic'], {env})
    expect(badSource.exitCode).toBe(2)
    expect(badSource.stderr).toMatch(/--source/)
  })

  it('leases tail counts in its header only the active leases its filter matches', async () => {
    const inPool2 = active.filter((l) => l.WorkerPoolId === 'WorkerPools-2').length
    const r = await runCli(['leases', 'tail', '--pool', 'WorkerPools-2', '--duration', '0.2', '--interval', '0.1'], {env})
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stderr).toContain(`(${inPool2} active now matching --pool/--worker;`)
    const unfiltered = await runCli(['leases', 'tail', '--duration', '0.2', '--interval', '0.1'], {env})
    expect(unfiltered.stderr).toContain(`(${active.length} active now;`)
  })

  it('rejects unknown names with exit 4 and changes nothing', async () => {
    const tasksBefore = sandbox.store.prepare('SELECT COUNT(*) FROM tasks').pluck().get()
    const unknown = await runCli(['leases', 'list', '--worker', 'p-db-omaha-worker-9'], {env})
    expect(unknown.exitCode).toBe(4)
    expect(unknown.stderr).toMatch(/Worker 'p-db-omaha-worker-9' not found. Did you mean: 'p-db-omaha-worker-01'/)
    const unknownPool = await runCli(['leases', 'list', '--pool', 'Staging Linux Pool', '--json'], {env})
    expect(unknownPool.exitCode).toBe(4)
    expect(parseJson(unknownPool).Error).toMatchObject({ExitCode: 4, Message: expect.stringContaining('Staging Linux Worker Pool')})
    const unknownAnywhere = await runCli(['leases', 'list', '--all-spaces', '--pool', 'No Such Pool'], {env})
    expect(unknownAnywhere.exitCode).toBe(4)
    expect(unknownAnywhere.stderr).toMatch(/No worker pool 'No Such Pool' in any space/)
    expect(sandbox.store.prepare('SELECT COUNT(*) FROM tasks').pluck().get()).toBe(tasksBefore)
    expect((await leaseHistory(sandbox)).filter((l) => l.ReleasedAt === null)).toHaveLength(active.length)
  })
})
