import type {ModelContext} from '../context.js'
import type {PoolDoc, WorkerDoc} from './documents.js'
import {readFeatures} from './features.js'
import {plural} from '../../text/wording.js'

export interface LeaseRow {
  num: number
  space_id: string
  task_id: string
  worker_id: string
  worker_name: string
  pool_id: string
  pool_name: string
  exclusive: number
  taken_at: string
  grant_seq: number
  released_at: string | null
  release_seq: number | null
  release_reason: string | null
}

export type GrantResult =
  | {kind: 'leased'; lease: LeaseRow}
  /** The step runs on the built-in worker (no lease is taken). */
  | {kind: 'builtin'; message: string}
  /**
   * Try again shortly. `exclusive`: every healthy worker is leased exclusively (an upgrade);
   * `none-available`: the pool has workers but none is enabled and healthy (e.g. all drained);
   * `dynamic`: the dynamic pool's one worker is busy. The task engine bounds the first two.
   */
  | {kind: 'wait'; message: string; reason: 'exclusive' | 'none-available' | 'dynamic'; poolName: string}
  | {kind: 'fail'; message: string}

export const leaseId = (num: number) => `WorkerTaskLeases-${num}`

export const LEASABLE_HEALTH = new Set(['Healthy', 'HasWarnings'])

/** The one (virtual) worker of a dynamic pool, leased exclusively. */
export function dynamicWorkerOf(pool: PoolDoc): {id: string; name: string} {
  const num = pool.Id.split('-').pop()
  return {id: `DynamicWorkers-${num}`, name: `${(pool.WorkerType ?? 'dynamic').toLowerCase()}-dynamic-worker-${num}`}
}

interface Candidate {
  worker: WorkerDoc
  num: number
  active: number
  exclusive: number
}

/**
 * Leases a worker from a pool for one step of a task (see index.ts, LEASES). Runs in one
 * transaction, so concurrent steps never see the same counts.
 */
export function grantLease(ctx: ModelContext, request: {taskId: string; spaceId: string; poolId: string; exclusive?: boolean; workerId?: string}): GrantResult {
  const {store} = ctx
  return store.transaction((): GrantResult => {
    const poolRow = store.getDoc('WorkerPool', request.poolId)
    if (!poolRow) return {kind: 'fail', message: `The worker pool ${request.poolId} does not exist.`}
    const pool = JSON.parse(poolRow.json) as PoolDoc
    if (pool.WorkerPoolType === 'DynamicWorkerPool') {
      const dynamic = dynamicWorkerOf(pool)
      const busy = store.prepare('SELECT COUNT(*) FROM leases WHERE worker_id = ? AND released_at IS NULL').pluck().get(dynamic.id) as number
      if (busy > 0) return {kind: 'wait', reason: 'dynamic', poolName: pool.Name, message: `Waiting for the dynamic worker of pool ${pool.Name}, which is leased by another task.`}
      return {kind: 'leased', lease: insertLease(ctx, request, dynamic.id, dynamic.name, pool, true)}
    }
    const candidates = (store.prepare(`SELECT d.json AS json, d.num AS num,
        (SELECT COUNT(*) FROM leases l WHERE l.worker_id = d.id AND l.released_at IS NULL) AS active,
        (SELECT COUNT(*) FROM leases l WHERE l.worker_id = d.id AND l.released_at IS NULL AND l.exclusive = 1) AS exclusive
      FROM pool_members m JOIN documents d ON d.id = m.worker_id WHERE m.pool_id = ? ORDER BY d.num`).all(pool.Id) as Array<{json: string; num: number; active: number; exclusive: number}>)
      .map((r): Candidate => ({worker: JSON.parse(r.json) as WorkerDoc, num: r.num, active: r.active, exclusive: r.exclusive}))
    if (candidates.length === 0) {
      const builtInEnabled = readFeatures(ctx).IsBuiltInWorkerEnabled === true
      if (pool.IsDefault && builtInEnabled) return {kind: 'builtin', message: `Running on the built-in worker (Octopus Server): ${pool.Name} is the default worker pool and has no workers.`}
      if (pool.IsDefault) return {kind: 'fail', message: `The step requires a worker: the default worker pool ${pool.Name} has no workers and the built-in worker is disabled.`}
      return {kind: 'fail', message: `The step requires a worker: the worker pool ${pool.Name} has no workers.`}
    }
    const eligible = candidates.filter((c) => !c.worker.IsDisabled && LEASABLE_HEALTH.has(c.worker.HealthStatus) && (!request.workerId || c.worker.Id === request.workerId))
    if (eligible.length === 0) {
      const disabled = candidates.filter((c) => c.worker.IsDisabled).length
      return {kind: 'wait', reason: 'none-available', poolName: pool.Name, message: `No healthy, enabled worker is available in pool ${pool.Name} (${plural(candidates.length, 'worker')}: ${disabled} disabled, ${candidates.length - disabled} not healthy).`}
    }
    // Exclusive leases (Tentacle upgrades) need a worker with no leases at all; others skip exclusively held workers.
    const free = eligible.filter((c) => (request.exclusive ? c.active === 0 : c.exclusive === 0))
    if (free.length === 0) return {kind: 'wait', reason: 'exclusive', poolName: pool.Name, message: `All healthy workers in pool ${pool.Name} are leased exclusively; waiting for one to be released.`}
    const chosen = free.reduce((best, c) => (c.active < best.active || (c.active === best.active && c.num < best.num) ? c : best))
    return {kind: 'leased', lease: insertLease(ctx, request, chosen.worker.Id, chosen.worker.Name, pool, request.exclusive ?? false)}
  })
}

