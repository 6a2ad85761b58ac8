/**
 * Lease source 2 (older servers without `/workertaskleases`): leases from task logs.
 *
 * Cost per poll is 2 list requests (executing tasks; tasks completed since the last poll) plus one
 * log read per task that is NEW (first seen executing), that COMPLETED, or that has not logged a
 * lease yet (re-read with back-off, only when its LastUpdatedTime moved). A task that already
 * showed its lease is not re-read while it runs, so with 200 long-running tasks a quiet poll costs
 * 2 requests, not 202. The price: a second lease taken mid-task (the worker can change during a
 * deployment) is reported when the task completes, with the log line's own timestamp.
 * `Released` is the end of the step that logged the lease (its activity's `Ended`), else the
 * task's completion; real servers write no release line. `Unable to release worker … from lease
 * …` is reported as `ReleaseFailed`, and no Released follows from the log (the server still holds
 * the lease until it clears it).
 */
import type {SpaceContext} from '../../octopus/client.js'
import type {TaskResource} from '../../octopus/types.js'
import type {TaskDetailsResource} from '../../octopus/types.js'
import type {NameDirectory} from './directory.js'
import {idNumber} from '../../domain/leases/diff.js'
import {flattenActivityLogs, leasesFromLog, type LoggedLease} from '../../domain/leases/parse.js'
import {CompletionCursor, isCompleted} from './task-completions.js'
import {EXECUTING_STATES, queryTasks, readTaskLog} from './tasks.js'
import {mapBounded} from '../../text/concurrency.js'
import {leaseEvent, type CompletedTaskLog, type LeaseEvent, type LeaseRecord, type LeaseSource} from '../../domain/leases/types.js'

/** Log reads in flight at once. */
export const LOG_READ_CONCURRENCY = 8
const MAX_RECHECK_GAP = 16

interface TrackedTask {
  leases: Map<string, LeaseRecord>
  /** Leases whose end (Released, or ReleaseFailed) has been reported. */
  released: Set<string>
  lastUpdated?: string
  recheckGap: number
  nextCheckPoll: number
}

export interface TaskRead {
  task: TaskResource
  logged: Array<{lease: LoggedLease; record: LeaseRecord}>
}

export class LogLeaseSource implements LeaseSource {
  readonly kind = 'logs' as const
  private tracked = new Map<string, TrackedTask>()
  private readonly completions: CompletionCursor
  private pollNumber = 0
  onCompletedTaskLog?: (log: CompletedTaskLog) => void

  constructor(
    private readonly space: SpaceContext,
    private readonly directory: NameDirectory,
  ) {
    this.completions = new CompletionCursor(space)
  }

  get spaceId(): string {
    return this.space.spaceId
  }

  async start(): Promise<LeaseRecord[]> {
    const [executing] = await Promise.all([queryTasks(this.space, {states: EXECUTING_STATES}), this.completions.establish()])
    const reads = await this.readAll(executing)
    reportCompletedLogs(this.onCompletedTaskLog, this.space.spaceId, reads)
    const active: LeaseRecord[] = []
    for (const read of reads) {
      const tracked = this.track(read.task)
      for (const {lease, record} of read.logged) {
        tracked.leases.set(lease.key, record)
        // A lease the server failed to release is still held: active, with no end to report.
        if (lease.releasedAt || lease.releaseFailedAt) tracked.released.add(lease.key)
        if (!lease.releasedAt || lease.releaseFailedAt) active.push(record)
      }
    }
    return active.sort((a, b) => Date.parse(a.TakenAt) - Date.parse(b.TakenAt))
  }

  async poll(): Promise<LeaseEvent[]> {
    this.pollNumber++
    this.directory.beginPoll()
    const [executing, completed] = await Promise.all([queryTasks(this.space, {states: EXECUTING_STATES}), this.completions.query()])

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
      if (this.completions.isNews(task, this.tracked.has(task.Id))) toRead.set(task.Id, task)
    }
    // Tracked tasks neither executing nor in the completed list: re-read to learn what became of them.
    for (const [id] of this.tracked) if (!executingIds.has(id) && !completedIds.has(id) && !toRead.has(id)) toRead.set(id, {Id: id} as TaskResource)

    // Every request of the poll happens before any state changes, so a failed poll is retried whole.
    const reads = await this.readAll([...toRead.values()])
    reportCompletedLogs(this.onCompletedTaskLog, this.space.spaceId, reads)

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
      events.push(...loggedLeaseEvents(tracked, read))
      if (isCompleted(read.task)) {
        this.tracked.delete(read.task.Id)
        this.completions.markDone(read.task)
      }
    }
    for (const task of completed) if (!this.completions.has(task.Id) && !this.tracked.has(task.Id)) this.completions.markDone(task)
    this.completions.prune()
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

  private readAll(tasks: TaskResource[]): Promise<TaskRead[]> {
    return readTaskLeases(this.space, this.directory, tasks)
  }
}

