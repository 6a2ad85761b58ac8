/**
 * `leases report`: pure aggregation of lease intervals (taken from the logs of completed tasks)
 * into per-worker, per-pool and per-task-type figures. Its table and CSV forms are in src/views/leases/.
 */
import type {LeaseInterval} from '../../domain/leases/types.js'
import type {LoggedLease} from '../../domain/leases/parse.js'
import {peakConcurrency, totalLength} from '../../domain/leases/intervals.js'
import {capacityOf, combineCapacity, type Capacity} from './capacity.js'
import {recommend, type Recommendation} from './recommend.js'
import {DEFAULT_CAPACITY_THRESHOLDS, type CapacityThresholds} from '../../domain/leases/capacity-thresholds.js'
import {groupOf} from '../../text/group.js'

export type GroupBy = 'worker' | 'pool' | 'task-type'
export const GROUP_BY: GroupBy[] = ['worker', 'pool', 'task-type']

export interface WorkerInfo {
  Id: string
  Name: string
  WorkerPoolIds: string[]
  IsDisabled?: boolean
}

export interface PoolInfo {
  Id: string
  Name: string
}

/** What one completed task's log says about leases. */
export interface TaskLeases {
  taskId: string
  taskType: string
  completedTime: string
  leases: LoggedLease[]
}

/** Lease intervals of completed tasks: taken at the lease line, released at the release line or else when the task completed. */
export function intervalsFromTasks(tasks: readonly TaskLeases[], workers: readonly WorkerInfo[], pools: readonly PoolInfo[]): LeaseInterval[] {
  const workerByName = new Map(workers.map((w) => [w.Name.toLowerCase(), w]))
  const poolByName = new Map(pools.map((p) => [p.Name.toLowerCase(), p]))
  const out: LeaseInterval[] = []
  for (const task of tasks) {
    const completed = Date.parse(task.completedTime)
    for (const lease of task.leases) {
      const start = Date.parse(lease.takenAt)
      const released = lease.releasedAt ? Date.parse(lease.releasedAt) : completed
      out.push({
        LeaseId: lease.leaseId ?? lease.key,
        WorkerId: workerByName.get(lease.workerName.toLowerCase())?.Id ?? null,
        WorkerName: lease.workerName,
        WorkerPoolId: poolByName.get(lease.poolName.toLowerCase())?.Id ?? null,
        WorkerPoolName: lease.poolName,
        TaskId: task.taskId,
        TaskType: task.taskType,
        start,
        end: Number.isFinite(released) ? Math.max(start, released) : start,
        ...(lease.mutexWaitMs ? {MutexWaitMs: lease.mutexWaitMs} : {}),
        ...(lease.leaseWaitMs ? {LeaseWaitMs: lease.leaseWaitMs} : {}),
      })
    }
  }
  return out
}

/** The space a row belongs to (`--all-spaces` reports hold rows of several). */
export interface SpaceFields {
  SpaceId: string
  SpaceName: string
}

export interface WorkerRow extends SpaceFields {
  WorkerId: string | null
  WorkerName: string
  WorkerPoolNames: string[]
  Leases: number
  Tasks: number
  BusySeconds: number
  PeakConcurrentLeases: number
  /** Time its leases' steps waited on another script's mutex on it (Tentacle's wait lines). */
  MutexWaitSeconds: number
  /** Time the steps that leased it waited for a worker first (step start to lease line; see LoggedLease.leaseWaitMs). */
  LeaseWaitSeconds: number
}

export interface PoolRow extends SpaceFields {
  WorkerPoolId: string | null
  WorkerPoolName: string
  Workers: number
  Leases: number
  BusySeconds: number
  PeakConcurrentLeases: number
  PeakAt: string | null
  MutexWaitSeconds: number
  /** Time steps waited for a worker of this pool (step start to lease line; see LoggedLease.leaseWaitMs). */
  LeaseWaitSeconds: number
}

export interface TaskTypeRow extends SpaceFields {
  TaskType: string
  Tasks: number
  Leases: number
  BusySeconds: number
}

