/**
 * `--source auto` on a server with the lease API: the lease API for liveness, reconciled with task
 * logs so that no lease is missed, however short.
 *
 * Each poll: one lease-API request (Leased lines as soon as a snapshot shows a lease), one
 * task-list request (the tasks completed since the last poll), and one log read per task that
 * completed since then — never a read per executing task per poll. A completed task's log is read
 * once; every lease it records that no poll saw is printed then, from the log (`Source: "logs"`),
 * with its real times (the log line's time; the end of its step, or of the task).
 *
 * The lease ID is the key: a lease seen by both sources is one lease, printed Leased once and
 * Released once (whichever source saw the end first). A log line without a lease ID is matched to
 * a lease the API saw in the same task with the same worker and pool.
 *
 * At start, the logs of the tasks executing then are read once, so that leases they took and
 * ended before we started are not reported as news when those tasks complete.
 */
import type {SpaceContext} from '../../octopus/client.js'
import type {TaskResource} from '../../octopus/types.js'
import {ApiLeaseSource} from './api-source.js'
import {CompletionCursor} from './task-completions.js'
import type {NameDirectory} from './directory.js'
import {orderEvents, readTaskLeases, reportCompletedLogs, type TaskRead} from './log-source.js'
import type {LoggedLease} from '../../domain/leases/parse.js'
import {EXECUTING_STATES, queryTasks} from './tasks.js'
import {leaseEvent, type CompletedTaskLog, type LeaseEvent, type LeaseRecord, type LeaseSource} from '../../domain/leases/types.js'

export class ReconciledLeaseSource implements LeaseSource {
  readonly kind = 'api+logs' as const
  private readonly api: ApiLeaseSource
  private readonly completions: CompletionCursor
  private readonly state = new LeaseBook()
  /** Tasks whose completion we must not miss even if their CompletedTime looks old: executing at start, or seen holding a lease. */
  private readonly followed = new Set<string>()
  /** Log reads made by the last poll (for --debug and the benchmark). */
  lastLogReads = 0
  onCompletedTaskLog?: (log: CompletedTaskLog) => void

  constructor(
    private readonly space: SpaceContext,
    private readonly directory: NameDirectory,
    api?: ApiLeaseSource,
  ) {
    this.api = api ?? new ApiLeaseSource(space, directory)
    this.completions = new CompletionCursor(space)
  }

  get spaceId(): string {
    return this.space.spaceId
  }

  async start(): Promise<LeaseRecord[]> {
    const [active, executing] = await Promise.all([this.api.start(), queryTasks(this.space, {states: EXECUTING_STATES}), this.completions.establish()])
    const reads = await readTaskLeases(this.space, this.directory, executing)
    reportCompletedLogs(this.onCompletedTaskLog, this.space.spaceId, reads)
    for (const record of active) {
      this.state.seenByApi(record)
      this.followed.add(record.TaskId)
    }
    // What the executing tasks logged before now is history: known, and ended if its step ended.
    for (const read of reads) {
      this.followed.add(read.task.Id)
      for (const {lease} of read.logged) {
        const id = this.state.identify(read.task.Id, lease)
        this.state.leased.add(id)
        if (lease.releaseFailedAt) this.state.failed.add(id)
        // Ended in the log but still in the API snapshot: the API will report its release.
        if (lease.releasedAt && !this.api.activeLeaseIds.has(id)) this.state.released.add(id)
      }
    }
    return active
  }

  async poll(): Promise<LeaseEvent[]> {
    // Every request first; state changes only once all succeeded, so a failed poll is retried whole.
    const observed = await this.api.observe()
    const completed = await this.completions.query()
    const news = completed.filter((task) => this.completions.isNews(task, this.followed.has(task.Id)))
    const reads = await readTaskLeases(this.space, this.directory, news)
    this.lastLogReads = news.length
    reportCompletedLogs(this.onCompletedTaskLog, this.space.spaceId, reads)

    const events: LeaseEvent[] = []
    for (const event of observed.commit()) {
      if (event.Event === 'Leased') {
        this.followed.add(event.TaskId)
        if (this.state.leased.has(event.LeaseId)) {
          this.state.seenByApi(recordOf(event))
          continue
        }
        this.state.seenByApi(recordOf(event))
        this.state.leased.add(event.LeaseId)
        events.push(event)
      } else if (!this.state.released.has(event.LeaseId)) {
        this.state.released.add(event.LeaseId)
        events.push(event)
      }
    }
    for (const read of reads) {
      events.push(...this.reconcile(read))
      this.state.forgetTask(read.task.Id, read.logged.map(({lease}) => lease.key))
    }
    for (const task of news) {
      this.completions.markDone(task)
      this.followed.delete(task.Id)
    }
    for (const task of completed) if (!this.completions.has(task.Id)) this.completions.markDone(task)
    this.completions.prune()
    return orderEvents(events)
  }

