/**
 * Lease source 2 (older servers without `/workertaskleases`): leases from task logs.
 *
 * Cost per poll is 2 list requests (executing tasks; tasks completed since the last poll) plus one
 * log read per task that is NEW (first seen executing), that COMPLETED, or that has not logged a
 * lease yet (re-read with back-off, only when its LastUpdatedTime moved). A task that already
 * showed its lease is not re-read while it runs, so with 200 long-running tasks a quiet poll costs
 * 2 requests, not 202. The price: a second lease taken mid-task (the worker can change during a
 * deployment) is reported when the task completes, with the log line's own timestamp.
 * `Released` comes from a release line if the log has one, else from the task's completion.
 */
import type {SpaceContext} from '../octopus/client.js'
import type {TaskResource} from '../octopus/types.js'
import type {TaskDetailsResource} from '../octopus/repositories.js'
import type {NameDirectory} from './directory.js'
import {idNumber} from './diff.js'
import {flattenActivityLogs, leasesFromLog, type LoggedLease} from './parse.js'
import {COMPLETED_STATES, EXECUTING_STATES, queryTasks, readTaskLog} from './tasks.js'
import {mapBounded} from '../concurrency.js'
import {leaseEvent, type LeaseEvent, type LeaseRecord, type LeaseSource} from './types.js'

/** Log reads in flight at once. */
export const LOG_READ_CONCURRENCY = 8
/** Completed tasks are re-queried this far behind the newest completion seen, for late commits. */
const COMPLETION_OVERLAP_MS = 10_000
const MAX_RECHECK_GAP = 16

interface TrackedTask {
  leases: Map<string, LeaseRecord>
  released: Set<string>
  lastUpdated?: string
  recheckGap: number
  nextCheckPoll: number
}

interface TaskRead {
  task: TaskResource
  logged: Array<{lease: LoggedLease; record: LeaseRecord}>
}

export class LogLeaseSource implements LeaseSource {
  readonly kind = 'logs' as const
  private tracked = new Map<string, TrackedTask>()
  /** Completed tasks already accounted for → their completion time (ms), pruned as the cursor moves. */
  private done = new Map<string, number>()
  /** Newest completion time seen (ms); undefined until the server has any completed task. */
  private cursor?: number
  /** Completions at or before this instant happened before we started. */
  private baseline = -Infinity
  private pollNumber = 0

  constructor(
    private readonly space: SpaceContext,
    private readonly directory: NameDirectory,
  ) {}

  get spaceId(): string {
    return this.space.spaceId
  }

  async start(): Promise<LeaseRecord[]> {
    const [executing, recentCompleted] = await Promise.all([
      queryTasks(this.space, {states: EXECUTING_STATES}),
      queryTasks(this.space, {states: COMPLETED_STATES, limit: 100}),
    ])
    const reads = await this.readAll(executing)
    for (const task of recentCompleted) this.markDone(task)
    if (this.cursor !== undefined) this.baseline = this.cursor
    const active: LeaseRecord[] = []
    for (const read of reads) {
      const tracked = this.track(read.task)
      for (const {lease, record} of read.logged) {
        tracked.leases.set(lease.key, record)
        if (lease.releasedAt) tracked.released.add(lease.key)
        else active.push(record)
      }
    }
    return active.sort((a, b) => Date.parse(a.TakenAt) - Date.parse(b.TakenAt))
  }

  async poll(): Promise<LeaseEvent[]> {
    this.pollNumber++
    this.directory.beginPoll()
    const since = this.cursor === undefined ? undefined : new Date(this.cursor - COMPLETION_OVERLAP_MS).toISOString()
    const [executing, completed] = await Promise.all([
      queryTasks(this.space, {states: EXECUTING_STATES}),
      queryTasks(this.space, {states: COMPLETED_STATES, fromCompletedDate: since}),
    ])

    const toRead = new Map<string, TaskResource>()
    const executingIds = new Set(executing.map((t) => t.Id))
    for (const task of executing) {
      const tracked = this.tracked.get(task.Id)
      if (!tracked) toRead.set(task.Id, task)
      else if (this.dueForRecheck(tracked, task)) toRead.set(task.Id, task)
    }
    const completedIds = new Set<string>()
    for (const task of completed) {
      completedIds.add(task.Id)
      if (this.done.has(task.Id)) continue
      if (!this.tracked.has(task.Id) && completedMs(task) <= this.baseline) continue
      toRead.set(task.Id, task)
    }
    // Tracked tasks neither executing nor in the completed list: re-read to learn what became of them.
    for (const [id] of this.tracked) if (!executingIds.has(id) && !completedIds.has(id) && !toRead.has(id)) toRead.set(id, {Id: id} as TaskResource)

    // Every request of the poll happens before any state changes, so a failed poll is retried whole.
    const reads = await this.readAll([...toRead.values()])

    const events: LeaseEvent[] = []
    for (const read of reads) {
      const isNew = !this.tracked.has(read.task.Id)
      const tracked = this.track(read.task)
      const listed = toRead.get(read.task.Id)
      tracked.lastUpdated = listed?.LastUpdatedTime ?? read.task.LastUpdatedTime
      if (!isNew && tracked.leases.size === 0) {
        tracked.recheckGap = Math.min(MAX_RECHECK_GAP, tracked.recheckGap * 2)
        tracked.nextCheckPoll = this.pollNumber + tracked.recheckGap
      }
      for (const {lease, record} of read.logged) {
        if (!tracked.leases.has(lease.key)) {
          tracked.leases.set(lease.key, record)
          events.push(leaseEvent('Leased', record.TakenAt, record))
        }
        if (lease.releasedAt && !tracked.released.has(lease.key)) {
          tracked.released.add(lease.key)
          events.push(leaseEvent('Released', lease.releasedAt, record))
        }
      }
      if (read.task.IsCompleted || COMPLETED_STATES.includes(read.task.State)) {
        const at = read.task.CompletedTime ?? new Date().toISOString()
        for (const [key, record] of tracked.leases) {
          if (!tracked.released.has(key)) events.push(leaseEvent('Released', at, record))
        }
        this.tracked.delete(read.task.Id)
        this.markDone(read.task)
      }
    }
    for (const task of completed) if (!this.done.has(task.Id) && !this.tracked.has(task.Id)) this.markDone(task)
    this.prune()
    return orderEvents(events)
  }

