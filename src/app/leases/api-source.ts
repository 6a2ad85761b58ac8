/**
 * Lease source 1 (newer servers): poll `GET /api/{space}/workertaskleases` and diff snapshots by
 * lease ID. One request per poll per space, plus one batched task lookup (`ids=`) when new leases
 * name tasks not seen before, plus a worker/pool re-read only when an unknown ID appears.
 * A lease that starts and ends between two polls is never in a snapshot: this source alone can
 * miss short leases (`--source auto` adds the task logs for those).
 */
import type {SpaceContext} from '../../octopus/client.js'
import type {WorkerTaskLeaseResource} from '../../octopus/types.js'
import {CliError, ExitCode} from '../../text/errors.js'
import {byTimeThenId, diffSnapshots} from '../../domain/leases/diff.js'
import type {NameDirectory} from './directory.js'
import {readLeaseSnapshot, type LeaseSnapshot} from './lease-api.js'
import {queryTasks} from './tasks.js'
import {monotonicWallClock} from '../../text/points-in-time.js'
import {leaseEvent, type LeaseEvent, type LeaseRecord, type LeaseSource} from '../../domain/leases/types.js'

export class ApiLeaseSource implements LeaseSource {
  readonly kind = 'api' as const
  private known = new Map<string, WorkerTaskLeaseResource>()
  private records = new Map<string, LeaseRecord>()
  private taskDescriptions = new Map<string, string | null>()

  constructor(
    private readonly space: SpaceContext,
    private readonly directory: NameDirectory,
    /** Stamps releases (the API keeps no release time); monotonic, so the stream's Time never steps back. */
    private readonly now: () => number = monotonicWallClock(),
  ) {}

  get spaceId(): string {
    return this.space.spaceId
  }

  async start(): Promise<LeaseRecord[]> {
    const {leases} = await this.fetch()
    const records = await this.describe(leases)
    this.known = new Map(leases.map((l) => [l.Id, l]))
    this.records = new Map(records.map((r) => [r.LeaseId, r]))
    return records
  }

  async poll(): Promise<LeaseEvent[]> {
    return (await this.observe()).commit()
  }

  /**
   * The requests of a poll, without changing any state: `commit()` then applies the snapshot and
   * returns its events. A caller that makes more requests in the same poll (the reconciled source)
   * commits only once all of them succeeded, so a failed poll is retried whole.
   */
  async observe(): Promise<{commit: () => LeaseEvent[]}> {
    this.directory.beginPoll()
    const snapshot = await this.fetch()
    const current = snapshot.leases
    const diff = diffSnapshots(this.known, current)
    // A snapshot whose pages disagreed proves what it lists, not what it lacks: no releases from it.
    const removed = snapshot.complete ? diff.removed : []
    const addedRecords = await this.describe(diff.added)
    const observedAt = this.now()
    return {
      commit: () => {
        // New leases first, in the order taken; then releases, stamped when seen gone (the API keeps
        // no release time), never before the lease was taken (client and server clocks differ).
        const events: LeaseEvent[] = []
        for (const record of addedRecords) {
          events.push(leaseEvent('Leased', record.TakenAt, record))
          this.records.set(record.LeaseId, record)
        }
        for (const lease of removed.sort(byTimeThenId((l) => l.TakenAt, (l) => l.Id))) {
          const record = this.records.get(lease.Id)
          if (record) events.push(leaseEvent('Released', new Date(Math.max(observedAt, Date.parse(record.TakenAt))).toISOString(), record))
          this.records.delete(lease.Id)
        }
        const next = new Map(current.map((l) => [l.Id, l]))
        if (!snapshot.complete) for (const [id, lease] of this.known) if (!next.has(id)) next.set(id, lease)
        this.known = next
        return events
      },
    }
  }

  /** Lease IDs in the last snapshot (active as far as this source knows). */
  get activeLeaseIds(): ReadonlySet<string> {
    return new Set(this.known.keys())
  }

  private async fetch(): Promise<LeaseSnapshot> {
    const leases = await readLeaseSnapshot(this.space)
    if (leases === undefined) {
      throw new CliError(`The server (Octopus ${this.space.client.version}) has no worker task lease API (${this.space.path('workertaskleases')} is 404).`, ExitCode.Failure, {
        hint: 'Use --source logs (or auto) to follow leases through task logs instead.',
        code: 'no-lease-api',
      })
    }
    return leases
  }

  /** Lease resources → records with worker, pool and task names; sorted by time taken. */
  private async describe(leases: WorkerTaskLeaseResource[]): Promise<LeaseRecord[]> {
    const unknownTasks = [...new Set(leases.map((l) => l.ServerTaskId).filter((id) => !this.taskDescriptions.has(id)))]
    if (unknownTasks.length > 0) {
      const tasks = await queryTasks(this.space, {ids: unknownTasks})
      for (const task of tasks) this.taskDescriptions.set(task.Id, task.Description ?? null)
    }
    const records: LeaseRecord[] = []
    for (const lease of [...leases].sort(byTimeThenId((l) => l.TakenAt, (l) => l.Id))) {
      const worker = lease.WorkerId ? await this.directory.workerById(lease.WorkerId) : undefined
      const pool = lease.WorkerPoolId ? await this.directory.poolById(lease.WorkerPoolId) : undefined
      records.push({
        LeaseId: lease.Id,
        WorkerId: lease.WorkerId ?? null,
        WorkerName: worker?.Name ?? null,
        WorkerPoolId: lease.WorkerPoolId ?? null,
        WorkerPoolName: pool?.Name ?? null,
        TaskId: lease.ServerTaskId,
        TaskDescription: this.taskDescriptions.get(lease.ServerTaskId) ?? null,
        SpaceId: lease.SpaceId ?? this.space.spaceId,
        Exclusive: Boolean(lease.Exclusive),
        TakenAt: lease.TakenAt,
        Source: 'api',
      })
    }
    return records
  }
}