/** Hands the completed tasks among `reads` to a source's onCompletedTaskLog (executing tasks' logs are not final yet). */
export function reportCompletedLogs(receiver: ((log: CompletedTaskLog) => void) | undefined, spaceId: string, reads: readonly TaskRead[]): void {
  if (!receiver) return
  for (const read of reads) {
    if (!isCompleted(read.task)) continue
    receiver({SpaceId: read.task.SpaceId ?? spaceId, TaskId: read.task.Id, leases: read.logged.map(({lease, record}) => ({lease: record, mutexWaitMs: lease.mutexWaitMs}))})
  }
}

/** Reads the logs of `tasks` (LOG_READ_CONCURRENCY at a time) and the leases each records, with names resolved. */
export async function readTaskLeases(space: SpaceContext, directory: NameDirectory, tasks: TaskResource[]): Promise<TaskRead[]> {
  const details = await mapBounded(tasks, LOG_READ_CONCURRENCY, (task) => readTaskLog(space, task.Id))
  const reads: TaskRead[] = []
  for (const detail of details) reads.push(await toRead(space, directory, detail))
  return reads
}

async function toRead(space: SpaceContext, directory: NameDirectory, detail: TaskDetailsResource): Promise<TaskRead> {
  const task = detail.Task
  const logged = leasesFromLog(task.Id, flattenActivityLogs(detail.ActivityLogs ?? []))
  const out: TaskRead['logged'] = []
  for (const lease of logged) out.push({lease, record: await loggedLeaseRecord(space, directory, task, lease)})
  return {task, logged: out}
}

async function loggedLeaseRecord(space: SpaceContext, directory: NameDirectory, task: TaskResource, lease: LoggedLease): Promise<LeaseRecord> {
  const worker = await directory.workerByName(lease.workerName)
  const pool = await directory.poolByName(lease.poolName)
  return {
    LeaseId: lease.leaseId ?? lease.key,
    WorkerId: worker?.Id ?? null,
    WorkerName: worker?.Name ?? lease.workerName,
    WorkerPoolId: pool?.Id ?? null,
    WorkerPoolName: pool?.Name ?? lease.poolName,
    TaskId: task.Id,
    TaskDescription: task.Description ?? null,
    SpaceId: task.SpaceId ?? space.spaceId,
    // Octopus takes an exclusive lease only for a Tentacle upgrade (worker-pools docs), and logs don't say.
    Exclusive: lease.exclusive || task.Name === 'Upgrade',
    TakenAt: lease.takenAt,
    Source: 'logs',
  }
}

/**
 * Time order; within one instant ends come before leases (a worker is handed back, then taken),
 * leases by lease number; but a lease's own Leased always precedes its Released/ReleaseFailed.
 */
export function orderEvents(events: LeaseEvent[]): LeaseEvent[] {
  const kindRank = (e: LeaseEvent) => (e.Event === 'Leased' ? 1 : 0)
  const sorted = [...events].sort((a, b) => Date.parse(a.Time) - Date.parse(b.Time) || kindRank(a) - kindRank(b) || idNumber(a.LeaseId) - idNumber(b.LeaseId))
  const out: LeaseEvent[] = []
  const waiting = new Map<string, LeaseEvent[]>()
  const leasedHere = new Set(sorted.filter((e) => e.Event === 'Leased').map((e) => e.LeaseId))
  const printedLeased = new Set<string>()
  for (const event of sorted) {
    if (event.Event !== 'Leased' && leasedHere.has(event.LeaseId) && !printedLeased.has(event.LeaseId)) {
      waiting.set(event.LeaseId, [...(waiting.get(event.LeaseId) ?? []), event])
      continue
    }
    out.push(event)
    if (event.Event === 'Leased') {
      printedLeased.add(event.LeaseId)
      out.push(...(waiting.get(event.LeaseId) ?? []))
      waiting.delete(event.LeaseId)
    }
  }
  return out
}

/** What a task's log tells about each lease that has not been reported yet (mutates `tracked`). */
export function loggedLeaseEvents(
  tracked: {leases: Map<string, LeaseRecord>; released: Set<string>},
  read: {task: TaskResource; logged: Array<{lease: LoggedLease; record: LeaseRecord}>},
): LeaseEvent[] {
  const events: LeaseEvent[] = []
  for (const {lease, record} of read.logged) {
    if (!tracked.leases.has(lease.key)) {
      tracked.leases.set(lease.key, record)
      events.push(leaseEvent('Leased', record.TakenAt, record))
    }
    if (tracked.released.has(lease.key)) continue
    if (lease.releaseFailedAt) {
      tracked.released.add(lease.key)
      events.push(leaseEvent('ReleaseFailed', lease.releaseFailedAt, record))
    } else if (lease.releasedAt) {
      tracked.released.add(lease.key)
      events.push(leaseEvent('Released', lease.releasedAt, record))
    }
  }
  if (isCompleted(read.task)) {
    // Whatever the task still held ends with it (its log has no step end for it).
    const at = read.task.CompletedTime ?? read.task.LastUpdatedTime ?? new Date().toISOString()
    for (const [key, record] of tracked.leases) {
      if (tracked.released.has(key)) continue
      tracked.released.add(key)
      events.push(leaseEvent('Released', at, record))
    }
  }
  return events
}
