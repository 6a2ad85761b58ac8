/**
 * Lease source 1 (newer servers): poll `GET /api/{space}/workertaskleases` and diff snapshots by
 * lease ID. One request per poll per space, plus one batched task lookup (`ids=`) when new leases
 * name tasks not seen before, plus a worker/pool re-read only when an unknown ID appears.
 */
import type {SpaceContext} from '../octopus/client.js'
import {listWorkerTaskLeases} from '../octopus/repositories.js'
import type {WorkerTaskLeaseResource} from '../octopus/types.js'
import {CliError, ExitCode} from '../errors.js'
import {byTimeThenId, diffSnapshots} from './diff.js'
import type {NameDirectory} from './directory.js'
import {queryTasks} from './tasks.js'
import {leaseEvent, type LeaseEvent, type LeaseRecord, type LeaseSource} from './types.js'

export class ApiLeaseSource implements LeaseSource {
  readonly kind = 'api' as const
  private known = new Map<string, WorkerTaskLeaseResource>()
  private records = new Map<string, LeaseRecord>()
  private taskDescriptions = new Map<string, string | null>()

  constructor(
    private readonly space: SpaceContext,
    private readonly directory: NameDirectory,
    private readonly now: () => number = Date.now,
  ) {}

  get spaceId(): string {
    return this.space.spaceId
  }

  async start(): Promise<LeaseRecord[]> {
    const leases = await this.fetch()
    const records = await this.describe(leases)
    this.known = new Map(leases.map((l) => [l.Id, l]))
    this.records = new Map(records.map((r) => [r.LeaseId, r]))
    return records
  }

  async poll(): Promise<LeaseEvent[]> {
    this.directory.beginPoll()
    const current = await this.fetch()
    const {added, removed} = diffSnapshots(this.known, current)
    const addedRecords = await this.describe(added)
    // State changes only after every request of this poll succeeded, so a failed poll is retried whole.
    const observedAt = new Date(this.now()).toISOString()
    // New leases first, in the order taken; then releases, stamped when seen gone (the API keeps no
    // release time), so Time never goes backwards in the stream.
    const events: LeaseEvent[] = []
    for (const record of addedRecords) {
      events.push(leaseEvent('Leased', record.TakenAt, record))
      this.records.set(record.LeaseId, record)
    }
    for (const lease of removed.sort(byTimeThenId((l) => l.TakenAt, (l) => l.Id))) {
      const record = this.records.get(lease.Id)
      if (record) events.push(leaseEvent('Released', observedAt, record))
      this.records.delete(lease.Id)
    }
    this.known = new Map(current.map((l) => [l.Id, l]))
    return events
  }

  private async fetch(): Promise<WorkerTaskLeaseResource[]> {
    const leases = await listWorkerTaskLeases(this.space)
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
      const worker = await this.directory.workerById(lease.WorkerId)
      const pool = await this.directory.poolById(lease.WorkerPoolId)
      records.push({
        LeaseId: lease.Id,
        WorkerId: lease.WorkerId,
        WorkerName: worker?.Name ?? null,
        WorkerPoolId: lease.WorkerPoolId,
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