  /** The leases a completed task's log records, less what was already printed. */
  private reconcile(read: TaskRead): LeaseEvent[] {
    const events: LeaseEvent[] = []
    const task = read.task
    for (const {lease, record: logged} of read.logged) {
      const id = this.state.identify(task.Id, lease)
      // Fields as the API gave them when it saw the lease (IDs it knows), times from the log.
      const base = this.state.apiRecord(id) ?? {...logged, LeaseId: id}
      const fromLog: LeaseRecord = {...base, Source: 'logs'}
      if (!this.state.leased.has(id)) {
        this.state.leased.add(id)
        events.push(leaseEvent('Leased', lease.takenAt, fromLog))
      }
      if (lease.releaseFailedAt) {
        // The server still holds it: the API (if it still lists it) reports the release when it goes.
        if (!this.state.failed.has(id)) {
          this.state.failed.add(id)
          events.push(leaseEvent('ReleaseFailed', lease.releaseFailedAt, fromLog))
        }
        continue
      }
      if (this.state.released.has(id)) continue
      this.state.released.add(id)
      events.push(leaseEvent('Released', lease.releasedAt ?? completionTime(task), fromLog))
    }
    return events
  }
}

/** A set that forgets its oldest members past `capacity`, so a tail left running for weeks stays bounded. */
class BoundedSet<T> {
  private readonly items = new Set<T>()
  constructor(private readonly capacity: number) {}
  has(item: T): boolean {
    return this.items.has(item)
  }
  add(item: T): void {
    this.items.add(item)
    if (this.items.size > this.capacity) this.items.delete(this.items.values().next().value as T)
  }
}

/** Leases remembered per set: far more than are ever active, or complete between two polls. */
const BOOK_CAPACITY = 200_000

/** What has been printed, by lease ID, and how log leases without an ID map to the API's. */
class LeaseBook {
  readonly leased = new BoundedSet<string>(BOOK_CAPACITY)
  readonly released = new BoundedSet<string>(BOOK_CAPACITY)
  readonly failed = new BoundedSet<string>(BOOK_CAPACITY)
  private readonly apiRecords = new Map<string, LeaseRecord>()
  /** API records per task, for matching log lines that carry no lease ID. */
  private readonly apiByTask = new Map<string, LeaseRecord[]>()
  /** `<taskId>/<n>` log keys → the lease ID they were matched to. */
  private readonly aliases = new Map<string, string>()
  private readonly matched = new Set<string>()

  seenByApi(record: LeaseRecord): void {
    if (this.apiRecords.has(record.LeaseId)) return
    this.apiRecords.set(record.LeaseId, record)
    const list = this.apiByTask.get(record.TaskId) ?? []
    list.push(record)
    this.apiByTask.set(record.TaskId, list)
  }

  apiRecord(id: string): LeaseRecord | undefined {
    return this.apiRecords.get(id)
  }

  /** A completed task's log has been reconciled: its API records and aliases are no longer needed. */
  forgetTask(taskId: string, logKeys: string[]): void {
    for (const record of this.apiByTask.get(taskId) ?? []) {
      this.apiRecords.delete(record.LeaseId)
      this.matched.delete(record.LeaseId)
    }
    this.apiByTask.delete(taskId)
    for (const key of logKeys) this.aliases.delete(key)
  }

  /** The lease ID of a logged lease: its own, else the API lease of the same task, worker and pool, else its log key. */
  identify(taskId: string, lease: LoggedLease): string {
    if (lease.leaseId) return lease.leaseId
    const known = this.aliases.get(lease.key)
    if (known) return known
    const same = (a: string | null, b: string) => (a ?? '').toLowerCase() === b.toLowerCase()
    const candidate = (this.apiByTask.get(taskId) ?? [])
      .filter((r) => !this.matched.has(r.LeaseId) && same(r.WorkerName, lease.workerName) && same(r.WorkerPoolName, lease.poolName))
      .sort((a, b) => Date.parse(a.TakenAt) - Date.parse(b.TakenAt))[0]
    const id = candidate?.LeaseId ?? lease.key
    if (candidate) this.matched.add(candidate.LeaseId)
    this.aliases.set(lease.key, id)
    return id
  }
}

function recordOf(event: LeaseEvent): LeaseRecord {
  const {Event: _event, Time, ...rest} = event
  return {...rest, TakenAt: Time}
}

function completionTime(task: TaskResource): string {
  return task.CompletedTime ?? task.LastUpdatedTime ?? new Date().toISOString()
}