/**
 * The exclusive lease a Tentacle upgrade or Calamari update takes on the one worker it works on:
 * granted only once the worker holds no other lease (the task waits for running steps to finish;
 * deployments skip an exclusively leased worker meanwhile). Unlike a deployment step it does not
 * choose by health or the disabled flag: maintenance targets a named machine, typically one that
 * was disabled to drain it. Whether a real server upgrades a disabled worker is not confirmed;
 * the CLI checks the resulting version itself.
 */
export function leaseForMaintenance(ctx: ModelContext, request: {taskId: string; spaceId: string; workerId: string}): GrantResult {
  const {store} = ctx
  return store.transaction((): GrantResult => {
    const worker = store.getParsed<WorkerDoc>('Worker', request.workerId)
    if (!worker) return {kind: 'fail', message: `The worker ${request.workerId} does not exist.`}
    const poolRow = worker.WorkerPoolIds.map((id) => store.getDoc('WorkerPool', id)).find((row) => row !== undefined)
    if (!poolRow) return {kind: 'fail', message: `The worker ${worker.Name} is in no worker pool.`}
    const others = store.prepare('SELECT COUNT(*) FROM leases WHERE worker_id = ? AND released_at IS NULL').pluck().get(worker.Id) as number
    if (others > 0) return {kind: 'wait', reason: 'exclusive', poolName: JSON.parse(poolRow.json).Name as string, message: `Waiting for ${plural(others, 'running step')} on ${worker.Name} to finish.`}
    return {kind: 'leased', lease: insertLease(ctx, request, worker.Id, worker.Name, JSON.parse(poolRow.json) as PoolDoc, true)}
  })
}

function insertLease(ctx: ModelContext, request: {taskId: string; spaceId: string}, workerId: string, workerName: string, pool: PoolDoc, exclusive: boolean): LeaseRow {
  const num = ctx.store.nextNumber('WorkerTaskLeases')
  const row: LeaseRow = {
    num, space_id: request.spaceId, task_id: request.taskId, worker_id: workerId, worker_name: workerName, pool_id: pool.Id, pool_name: pool.Name,
    exclusive: exclusive ? 1 : 0, taken_at: ctx.now(), grant_seq: ctx.store.nextNumber('LeaseEvents'), released_at: null, release_seq: null, release_reason: null,
  }
  ctx.store.prepare(`INSERT INTO leases (num, space_id, task_id, worker_id, worker_name, pool_id, pool_name, exclusive, taken_at, grant_seq)
    VALUES (@num, @space_id, @task_id, @worker_id, @worker_name, @pool_id, @pool_name, @exclusive, @taken_at, @grant_seq)`).run(row)
  return row
}

