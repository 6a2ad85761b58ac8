import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {runCli} from '../../helpers/cli.js'
import {startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {jsonLines, leaseHistory, simulationDone, startCli, startSimulation, type HistoryLease} from './follow.js'

const POOLS = ['WorkerPools-1', 'WorkerPools-2']

/** Each history lease must appear exactly once as Leased and once as Released, with its worker, pool and task. */
function expectExactlyOnce(events: any[], leases: HistoryLease[], liveSource: 'api' | 'logs'): void {
  const key = (e: any) => `${e.Event} ${e.LeaseId}`
  const seen = events.map(key)
  const expected = leases.flatMap((l) => [`Leased ${l.Id}`, `Released ${l.Id}`])
  expect([...seen].sort()).toEqual([...expected].sort())
  for (const lease of leases) {
    const mine = events.filter((e) => e.LeaseId === lease.Id)
    for (const e of mine) {
      expect({WorkerId: e.WorkerId, WorkerName: e.WorkerName, WorkerPoolId: e.WorkerPoolId, WorkerPoolName: e.WorkerPoolName, TaskId: e.TaskId, SpaceId: e.SpaceId}).toEqual({
        WorkerId: lease.WorkerId, WorkerName: lease.WorkerName, WorkerPoolId: lease.WorkerPoolId, WorkerPoolName: lease.WorkerPoolName, TaskId: lease.ServerTaskId, SpaceId: lease.SpaceId,
      })
      expect(e.TaskDescription).toMatch(/^Deploy Sandbox Simulation/)
    }
    // Leased before Released.
    expect(mine.map((e) => e.Event)).toEqual(['Leased', 'Released'])
  }
  // Leases seen live are printed in the order the sandbox granted them (with auto, one that no poll
  // saw, as on a loaded machine, comes later from its task's log).
  const live = events.filter((e) => e.Event === 'Leased' && e.Source === liveSource).map((e) => e.LeaseId)
  expect(live).toEqual([...leases].sort((a, b) => a.GrantSequence - b.GrantSequence).map((l) => l.Id).filter((id) => live.includes(id)))
}

// The versions run at the same time, each on a sandbox of its own: they wait on polls and simulated
// tasks, not on CPU. Within a version the tests share its sandbox's lease history, one after another.
describe.concurrent.each(['2026.1', '2021.2'] as const)('leases tail against Octopus %s', (version) => {
  let sandbox: Sandbox
  // --source auto: the lease API reconciled with task logs where the server has it, else logs.
  const source = version === '2026.1' ? 'api+logs' : 'logs'

  beforeAll(async () => {
    sandbox = await startTestSandbox({seed: 'demo', octopusVersion: version})
  })
  afterAll(async () => {
    await sandbox?.close()
  })

  it.sequential(`prints every lease of a simulation exactly once as Leased and once as Released, in order (source ${source}), and exits 0 on Ctrl-C`, async () => {
    const before = (await leaseHistory(sandbox)).length
    const tail = startCli(['leases', 'tail', '--json', '--interval', '0.2', '--debug'], sandbox)
    await tail.waitForStderr(/Following worker leases/)
    expect(tail.stderr()).toContain(`lease source for Spaces-1: ${source}`)
    // The lease API only shows leases that outlive a poll, so each lasts several poll intervals.
    const sim = await startSimulation(sandbox, {Tasks: 12, Concurrency: 4, MinDurationMs: 800, MaxDurationMs: 1500, WorkerPoolIds: POOLS})
    await simulationDone(sandbox, sim.Id)
    const leases = (await leaseHistory(sandbox)).slice(before)
    expect(leases).toHaveLength(12)
    await tail.waitForLines(leases.length * 2)
    // Let several more polls pass so a duplicate would show, then Ctrl-C.
    const lastPoll = Math.max(0, ...[...tail.stderr().matchAll(/poll (\d+) \(/g)].map((m) => Number(m[1])))
    await tail.waitForStderr(new RegExp(`poll ${lastPoll + 3} \\(`))
    tail.child.kill('SIGINT')
    expect(await tail.exit).toBe(0)
    const events = jsonLines(tail.stdout())
    // 2021.2 has only the logs; on 2026.1 leases that outlive several polls are seen live by the lease API
    // (a slow machine can still stretch the gap between polls: then the log reports them).
    expect(events.every((e) => (version === '2026.1' ? ['api', 'logs'] : ['logs']).includes(e.Source))).toBe(true)
    if (version === '2026.1') expect(events.some((e) => e.Source === 'api')).toBe(true)
    expect(Object.keys(events[0])).toEqual(['Event', 'Time', 'LeaseId', 'WorkerId', 'WorkerName', 'WorkerPoolId', 'WorkerPoolName', 'TaskId', 'TaskDescription', 'SpaceId', 'Exclusive', 'Source'])
    expectExactlyOnce(events, leases, version === '2026.1' ? 'api' : 'logs')
    // Both read only new and completed tasks: a quiet poll is 2 requests (lease API or executing tasks, plus completed tasks).
    const polls = [...tail.stderr().matchAll(/poll \d+ \([\w+]+, Spaces-1\): (\d+) requests/g)].map((m) => Number(m[1]))
    expect(polls.length).toBeGreaterThan(0)
    expect(Math.min(...polls)).toBe(2)
  })

  it.sequential('filters by pool, stops after --max-events, and shows active leases with --include-active', async () => {
    const sim = await startSimulation(sandbox, {Tasks: 4, Concurrency: 4, MinDurationMs: 30_000, MaxDurationMs: 30_000, WorkerPoolIds: POOLS})
    const until = Date.now() + 10_000
    let active: HistoryLease[] = []
    while (Date.now() < until) {
      active = (await leaseHistory(sandbox)).filter((l) => l.ReleasedAt === null)
      if (active.length === 4) break
      await new Promise((r) => setTimeout(r, 50))
    }
    const inPool2 = active.filter((l) => l.WorkerPoolId === 'WorkerPools-2')
    const result = await runCli(['leases', 'tail', '--json', '--include-active', '--pool', 'production database omaha worker pool', '--max-events', String(inPool2.length), '--interval', '0.2', '--duration', '20'], {
      env: {OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey},
    })
    expect(result.exitCode).toBe(0)
    const events = jsonLines(result.stdout)
    expect(events.map((e) => e.LeaseId).sort()).toEqual(inPool2.map((l) => l.Id).sort())
    expect(events.every((e) => e.Event === 'Leased' && e.WorkerPoolName === 'Production Database Omaha Worker Pool')).toBe(true)
    expect(sim.Id).toMatch(/^Simulations-/)
  })

  it.sequential('rejects bad input before following: --interval 0 or negative (exit 2), unknown --pool/--worker (exit 4)', async () => {
    // In-process (spawn: false): each run ends before following; one that followed would hang to the timeout.
    const env = {OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey}
    const tasksBefore = sandbox.store.prepare('SELECT COUNT(*) FROM tasks').pluck().get()
    for (const interval of ['0', '-1', 'fast']) {
      const r = await runCli(['leases', 'tail', '--interval', interval], {env, spawn: false})
      expect(r.exitCode).toBe(2)
      expect(r.stderr).toMatch(/--interval (must be from 100ms to 1h|'[^']+' is not a duration)/)
    }
    const pool = await runCli(['leases', 'tail', '--pool', 'Default Worker Pol'], {env, spawn: false})
    expect(pool.exitCode).toBe(4)
    expect(pool.stderr).toMatch(/Default Worker Pol/)
    expect(pool.stderr).toMatch(/Default Worker Pool/)
    const worker = await runCli(['leases', 'tail', '--worker', 'no-such-worker', '--json'], {env, spawn: false})
    expect(worker.exitCode).toBe(4)
    expect(JSON.parse(worker.stdout).Error.ExitCode).toBe(4)
    const both = await runCli(['leases', 'tail', '--all-spaces', '--space', 'Default'], {env, spawn: false})
    expect(both.exitCode).toBe(2)
    expect(both.stderr).toMatch(/--space and --all-spaces cannot be used together\./)
    expect(sandbox.store.prepare('SELECT COUNT(*) FROM tasks').pluck().get()).toBe(tasksBefore)
  })

  it.sequential('--all-spaces follows every space, choosing a source for each (and outranks OCTOPUS_SPACE)', async () => {
    const r = await runCli(['leases', 'tail', '--all-spaces', '--duration', '0.5', '--interval', '0.2', '--debug'], {env: {OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey, OCTOPUS_SPACE: 'Default'}})
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/Following worker leases in Default, Platform Team \(/)
    for (const spaceId of ['Spaces-1', 'Spaces-2']) expect(r.stderr).toContain(`lease source for ${spaceId}: ${source}`)
  })

  it.sequential(version === '2021.2' ? '--source api is a clear failure (exit 1) without the lease API' : '--source logs and --source api work on a server with the lease API', async () => {
    const env = {OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey}
    const r = await runCli(['leases', 'tail', '--source', version === '2021.2' ? 'api' : 'logs', '--duration', '0.5', '--interval', '0.2', '--debug'], {env})
    if (version === '2021.2') {
      expect(r.exitCode).toBe(1)
      expect(r.stderr).toMatch(/no worker task lease API/)
      expect(r.stderr).toMatch(/--source logs/)
    } else {
      expect(r.exitCode).toBe(0)
      expect(r.stderr).toMatch(/lease source for Spaces-1: logs/)
      const pure = await runCli(['leases', 'tail', '--source', 'api', '--duration', '0.5', '--interval', '0.2', '--debug'], {env})
      expect(pure.exitCode).toBe(0)
      expect(pure.stderr).toMatch(/lease source for Spaces-1: api \(--source api/)
      // Pure API: one request per quiet poll.
      expect(pure.stderr).toMatch(/poll 1 \(api, Spaces-1\): 1 requests/)
    }
  })
})
