/**
 * Every lease a task log records is printed exactly once by `leases tail` (default
 * source), however short: steps of 100-300 ms polled every second, on 2026.1 (lease API
 * reconciled with task logs), on 2021.2 (task logs only), and across a sandbox restart mid-run.
 */
import {describe, expect, it} from 'vitest'
import {api, startTestSandbox, tempDataFile, type Sandbox} from '../../helpers/sandbox.js'
import {jsonLines, leaseHistory, simulationDone, startCli, startSimulation, waitForMorePolls} from './follow.js'

const POOLS = ['WorkerPools-1', 'WorkerPools-2']
const SHORT_STEPS = {MinDurationMs: 100, MaxDurationMs: 300, StepsPerTask: 3}

interface LoggedLease {
  id: string
  /** The lease line's time. */
  takenAt: string
  /** The end of the step that logged it. */
  stepEnded: string | null
}

/** The leases that the `Leased worker … (lease …)` lines of the tasks' own logs record (not the sandbox's history). */
async function leasesInTaskLogs(sandbox: Sandbox, taskIds: string[]): Promise<LoggedLease[]> {
  const found: LoggedLease[] = []
  const scan = (node: any, step: any, deep: boolean) => {
    for (const el of node.LogElements ?? []) {
      const m = /^Leased worker .+ from pool .+ \(lease (WorkerTaskLeases-\d+)\)$/.exec(el.MessageText)
      if (m) found.push({id: m[1], takenAt: el.OccurredAt, stepEnded: step.Ended})
    }
    if (deep) for (const child of node.Children ?? []) scan(child, step, true)
  }
  for (const id of taskIds) {
    const details = await api(sandbox, 'GET', `/api/tasks/${id}/details?verbose=true`)
    expect(details.status).toBe(200)
    // The root activity is the task; its children are the steps.
    for (const root of details.body.ActivityLogs) {
      scan(root, root, false)
      for (const step of root.Children ?? []) scan(step, step, true)
    }
  }
  return found
}

/** Each lease once as Leased and once as Released, Leased first; nothing else, nothing twice. */
function expectEachOnce(events: any[], leaseIds: string[]): void {
  expect(events.map((e) => `${e.Event} ${e.LeaseId}`).sort()).toEqual(leaseIds.flatMap((id) => [`Leased ${id}`, `Released ${id}`]).sort())
  for (const id of leaseIds) expect(events.filter((e) => e.LeaseId === id).map((e) => e.Event)).toEqual(['Leased', 'Released'])
}

describe.concurrent.each(['2026.1', '2021.2'] as const)('leases tail: leases far shorter than the poll interval (Octopus %s)', (version) => {
  it('prints every lease in the task logs exactly once, Leased before Released', async ({onTestFinished}) => {
    const sandbox = await startTestSandbox({seed: 'demo', octopusVersion: version})
    onTestFinished(() => sandbox.close())
    const tail = startCli(['leases', 'tail', '--json', '--interval', '1', '--debug'], sandbox)
    await tail.waitForStderr(/Following worker leases/)
    expect(tail.stderr()).toContain(`lease source for Spaces-1: ${version === '2026.1' ? 'api+logs' : 'logs'}`)

    const sim = await startSimulation(sandbox, {Tasks: 8, Concurrency: 3, WorkerPoolIds: POOLS, ...SHORT_STEPS})
    const done = await simulationDone(sandbox, sim.Id)
    expect(done.TasksCompleted).toBe(8)
    const history = await leaseHistory(sandbox)
    const inLogs = await leasesInTaskLogs(sandbox, [...new Set(history.map((l) => l.ServerTaskId))])
    const logged = inLogs.map((l) => l.id)
    expect(logged).toHaveLength(24)
    expect([...logged].sort()).toEqual(history.map((l) => l.Id).sort())

    await tail.waitForLines(logged.length * 2)
    // Two more polls, so that a duplicate would show; then Ctrl-C.
    await waitForMorePolls(tail, 2)
    tail.child.kill('SIGINT')
    expect(await tail.exit).toBe(0)
    const events = jsonLines(tail.stdout())
    expectEachOnce(events, logged)
    for (const lease of history) {
      const mine = events.filter((e) => e.LeaseId === lease.Id)
      expect(mine.every((e) => e.WorkerId === lease.WorkerId && e.WorkerPoolId === lease.WorkerPoolId && e.TaskId === lease.ServerTaskId)).toBe(true)
      // A lease seen late comes with its real times, from the log: its line's time, its step's end.
      const log = inLogs.find((l) => l.id === lease.Id)!
      const leased = mine.find((e) => e.Event === 'Leased')
      if (leased.Source === 'logs') expect(leased.Time).toBe(log.takenAt)
      const released = mine.find((e) => e.Event === 'Released')
      if (released.Source === 'logs') expect(released.Time).toBe(log.stepEnded)
    }
    if (version === '2026.1') {
      // Steps of 100-300 ms polled every 1 s: most were never in a snapshot, and came from the logs.
      expect(events.filter((e) => e.Source === 'logs').length).toBeGreaterThan(0)
      // Cost: at most lease API + task list + one task lookup + one log read per task completed since the last poll.
      for (const m of tail.stderr().matchAll(/poll \d+ \(api\+logs, Spaces-1\): (\d+) requests/g)) expect(Number(m[1])).toBeGreaterThanOrEqual(2)
    }
  })

  it('loses and duplicates nothing across a sandbox restart mid-run', async ({onTestFinished}) => {
    let sandbox = await startTestSandbox({seed: 'demo', octopusVersion: version, dataFile: tempDataFile()})
    onTestFinished(() => sandbox.close())
    const {url, apiKey, dataFile} = sandbox
    const port = Number(new URL(url).port)
    const tail = startCli(['leases', 'tail', '--json', '--interval', '1', '--debug'], {url, apiKey})
    await tail.waitForStderr(/Following worker leases/)

    // Short steps in many tasks: the restart lands mid-run, failing the tasks it interrupts.
    await startSimulation(sandbox, {Tasks: 40, Concurrency: 3, WorkerPoolIds: POOLS, ...SHORT_STEPS})
    await tail.waitForLines(4)
    await sandbox.close()
    await tail.waitForStderr(/Lost contact with the server/)
    sandbox = await startTestSandbox({seed: 'demo', octopusVersion: version, port, dataFile, apiKey})
    await tail.waitForStderr(/Reconnected after/)
    const sim = await startSimulation(sandbox, {Tasks: 5, Concurrency: 3, WorkerPoolIds: POOLS, ...SHORT_STEPS})
    await simulationDone(sandbox, sim.Id)

    const history = await leaseHistory(sandbox)
    expect(history.every((l) => l.ReleasedAt !== null)).toBe(true)
    const logged = (await leasesInTaskLogs(sandbox, [...new Set(history.map((l) => l.ServerTaskId))])).map((l) => l.id)
    expect([...logged].sort()).toEqual(history.map((l) => l.Id).sort())
    await tail.waitForLines(logged.length * 2)
    await waitForMorePolls(tail, 2)
    tail.child.kill('SIGINT')
    expect(await tail.exit).toBe(0)
    expectEachOnce(jsonLines(tail.stdout()), logged)
  })
})