export interface LeaseReport {
  /** The spaces read, in order. */
  Spaces: Array<{Id: string; Name: string}>
  Since: string
  Until: string
  GroupBy: GroupBy
  TasksScanned: number
  TasksWithLeases: number
  Leases: number
  Workers: WorkerRow[]
  Pools: PoolRow[]
  TaskTypes: TaskTypeRow[]
  /** Workers with no lease in the window: idle capacity. */
  IdleWorkers: Array<SpaceFields & {WorkerId: string; WorkerName: string; WorkerPoolNames: string[]; IsDisabled: boolean}>
  /** The five workers with the most leases (ties: more busy time first). */
  BusiestWorkers: WorkerRow[]
  /** What to change, each with its figures (thresholds: `capacity:` in .octoworkers.yaml). */
  Recommendations: Recommendation[]
  /** Capacity over time (step series, heatmaps, durations): only when asked for (the HTML report draws it). */
  Capacity?: Capacity
}

export interface ReportInput {
  space: {Id: string; Name: string}
  since: number
  until: number
  groupBy: GroupBy
  tasksScanned: number
  intervals: readonly LeaseInterval[]
  workers: readonly WorkerInfo[]
  pools: readonly PoolInfo[]
  /** Also give capacity over time (LeaseReport.Capacity). */
  capacity?: boolean
  /** When to recommend a change (default DEFAULT_CAPACITY_THRESHOLDS). */
  thresholds?: CapacityThresholds
}

const seconds = (ms: number) => Math.round(ms / 100) / 10

export function aggregateReport(input: ReportInput): LeaseReport {
  const spaceFields: SpaceFields = {SpaceId: input.space.Id, SpaceName: input.space.Name}
  const poolName = new Map(input.pools.map((p) => [p.Id, p.Name]))
  const workerKey = (i: LeaseInterval) => i.WorkerId ?? `name:${i.WorkerName.toLowerCase()}`
  const poolKey = (i: LeaseInterval) => i.WorkerPoolId ?? `name:${i.WorkerPoolName.toLowerCase()}`
  const workersById = new Map(input.workers.map((w) => [w.Id, w]))

  const workerRows: WorkerRow[] = [...groupOf(input.intervals, workerKey).values()].map((list) => {
    const known = list[0].WorkerId ? workersById.get(list[0].WorkerId) : undefined
    const poolNames = known ? known.WorkerPoolIds.map((id) => poolName.get(id) ?? id) : [...new Set(list.map((i) => i.WorkerPoolName))]
    return {
      ...spaceFields,
      WorkerId: list[0].WorkerId,
      WorkerName: known?.Name ?? list[0].WorkerName,
      WorkerPoolNames: poolNames,
      Leases: list.length,
      Tasks: new Set(list.map((i) => i.TaskId)).size,
      BusySeconds: seconds(totalLength(list)),
      PeakConcurrentLeases: peakConcurrency(list).peak,
      MutexWaitSeconds: seconds(mutexWaitMs(list)),
      LeaseWaitSeconds: seconds(leaseWaitMs(list)),
    }
  })
  workerRows.sort(byLeases)

  const poolGroups = groupOf(input.intervals, poolKey)
  const poolRows: PoolRow[] = []
  const memberCount = (poolId: string) => input.workers.filter((w) => w.WorkerPoolIds.includes(poolId)).length
  for (const pool of input.pools) {
    const list = poolGroups.get(pool.Id) ?? []
    poolGroups.delete(pool.Id)
    poolRows.push(poolRow(spaceFields, pool.Id, pool.Name, memberCount(pool.Id), list))
  }
  // Pools named in logs that no longer exist.
  for (const list of poolGroups.values()) poolRows.push(poolRow(spaceFields, null, list[0].WorkerPoolName, 0, list))
  poolRows.sort(poolOrder)

  const taskTypeRows: TaskTypeRow[] = [...groupOf(input.intervals, (i) => i.TaskType).entries()].map(([type, list]) => ({
    ...spaceFields,
    TaskType: type,
    Tasks: new Set(list.map((i) => i.TaskId)).size,
    Leases: list.length,
    BusySeconds: seconds(totalLength(list)),
  }))
  taskTypeRows.sort(taskTypeOrder)

  const leasedIds = new Set(input.intervals.map((i) => i.WorkerId).filter(Boolean))
  const idle = input.workers
    .filter((w) => !leasedIds.has(w.Id))
    .map((w) => ({...spaceFields, WorkerId: w.Id, WorkerName: w.Name, WorkerPoolNames: w.WorkerPoolIds.map((id) => poolName.get(id) ?? id), IsDisabled: Boolean(w.IsDisabled)}))
    .sort((a, b) => a.WorkerName.localeCompare(b.WorkerName))

  const capacity = capacityOf({spaceName: input.space.Name, since: input.since, until: input.until, intervals: input.intervals, workers: input.workers, pools: input.pools})
  return {
    Spaces: [input.space],
    Since: new Date(input.since).toISOString(),
    Until: new Date(input.until).toISOString(),
    GroupBy: input.groupBy,
    TasksScanned: input.tasksScanned,
    TasksWithLeases: new Set(input.intervals.map((i) => i.TaskId)).size,
    Leases: input.intervals.length,
    Workers: workerRows,
    Pools: poolRows,
    TaskTypes: taskTypeRows,
    IdleWorkers: idle,
    BusiestWorkers: workerRows.slice(0, 5),
    Recommendations: recommend(capacity, input.thresholds ?? DEFAULT_CAPACITY_THRESHOLDS),
    ...(input.capacity ? {Capacity: capacity} : {}),
  }
}

