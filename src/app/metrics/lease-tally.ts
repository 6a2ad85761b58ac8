/**
 * What the exporter knows of leases, from the events of the lease sources `leases tail` uses
 * (which print each lease once as Leased and once as Released): the leases held now, and per pool
 * the leases granted and the seconds they were held since the exporter started. Each lease counts
 * once, keyed by its space and lease ID, whichever source saw it. Mutex waits come from the logs of
 * completed tasks the sources read anyway, each task counted once, keyed by its space and task ID.
 */
import type {CompletedTaskLog, LeaseEvent, LeaseRecord} from '../../domain/leases/types.js'

/** A pool as the counters label it: its space and name (a log may name a pool the directory lacks: then its ID is null). */
export interface PoolKey {
  SpaceId: string
  WorkerPoolId: string | null
  WorkerPoolName: string | null
}

export interface PoolLeaseTotals extends PoolKey {
  Granted: number
  Seconds: number
  /** Seconds steps waited on another script's mutex on a worker, in tasks that completed since the exporter started. */
  MutexWaitSeconds: number
}

/** Leases remembered after release, to ignore a repeat: far more than end between two reads. */
const ENDED_CAPACITY = 100_000

export class LeaseTally {
  /** Held now, by `space|lease`. */
  private readonly active = new Map<string, LeaseRecord>()
  private readonly ended = new Set<string>()
  /** Completed tasks whose mutex waits were counted, by `space|task`. */
  private readonly countedTasks = new Set<string>()
  private readonly totals = new Map<string, PoolLeaseTotals>()

  /**
   * @param startedAt ms since the epoch: seconds of leases already held then count from then, since
   * the counters start at zero with the exporter.
   */
  constructor(private readonly startedAt: number) {}

  /** The leases held when the sources started: held now, but granted before the counters began. */
  baseline(records: readonly LeaseRecord[]): void {
    for (const record of records) this.active.set(keyOf(record), record)
  }

  /** Events from a source's poll, oldest first. */
  record(events: readonly LeaseEvent[]): void {
    for (const event of events) {
      const key = keyOf(event)
      if (event.Event === 'Leased') {
        if (this.active.has(key) || this.ended.has(key)) continue
        this.active.set(key, {...event, TakenAt: event.Time})
        this.pool(event).Granted++
      } else if (event.Event === 'Released') {
        const held = this.active.get(key)
        if (!held) continue
        this.active.delete(key)
        this.remember(key)
        const from = Math.max(Date.parse(held.TakenAt), this.startedAt)
        const to = Date.parse(event.Time)
        if (Number.isFinite(from) && Number.isFinite(to) && to > from) this.pool(held).Seconds += (to - from) / 1000
      }
      // ReleaseFailed: the server still holds the lease, so it stays active until it is released.
    }
  }

  /**
   * A completed task's log: its steps' mutex waits, added to the pool of the lease each step held.
   * A task counts once, however often its log is read. A task's waits are added whole when it
   * completes (each lease carries one total), including any part of them before the exporter started.
   */
  recordTaskLog(log: CompletedTaskLog): void {
    const key = `${log.SpaceId}|${log.TaskId}`
    if (this.countedTasks.has(key)) return
    this.countedTasks.add(key)
    if (this.countedTasks.size > ENDED_CAPACITY) this.countedTasks.delete(this.countedTasks.values().next().value as string)
    for (const {lease, mutexWaitMs} of log.leases) {
      if (mutexWaitMs !== undefined && mutexWaitMs > 0) this.pool(lease).MutexWaitSeconds += mutexWaitMs / 1000
    }
  }

  activeLeases(): LeaseRecord[] {
    return [...this.active.values()]
  }

  poolTotals(): PoolLeaseTotals[] {
    return [...this.totals.values()]
  }

  private pool(key: PoolKey): PoolLeaseTotals {
    const id = `${key.SpaceId}|${key.WorkerPoolId ?? ''}|${key.WorkerPoolId ? '' : (key.WorkerPoolName ?? '')}`
    let totals = this.totals.get(id)
    if (!totals) {
      totals = {SpaceId: key.SpaceId, WorkerPoolId: key.WorkerPoolId, WorkerPoolName: key.WorkerPoolName, Granted: 0, Seconds: 0, MutexWaitSeconds: 0}
      this.totals.set(id, totals)
    }
    return totals
  }

  private remember(key: string): void {
    this.ended.add(key)
    if (this.ended.size > ENDED_CAPACITY) this.ended.delete(this.ended.values().next().value as string)
  }
}

function keyOf(lease: {SpaceId: string; LeaseId: string}): string {
  return `${lease.SpaceId}|${lease.LeaseId}`
}