/** Releases one lease (no-op if already released); returns whether it was active. */
export function releaseLease(ctx: ModelContext, num: number, reason: string): boolean {
  const result = ctx.store.prepare('UPDATE leases SET released_at = ?, release_seq = ?, release_reason = ? WHERE num = ? AND released_at IS NULL')
    .run(ctx.now(), ctx.store.nextNumber('LeaseEvents'), reason, num)
  return result.changes > 0
}

export function activeLeasesOfTask(ctx: ModelContext, taskId: string): LeaseRow[] {
  // A lease whose release failed (fault mode) stays held, stale, until the restart clean-up.
  return ctx.store.prepare('SELECT * FROM leases WHERE task_id = ? AND released_at IS NULL AND release_reason IS NULL ORDER BY num').all(taskId) as LeaseRow[]
}

export function leaseHistoryItem(row: LeaseRow) {
  return {
    Id: leaseId(row.num),
    ServerTaskId: row.task_id,
    SpaceId: row.space_id,
    WorkerId: row.worker_id,
    WorkerName: row.worker_name,
    WorkerPoolId: row.pool_id,
    WorkerPoolName: row.pool_name,
    Exclusive: row.exclusive === 1,
    TakenAt: row.taken_at,
    GrantSequence: row.grant_seq,
    ReleasedAt: row.released_at,
    ReleaseSequence: row.release_seq,
    ReleaseReason: row.release_reason,
  }
}

/** The `/workertaskleases` item shape (notes §5.4). */
export function workerTaskLease(row: LeaseRow) {
  return {
    Id: leaseId(row.num),
    Exclusive: row.exclusive === 1,
    Name: row.worker_name,
    ServerTaskId: row.task_id,
    SpaceId: row.space_id,
    TakenAt: row.taken_at,
    WorkerId: row.worker_id,
    WorkerPoolId: row.pool_id,
  }
}

/** The one lease line a real server is known to write when a step takes a worker. */
export function leasedLine(lease: LeaseRow): string {
  return `Leased worker ${lease.worker_name} from pool ${lease.pool_name} (lease ${leaseId(lease.num)})`
}

/** The one release-related line a real server is known to write (OctopusDeploy/Issues#9868; two spaces between sentences). */
export function releaseFailureLine(lease: LeaseRow): string {
  return `Unable to release worker ${lease.worker_id} from lease ${leaseId(lease.num)}.  Continuing anyway.  The lease will eventually be cleared by the system.  If this error persists, please contact Octopus support.`
}

/** The first active lease on a worker (a leased worker cannot be deleted). */
export function firstActiveLeaseOf(ctx: ModelContext, workerId: string): {num: number; task_id: string} | undefined {
  return ctx.store.prepare('SELECT num, task_id FROM leases WHERE worker_id = ? AND released_at IS NULL ORDER BY num LIMIT 1').get(workerId) as {num: number; task_id: string} | undefined
}

/** One page of a space's active leases (`/workertaskleases`), with the total. */
export function activeLeasePage(ctx: ModelContext, spaceId: string, skip: number, take: number): {total: number; rows: LeaseRow[]} {
  const total = ctx.store.prepare('SELECT COUNT(*) FROM leases WHERE space_id = ? AND released_at IS NULL').pluck().get(spaceId) as number
  const rows = ctx.store.prepare('SELECT * FROM leases WHERE space_id = ? AND released_at IS NULL ORDER BY num LIMIT ? OFFSET ?').all(spaceId, take, skip) as LeaseRow[]
  return {total, rows}
}

/** Every lease ever granted, in grant order: after a grant sequence number or taken at or after a time, of one task. */
export function leaseHistory(ctx: ModelContext, filter: {afterGrantSeq?: number; takenSince?: string; taskId?: string}): LeaseRow[] {
  const where: string[] = []
  const args: unknown[] = []
  if (filter.afterGrantSeq !== undefined) {
    where.push('grant_seq > ?')
    args.push(filter.afterGrantSeq)
  } else if (filter.takenSince !== undefined) {
    where.push('taken_at >= ?')
    args.push(filter.takenSince)
  }
  if (filter.taskId) {
    where.push('task_id = ?')
    args.push(filter.taskId)
  }
  return ctx.store.prepare(`SELECT * FROM leases ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY grant_seq`).all(...args) as LeaseRow[]
}