describe.concurrent.each(['2026.1', '2021.2'] as const)('leases tail: a release failure in a task log (Octopus %s)', (version) => {
  it('is reported as ReleaseFailed, never as the release itself', async ({onTestFinished}) => {
    const sandbox = await startTestSandbox({seed: 'demo', octopusVersion: version})
    onTestFinished(() => sandbox.close())
    const tail = startCli(['leases', 'tail', '--json', '--interval', '0.3', '--debug'], sandbox)
    await tail.waitForStderr(/Following worker leases/)
    const sim = await startSimulation(sandbox, {Tasks: 1, Concurrency: 1, MinDurationMs: 1500, MaxDurationMs: 1500, WorkerPoolIds: ['WorkerPools-1']})
    let lease: {Id: string; ServerTaskId: string; WorkerId: string} | undefined
    while (!lease) {
      lease = (await leaseHistory(sandbox)).find((l) => l.ReleasedAt === null)
      if (!lease) await new Promise((r) => setTimeout(r, 20))
    }
    // The one release line real servers are known to write (OctopusDeploy/Issues#9868), in the step that took the lease.
    const store = sandbox.store
    const step = store.prepare("SELECT activity_id FROM task_log WHERE task_id = ? AND message LIKE 'Leased worker%'").pluck().get(lease.ServerTaskId) as string
    const seq = (store.prepare('SELECT MAX(seq) FROM task_log WHERE task_id = ?').pluck().get(lease.ServerTaskId) as number) + 1
    const failedAt = new Date().toISOString()
    store.prepare('INSERT INTO task_log (task_id, seq, activity_id, category, occurred_at, message) VALUES (?, ?, ?, ?, ?, ?)')
      .run(lease.ServerTaskId, seq, step, 'Warning', failedAt, `Unable to release worker ${lease.WorkerId} from lease ${lease.Id}.  Continuing anyway.  The lease will eventually be cleared by the system.  If this error persists, please contact Octopus support.`)
    await simulationDone(sandbox, sim.Id)

    // 2021.2 reads only the log: Leased, ReleaseFailed. 2026.1 also sees, through the lease API, that the sandbox let it go.
    await tail.waitForLines(version === '2026.1' ? 3 : 2)
    await waitForMorePolls(tail, 2)
    tail.child.kill('SIGINT')
    expect(await tail.exit).toBe(0)
    const mine = jsonLines(tail.stdout()).filter((e) => e.LeaseId === lease!.Id)
    const failed = mine.filter((e) => e.Event === 'ReleaseFailed')
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({Source: 'logs', Time: failedAt, WorkerId: lease.WorkerId, TaskId: lease.ServerTaskId})
    expect(mine[0].Event).toBe('Leased')
    if (version === '2021.2') expect(mine.map((e) => e.Event)).toEqual(['Leased', 'ReleaseFailed'])
    else expect(mine.filter((e) => e.Event === 'Released').map((e) => e.Source)).toEqual(['api'])
  })
})