const byLeases = (a: WorkerRow, b: WorkerRow) => b.Leases - a.Leases || b.BusySeconds - a.BusySeconds || a.WorkerName.localeCompare(b.WorkerName)
const poolOrder = (a: PoolRow, b: PoolRow) => b.Leases - a.Leases || a.WorkerPoolName.localeCompare(b.WorkerPoolName)
const taskTypeOrder = (a: TaskTypeRow, b: TaskTypeRow) => b.Leases - a.Leases || a.TaskType.localeCompare(b.TaskType)

/**
 * One report of several spaces' reports (same window and grouping): rows keep their space, totals
 * add up, and the busiest workers are the busiest of all.
 */
export function combineReports(reports: readonly LeaseReport[]): LeaseReport {
  if (reports.length === 1) return reports[0]
  const workers = reports.flatMap((r) => r.Workers).sort(byLeases)
  return {
    Spaces: reports.flatMap((r) => r.Spaces),
    Since: reports[0].Since,
    Until: reports[0].Until,
    GroupBy: reports[0].GroupBy,
    TasksScanned: reports.reduce((n, r) => n + r.TasksScanned, 0),
    TasksWithLeases: reports.reduce((n, r) => n + r.TasksWithLeases, 0),
    Leases: reports.reduce((n, r) => n + r.Leases, 0),
    Workers: workers,
    Pools: reports.flatMap((r) => r.Pools).sort(poolOrder),
    TaskTypes: reports.flatMap((r) => r.TaskTypes).sort(taskTypeOrder),
    IdleWorkers: reports.flatMap((r) => r.IdleWorkers),
    BusiestWorkers: workers.slice(0, 5),
    Recommendations: reports.flatMap((r) => r.Recommendations),
    ...(reports.every((r) => r.Capacity) ? {Capacity: combineCapacity(reports.map((r) => r.Capacity!))} : {}),
  }
}

function poolRow(space: SpaceFields, id: string | null, name: string, workers: number, list: LeaseInterval[]): PoolRow {
  const peak = peakConcurrency(list)
  return {
    ...space,
    WorkerPoolId: id,
    WorkerPoolName: name,
    Workers: workers,
    Leases: list.length,
    BusySeconds: seconds(totalLength(list)),
    PeakConcurrentLeases: peak.peak,
    PeakAt: peak.at === undefined ? null : new Date(peak.at).toISOString(),
    MutexWaitSeconds: seconds(mutexWaitMs(list)),
    LeaseWaitSeconds: seconds(leaseWaitMs(list)),
  }
}

const mutexWaitMs = (list: readonly LeaseInterval[]) => list.reduce((sum, i) => sum + (i.MutexWaitMs ?? 0), 0)
const leaseWaitMs = (list: readonly LeaseInterval[]) => list.reduce((sum, i) => sum + (i.LeaseWaitMs ?? 0), 0)