  /** Number of tasks being followed (for --debug and the benchmark). */
  get trackedTasks(): number {
    return this.tracked.size
  }

  private track(task: TaskResource): TrackedTask {
    let tracked = this.tracked.get(task.Id)
    if (!tracked) {
      tracked = {leases: new Map(), released: new Set(), lastUpdated: task.LastUpdatedTime, recheckGap: 1, nextCheckPoll: this.pollNumber + 1}
      this.tracked.set(task.Id, tracked)
    }
    return tracked
  }

  /** A task with no lease yet is re-read, with back-off, and only when its log has moved. */
  private dueForRecheck(tracked: TrackedTask, task: TaskResource): boolean {
    if (tracked.leases.size > 0 || this.pollNumber < tracked.nextCheckPoll) return false
    return !task.LastUpdatedTime || task.LastUpdatedTime !== tracked.lastUpdated
  }

  private markDone(task: TaskResource): void {
    const at = completedMs(task)
    this.done.set(task.Id, at)
    if (Number.isFinite(at) && (this.cursor === undefined || at > this.cursor)) this.cursor = at
  }

  private prune(): void {
    if (this.cursor === undefined) return
    const horizon = this.cursor - COMPLETION_OVERLAP_MS * 6
    for (const [id, at] of this.done) if (at < horizon) this.done.delete(id)
  }

  private async readAll(tasks: TaskResource[]): Promise<TaskRead[]> {
    const details = await mapBounded(tasks, LOG_READ_CONCURRENCY, (task) => readTaskLog(this.space, task.Id))
    const reads: TaskRead[] = []
    for (const detail of details) reads.push(await this.toRead(detail))
    return reads
  }

  private async toRead(detail: TaskDetailsResource): Promise<TaskRead> {
    const task = detail.Task
    const logged = leasesFromLog(task.Id, flattenActivityLogs(detail.ActivityLogs ?? []))
    const out: TaskRead['logged'] = []
    for (const lease of logged) out.push({lease, record: await this.record(task, lease)})
    return {task, logged: out}
  }

  private async record(task: TaskResource, lease: LoggedLease): Promise<LeaseRecord> {
    const worker = await this.directory.workerByName(lease.workerName)
    const pool = await this.directory.poolByName(lease.poolName)
    return {
      LeaseId: lease.leaseId ?? lease.key,
      WorkerId: worker?.Id ?? null,
      WorkerName: worker?.Name ?? lease.workerName,
      WorkerPoolId: pool?.Id ?? null,
      WorkerPoolName: pool?.Name ?? lease.poolName,
      TaskId: task.Id,
      TaskDescription: task.Description ?? null,
      SpaceId: task.SpaceId ?? this.space.spaceId,
      // Octopus takes an exclusive lease only for a Tentacle upgrade (worker-pools docs), and logs don't say.
      Exclusive: lease.exclusive || task.Name === 'Upgrade',
      TakenAt: lease.takenAt,
      Source: 'logs',
    }
  }
}

/**
 * Time order; within one instant releases come before leases (a worker is handed back, then
 * taken), leases by lease number; but a lease's own Leased always precedes its Released.
 */
export function orderEvents(events: LeaseEvent[]): LeaseEvent[] {
  const kindRank = (e: LeaseEvent) => (e.Event === 'Released' ? 0 : 1)
  const sorted = [...events].sort((a, b) => Date.parse(a.Time) - Date.parse(b.Time) || kindRank(a) - kindRank(b) || idNumber(a.LeaseId) - idNumber(b.LeaseId))
  const out: LeaseEvent[] = []
  const waiting = new Map<string, LeaseEvent>()
  const leasedHere = new Set(sorted.filter((e) => e.Event === 'Leased').map((e) => e.LeaseId))
  const printedLeased = new Set<string>()
  for (const event of sorted) {
    if (event.Event === 'Released' && leasedHere.has(event.LeaseId) && !printedLeased.has(event.LeaseId)) {
      waiting.set(event.LeaseId, event)
      continue
    }
    out.push(event)
    if (event.Event === 'Leased') {
      printedLeased.add(event.LeaseId)
      const release = waiting.get(event.LeaseId)
      if (release) {
        out.push(release)
        waiting.delete(event.LeaseId)
      }
    }
  }
  return out
}

function completedMs(task: TaskResource): number {
  return task.CompletedTime ? Date.parse(task.CompletedTime) : NaN
}
