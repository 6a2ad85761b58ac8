import {describe, expect, it} from 'vitest'
import {waitUntilDrained, watchLeases, type LeaseWatch} from '../../../src/app/maintenance/drain.js'
import {describeDrainStatus, drainProgressLine, reenableCommand, staleLeaseLine, unfinishedSummary} from '../../../src/views/maintenance-progress.js'
import type {LeaseEvent, LeaseRecord, LeaseSource} from '../../../src/domain/leases/types.js'

function lease(id: number, workerId: string | null, taskId: string, workerName: string | null = null): LeaseRecord {
  return {LeaseId: `WorkerTaskLeases-${id}`, WorkerId: workerId, WorkerName: workerName, WorkerPoolId: 'WorkerPools-1', WorkerPoolName: 'Linux', TaskId: taskId, TaskDescription: null, SpaceId: 'Spaces-1', Exclusive: false, TakenAt: '2026-12-01T09:00:00.000Z', Source: 'api'}
}

/** A watch that answers each look from a script, and a clock that the fake sleep moves (by `step` ms if given). */
function scripted(frames: LeaseRecord[][], step?: number): {watch: LeaseWatch; clock: {t: number}; sleep: (ms: number) => Promise<void>; looks: () => number} {
  let i = 0
  const clock = {t: 0}
  return {
    watch: {active: async () => frames[Math.min(i++, frames.length - 1)]},
    clock,
    sleep: async (ms) => {
      clock.t += step ?? ms
    },
    looks: () => i,
  }
}

const targets = [{Id: 'Workers-1', Name: 'build-01', WasEnabled: true}, {Id: 'Workers-2', Name: 'build-02', WasEnabled: false}]

describe('waitUntilDrained', () => {
  it('waits until no target holds a lease; records leases at start and when each was free', async () => {
    const s = scripted([
      [lease(1, 'Workers-1', 'ServerTasks-10'), lease(2, 'Workers-1', 'ServerTasks-11'), lease(3, 'Workers-2', 'ServerTasks-12'), lease(4, 'Workers-9', 'ServerTasks-13')],
      [lease(1, 'Workers-1', 'ServerTasks-10'), lease(4, 'Workers-9', 'ServerTasks-13')],
      [lease(4, 'Workers-9', 'ServerTasks-13')],
    ], 2000)
    const progress: string[] = []
    const result = await waitUntilDrained({watch: s.watch, targets, timeoutMs: 60_000, intervalMs: 1000, now: () => s.clock.t, sleep: s.sleep, onProgress: (waiting, elapsed) => progress.push(drainProgressLine(waiting, elapsed))})
    expect(result.Outcome).toBe('drained')
    expect(result.Workers.map((w) => [w.Name, w.LeasesAtStart, w.Outcome, w.Leases.length])).toEqual([['build-01', 2, 'drained', 0], ['build-02', 1, 'drained', 0]])
    expect(result.Workers.map((w) => w.SecondsWaited)).toEqual([4, 2])
    expect(progress[0]).toBe('Waiting for build-01: 2 leases (ServerTasks-10, ServerTasks-11); build-02: 1 lease (ServerTasks-12) [0s]')
    expect(progress.at(-1)).toMatch(/^All drained/)
    expect(s.looks()).toBe(3)
  })

  it('matches a lease without a worker ID by the worker\'s name (log source)', async () => {
    const s = scripted([[lease(1, null, 'ServerTasks-20', 'BUILD-01')], []])
    const result = await waitUntilDrained({watch: s.watch, targets: [targets[0]], timeoutMs: 10_000, intervalMs: 1000, now: () => s.clock.t, sleep: s.sleep})
    expect(result.Workers[0].LeasesAtStart).toBe(1)
    expect(result.Outcome).toBe('drained')
  })

  it('times out with the leases still held', async () => {
    const s = scripted([[lease(1, 'Workers-1', 'ServerTasks-10')]])
    const result = await waitUntilDrained({watch: s.watch, targets, timeoutMs: 5_000, intervalMs: 1000, now: () => s.clock.t, sleep: s.sleep})
    expect(result.Outcome).toBe('timed-out')
    expect(result.Workers.map((w) => [w.Name, w.Outcome, w.SecondsWaited])).toEqual([['build-01', 'timed-out', null], ['build-02', 'drained', 0]])
    expect(s.clock.t).toBe(5_000)
    expect(unfinishedSummary(result, {bin: 'octoworkers', spaceName: 'Platform Team', timeoutMs: 5_000})).toEqual([
      'Timed out after 5s: 1 task still holds leases (ServerTasks-10).',
      "Left disabled: 'build-01', 'build-02' (no new task will lease them; running tasks go on).",
      "To put them back in service: octoworkers worker enable build-01 --space 'Platform Team'",
    ])
  })

  it('stops at once when the signal aborts (Ctrl-C)', async () => {
    const controller = new AbortController()
    const s = scripted([[lease(1, 'Workers-1', 'ServerTasks-10')]])
    const result = await waitUntilDrained({
      watch: s.watch, targets, timeoutMs: 60_000, intervalMs: 1000, now: () => s.clock.t, signal: controller.signal,
      sleep: async (ms) => {
        s.clock.t += ms
        controller.abort()
      },
    })
    expect(result.Outcome).toBe('interrupted')
    expect(result.Workers[0].Outcome).toBe('interrupted')
    expect(s.looks()).toBe(2)
  })
})

