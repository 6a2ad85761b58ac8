/** Shared shapes of the lease sources, the tail loop and the reports. */

/** Which source saw a lease (the `Source` field of records and events). */
export type LeaseSourceKind = 'api' | 'logs'
/** What a `leases tail` source reads: the lease API, task logs, or the API reconciled with logs (`--source auto`). */
export type SourceKind = LeaseSourceKind | 'api+logs'
/**
 * `ReleaseFailed`: the task log says the server could not release the lease (`Unable to release
 * worker … from lease …`); the lease stays held until the server clears it, so no Released follows
 * from the log.
 */
export type LeaseEventKind = 'Leased' | 'Released' | 'ReleaseFailed'

/** One active (or once-active) lease, whichever source saw it. */
export interface LeaseRecord {
  LeaseId: string
  WorkerId: string | null
  WorkerName: string | null
  WorkerPoolId: string | null
  WorkerPoolName: string | null
  TaskId: string
  TaskDescription: string | null
  SpaceId: string
  /** null when the source cannot tell (task logs do not say). */
  Exclusive: boolean | null
  /** When the lease was taken (lease API `TakenAt`, or the log line's timestamp). */
  TakenAt: string
  Source: LeaseSourceKind
}

/**
 * One line of `leases tail --json`: the lease plus what happened and when (field order: see
 * leaseEvent). A Released event also says how long the lease was held, in seconds, from its
 * TakenAt to the release; it has no HeldSeconds when either time is unknown (never a guess).
 */
export type LeaseEvent = {Event: LeaseEventKind; Time: string} & Omit<LeaseRecord, 'TakenAt'> & {HeldSeconds?: number}

export function leaseEvent(kind: LeaseEventKind, time: string, lease: LeaseRecord): LeaseEvent {
  const event: LeaseEvent = {
    Event: kind,
    Time: time,
    LeaseId: lease.LeaseId,
    WorkerId: lease.WorkerId,
    WorkerName: lease.WorkerName,
    WorkerPoolId: lease.WorkerPoolId,
    WorkerPoolName: lease.WorkerPoolName,
    TaskId: lease.TaskId,
    TaskDescription: lease.TaskDescription,
    SpaceId: lease.SpaceId,
    Exclusive: lease.Exclusive,
    Source: lease.Source,
  }
  if (kind === 'Released') {
    const held = heldSeconds(lease.TakenAt, time)
    if (held !== undefined) event.HeldSeconds = held
  }
  return event
}

/** Seconds from taken to released (to the millisecond), or undefined when a time is unreadable or the two are out of order. */
function heldSeconds(takenAt: string, releasedAt: string): number | undefined {
  const taken = Date.parse(takenAt)
  const released = Date.parse(releasedAt)
  if (!Number.isFinite(taken) || !Number.isFinite(released) || released < taken) return undefined
  return (released - taken) / 1000
}

/** A lease with a known start and (for completed tasks) end: the unit of `leases report`. */
export interface LeaseInterval {
  LeaseId: string
  WorkerId: string | null
  WorkerName: string
  WorkerPoolId: string | null
  WorkerPoolName: string
  TaskId: string
  TaskType: string
  start: number
  end: number
  /** Time the lease's steps waited on another script's mutex on the worker (ms; absent: none logged). */
  MutexWaitMs?: number
  /** Time the step that took the lease waited for a worker before it was granted (ms; absent: none seen). See LoggedLease.leaseWaitMs. */
  LeaseWaitMs?: number
}

/**
 * A way of watching leases in one space. `poll()` returns the events since the previous poll
 * (the first call establishes the baseline and returns the leases active now as `active`).
 */
export interface LeaseSource {
  readonly kind: SourceKind
  readonly spaceId: string
  /** First call: reads what is active now (no events). */
  start(): Promise<LeaseRecord[]>
  /** Events since the previous successful poll, oldest first. Throws on network/server errors; state is kept, so the next poll catches up. */
  poll(): Promise<LeaseEvent[]>
  /**
   * Called with each completed task's log a source reads anyway (sources that read no logs never
   * call it), once its poll's requests have all succeeded. A task's log can reach it more than
   * once (read at start and again at completion, or a poll retried): the receiver deduplicates.
   */
  onCompletedTaskLog?: (log: CompletedTaskLog) => void
}

/** What a completed task's log records of its leases: each lease, and how long its steps waited on another script's mutex. */
export interface CompletedTaskLog {
  SpaceId: string
  TaskId: string
  leases: Array<{lease: LeaseRecord; mutexWaitMs?: number}>
}
