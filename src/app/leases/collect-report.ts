/** Gathers what `leases report` needs from the server: completed tasks in the window and their logs. */
import type {SpaceContext} from '../../octopus/client.js'
import {flattenActivityLogs, leasesFromLog} from '../../domain/leases/parse.js'
import {aggregateReport, combineReports, intervalsFromTasks, type GroupBy, type LeaseReport, type TaskLeases} from './report.js'
import {NameDirectory} from './directory.js'
import {resolveLeaseFilter} from './filter.js'
import {COMPLETED_STATES, queryTasks, readTaskLog} from './tasks.js'
import {mapBounded} from '../../text/concurrency.js'
import type {LeaseFilter} from './tail.js'
import {matchesFilter} from './tail.js'
import type {ReportCache} from './report-cache.js'
import type {CapacityThresholds} from '../../domain/leases/capacity-thresholds.js'

/** Task logs read in parallel (bounded, so a big window does not flood the server). */
export const REPORT_LOG_CONCURRENCY = 8

export interface CollectOptions {
  since: number
  until: number
  groupBy: GroupBy
  /** Also work out capacity over time (for the HTML report). */
  capacity?: boolean
  thresholds?: CapacityThresholds
  filter: LeaseFilter
  /** Called once the task list is known, then after each log read. */
  onProgress?: (done: number, total: number) => void
  /** Lease records of completed tasks read before: their logs are not read again. */
  cache?: ReportCache
  /** The cache could not be written (the report itself is still right). */
  onCacheError?: (error: Error) => void
}

export async function collectLeaseReport(space: SpaceContext, directory: NameDirectory, options: CollectOptions): Promise<LeaseReport> {
  const [tasks] = await Promise.all([
    queryTasks(space, {
      states: COMPLETED_STATES,
      fromCompletedDate: new Date(options.since).toISOString(),
      toCompletedDate: new Date(options.until).toISOString(),
    }),
    // Already read when the caller resolved --pool/--worker against it.
    directory.loads > 0 ? Promise.resolve() : directory.load(),
  ])
  const cached = tasks.map((task) => options.cache?.get(task))
  const unseen = tasks.filter((_, i) => !cached[i])
  const hits = tasks.length - unseen.length
  options.onProgress?.(hits, tasks.length)
  const logs = await mapBounded(unseen, REPORT_LOG_CONCURRENCY, (task) => readTaskLog(space, task.Id), (done) => options.onProgress?.(hits + done, tasks.length))
  const parsed = new Map<string, TaskLeases>()
  logs.forEach((detail, i) => {
    const task = unseen[i]
    const entry: TaskLeases = {
      taskId: task.Id,
      taskType: task.Name,
      completedTime: detail.Task?.CompletedTime ?? task.CompletedTime ?? new Date(options.until).toISOString(),
      leases: leasesFromLog(task.Id, flattenActivityLogs(detail.ActivityLogs ?? [])),
    }
    parsed.set(task.Id, entry)
    // Only a task the list showed as completed, with its completion time, has a log that can no longer change.
    if (task.CompletedTime && COMPLETED_STATES.includes(task.State) && Date.parse(task.CompletedTime) === Date.parse(entry.completedTime)) options.cache?.set(entry)
  })
  try {
    await options.cache?.save()
  } catch (error) {
    options.onCacheError?.(error as Error)
  }
  const taskLeases: TaskLeases[] = tasks.map((task, i) => cached[i] ?? parsed.get(task.Id)!)
  const workers = directory.allWorkers.map((w) => ({Id: w.Id, Name: w.Name, WorkerPoolIds: w.WorkerPoolIds ?? [], IsDisabled: w.IsDisabled}))
  const pools = directory.allPools.map((p) => ({Id: p.Id, Name: p.Name}))
  const intervals = intervalsFromTasks(taskLeases, workers, pools).filter((i) => matchesFilter(i, options.filter))
  const filtered = Boolean(options.filter.poolIds || options.filter.workerIds)
  return aggregateReport({
    space: {Id: space.spaceId, Name: space.space.Name},
    since: options.since,
    until: options.until,
    groupBy: options.groupBy,
    capacity: options.capacity,
    thresholds: options.thresholds,
    tasksScanned: tasks.length,
    intervals,
    // With a filter, idle capacity means idle workers within the filter.
    workers: filtered ? workers.filter((w) => matchesFilter({WorkerId: w.Id, WorkerName: w.Name, WorkerPoolId: null, WorkerPoolName: null}, {workerIds: options.filter.workerIds}) && (!options.filter.poolIds || w.WorkerPoolIds.some((id) => options.filter.poolIds!.has(id)))) : workers,
    pools: options.filter.poolIds ? pools.filter((p) => options.filter.poolIds!.has(p.Id)) : pools,
  })
}

/**
 * `leases report` over one space or several: --pool/--worker are resolved against all of them
 * first (exit 4 for a name no space knows, before any task is read), then each space's tasks and
 * logs are read in turn and the reports combined. Progress counts the logs of every space read so far.
 */
export async function leaseReport(input: {
  spaces: SpaceContext[]
  since: number
  until: number
  groupBy: GroupBy
  capacity?: boolean
  thresholds?: CapacityThresholds
  pools?: string[]
  workers?: string[]
  /** The lease cache of a space (undefined: --no-cache); see report-cache.ts. */
  openCache?: (space: SpaceContext) => Promise<ReportCache | undefined>
  onCacheError?: (file: string | undefined, error: Error) => void
  onProgress?: (done: number, total: number) => void
}): Promise<LeaseReport> {
  const directories = input.spaces.map((space) => new NameDirectory(space))
  await Promise.all(directories.map((d) => d.load()))
  const filter = resolveLeaseFilter(directories, input.pools, input.workers)
  const reports: LeaseReport[] = []
  let previous = 0
  for (const directory of directories) {
    const offset = previous
    const cache = await input.openCache?.(directory.space)
    const report = await collectLeaseReport(directory.space, directory, {
      cache,
      onCacheError: (error) => input.onCacheError?.(cache?.file, error),
      since: input.since,
      until: input.until,
      groupBy: input.groupBy,
      capacity: input.capacity,
      thresholds: input.thresholds,
      filter,
      onProgress: input.onProgress && ((done, total) => input.onProgress!(offset + done, offset + total)),
    })
    previous += report.TasksScanned
    reports.push(report)
  }
  return combineReports(reports)
}
