import {describe, expect, it} from 'vitest'
import {startTestSandbox, tempDataFile} from '../../helpers/sandbox.js'
import {jsonLines, leaseHistory, simulationDone, startCli, startSimulation} from './follow.js'

const POOLS = ['WorkerPools-1', 'WorkerPools-2']

// The versions' follows run at the same time: each waits on polls and simulated tasks, not on CPU.
describe.concurrent.each(['2026.1', '2021.2'] as const)('leases tail across a sandbox restart (Octopus %s)', (version) => {
  it('reconnects, says so on stderr, and loses and duplicates nothing', async ({onTestFinished}) => {
    let sandbox = await startTestSandbox({seed: 'demo', octopusVersion: version, dataFile: tempDataFile()})
    onTestFinished(() => sandbox.close())
    const {url, apiKey, dataFile} = sandbox
    const port = Number(new URL(url).port)
    const tail = startCli(['leases', 'tail', '--json', '--interval', '0.2', '--debug'], {url, apiKey})
    await tail.waitForStderr(/Following worker leases/)

    // Long tasks, so some leases are active when the server goes away (the restart fails them and clears their leases).
    await startSimulation(sandbox, {Tasks: 4, Concurrency: 4, MinDurationMs: 60_000, MaxDurationMs: 60_000, WorkerPoolIds: POOLS})
    await tail.waitForLines(4)
    await sandbox.close()
    await tail.waitForStderr(/Lost contact with the server/)
    // The new process fails the interrupted tasks and clears their leases: those releases happened
    // while the tail was disconnected, and must still be reported once each.
    sandbox = await startTestSandbox({seed: 'demo', octopusVersion: version, port, dataFile, apiKey})
    await tail.waitForStderr(/Reconnected after/)
    const sim = await startSimulation(sandbox, {Tasks: 6, Concurrency: 3, MinDurationMs: 800, MaxDurationMs: 1200, WorkerPoolIds: POOLS})
    await simulationDone(sandbox, sim.Id)

    const leases = await leaseHistory(sandbox)
    expect(leases).toHaveLength(10)
    expect(leases.every((l) => l.ReleasedAt !== null)).toBe(true)
    await tail.waitForLines(leases.length * 2)
    // Several more polls, so that a duplicate would show.
    const lastPoll = Math.max(0, ...[...tail.stderr().matchAll(/poll (\d+) \(/g)].map((m) => Number(m[1])))
    await tail.waitForStderr(new RegExp(`poll ${lastPoll + 3} \\(`))
    tail.child.kill('SIGINT')
    expect(await tail.exit).toBe(0)

    const events = jsonLines(tail.stdout())
    expect(events.map((e) => `${e.Event} ${e.LeaseId}`).sort()).toEqual(leases.flatMap((l) => [`Leased ${l.Id}`, `Released ${l.Id}`]).sort())
    for (const lease of leases) {
      const mine = events.filter((e) => e.LeaseId === lease.Id)
      expect(mine.map((e) => e.Event)).toEqual(['Leased', 'Released'])
      expect(mine.every((e) => e.WorkerId === lease.WorkerId && e.TaskId === lease.ServerTaskId && e.WorkerPoolId === lease.WorkerPoolId)).toBe(true)
    }
  })
})