describe('waitUntilDrained with stale leases (the lease\'s task has finished)', () => {
  const ends = (states: Record<string, string>) => {
    const asked: string[][] = []
    return {
      asked,
      taskEnds: async (ids: string[]) => {
        asked.push(ids)
        return new Map(ids.filter((id) => states[id]).map((id) => [id, {TaskId: id, State: states[id], CompletedTime: states[id] === 'Executing' ? null : '2026-12-01T08:59:00.000Z'}]))
      },
    }
  }

  it('does not wait on a lease whose task is complete, and names it once', async () => {
    const s = scripted([[lease(1, 'Workers-1', 'ServerTasks-10'), lease(2, 'Workers-1', 'ServerTasks-11')], [lease(1, 'Workers-1', 'ServerTasks-10')]], 1000)
    const tasks = ends({'ServerTasks-10': 'Success', 'ServerTasks-11': 'Executing'})
    const stale: string[] = []
    const result = await waitUntilDrained({
      watch: s.watch, targets: [targets[0]], timeoutMs: 60_000, intervalMs: 1000, now: () => s.clock.t, sleep: s.sleep, taskEnds: tasks.taskEnds,
      onStale: (w, l) => stale.push(staleLeaseLine(w, l)),
    })
    expect(result.Outcome).toBe('drained')
    expect(result.Workers[0]).toMatchObject({LeasesAtStart: 1, SecondsWaited: 1, Leases: [], StaleLeases: [{LeaseId: 'WorkerTaskLeases-1', Stale: true, TaskState: 'Success', TaskCompletedTime: '2026-12-01T08:59:00.000Z'}]})
    expect(stale).toEqual(['build-01: stale lease WorkerTaskLeases-1 (task ServerTasks-10 finished Success at 2026-12-01T08:59:00.000Z); not waiting on it (Octopus clears stale leases when the server restarts).'])
    // One batched read per look; a task seen finished is not asked about again.
    expect(tasks.asked).toEqual([['ServerTasks-10', 'ServerTasks-11']])
    expect(describeDrainStatus(result.Workers[0])).toBe('build-01: drained (disabled; 1 lease at start; 1 stale lease of finished task ServerTasks-10 not waited on; free after 1s)')
  })

  it('a worker held only by stale leases is drained at the first look, for every completed state', async () => {
    for (const state of ['Success', 'Failed', 'Canceled', 'TimedOut']) {
      const s = scripted([[lease(1, 'Workers-1', 'ServerTasks-10')]])
      const result = await waitUntilDrained({watch: s.watch, targets: [targets[0]], timeoutMs: 5_000, intervalMs: 1000, now: () => s.clock.t, sleep: s.sleep, taskEnds: ends({'ServerTasks-10': state}).taskEnds})
      expect(result.Outcome, state).toBe('drained')
      expect(s.looks()).toBe(1)
    }
  })

  it('keeps waiting on a lease whose task is running, cancelling, or not found', async () => {
    for (const states of [{'ServerTasks-10': 'Executing'}, {'ServerTasks-10': 'Cancelling'}, {}] as Array<Record<string, string>>) {
      const s = scripted([[lease(1, 'Workers-1', 'ServerTasks-10')]])
      const result = await waitUntilDrained({watch: s.watch, targets: [targets[0]], timeoutMs: 3_000, intervalMs: 1000, now: () => s.clock.t, sleep: s.sleep, taskEnds: ends(states).taskEnds})
      expect(result.Outcome).toBe('timed-out')
      expect(result.Workers[0].StaleLeases).toEqual([])
    }
  })
})

describe('watchLeases', () => {
  it('keeps the active set from start() and the Leased/Released events of each poll', async () => {
    const event = (kind: 'Leased' | 'Released', l: LeaseRecord): LeaseEvent => ({Event: kind, Time: '2026-12-01T09:01:00.000Z', ...l})
    const polls: LeaseEvent[][] = [[event('Leased', lease(2, 'Workers-2', 'ServerTasks-2')), event('Released', lease(1, 'Workers-1', 'ServerTasks-1'))], []]
    const source: LeaseSource = {kind: 'api', spaceId: 'Spaces-1', start: async () => [lease(1, 'Workers-1', 'ServerTasks-1')], poll: async () => polls.shift() ?? []}
    const watch = watchLeases(source)
    expect((await watch.active()).map((l) => l.LeaseId)).toEqual(['WorkerTaskLeases-1'])
    expect((await watch.active()).map((l) => [l.LeaseId, l.TakenAt])).toEqual([['WorkerTaskLeases-2', '2026-12-01T09:01:00.000Z']])
  })
})

describe('reenableCommand', () => {
  it('enables only the workers the drain disabled, quoted for a shell', () => {
    expect(reenableCommand('octoworkers', [{Id: 'Workers-1', Name: "it's 01", WasEnabled: true}, {Id: 'Workers-2', Name: 'b', WasEnabled: false}], 'Default')).toBe("octoworkers worker enable 'it'\\''s 01' --space Default")
    expect(reenableCommand('octoworkers', [{Id: 'Workers-2', Name: 'b', WasEnabled: false}], 'Default')).toBeUndefined()
  })
})
