/**
 * `worker health`: starts an Octopus `Health` task restricted to workers (API notes §3.4), and
 * optionally polls it to the end and reports each checked worker's resulting health.
 */
import {CliError, ExitCode} from '../errors.js'
import type {TaskResource, WorkerPoolResource, WorkerResource} from '../octopus/types.js'
import {healthLabel} from './present.js'

export interface HealthTarget {
  /** Set when the whole of one pool is checked (the task's `WorkerpoolId`). */
  pool?: WorkerPoolResource
  /** The enabled workers the task checks (for a pool: its enabled workers, to report on afterwards). */
  workers: WorkerResource[]
  /** Selected workers that are disabled: Octopus skips disabled machines, so they are not checked. */
  skipped: WorkerResource[]
  /** Workers were named on the command line (not only pools, or the whole space). */
  workersNamed: boolean
}

/**
 * One pool and no named workers: the task's `WorkerpoolId` (Octopus then checks the pool). Anything
 * else (named workers, several pools, or the whole space): the explicit `MachineIds`. Either way
 * disabled workers are set aside, since a health task does not check them.
 */
export function healthTarget(opts: {workers: WorkerResource[]; pools: WorkerPoolResource[]; allWorkers: WorkerResource[]}): HealthTarget {
  const pool = opts.pools.length === 1 && opts.workers.length === 0 ? opts.pools[0] : undefined
  const selected = selectedWorkers(opts)
  return {
    ...(pool ? {pool} : {}),
    workers: selected.filter((w) => !w.IsDisabled),
    skipped: selected.filter((w) => w.IsDisabled),
    workersNamed: opts.workers.length > 0,
  }
}

/** Named workers plus every worker of the pools, each once; no names and no pools: every worker. */
function selectedWorkers(opts: {workers: WorkerResource[]; pools: WorkerPoolResource[]; allWorkers: WorkerResource[]}): WorkerResource[] {
  if (opts.pools.length === 0 && opts.workers.length === 0) return opts.allWorkers
  const poolIds = new Set(opts.pools.map((p) => p.Id))
  const chosen = new Map<string, WorkerResource>()
  for (const w of opts.workers) chosen.set(w.Id, w)
  for (const w of opts.allWorkers) if (w.WorkerPoolIds?.some((id) => poolIds.has(id))) chosen.set(w.Id, w)
  return [...chosen.values()]
}

/** The stderr line naming the disabled workers left out of the check, if any. */
export function skippedNote(target: HealthTarget): string | undefined {
  if (target.skipped.length === 0) return undefined
  const names = target.skipped.map((w) => `'${w.Name}'`).join(', ')
  return target.skipped.length === 1
    ? `Skipping disabled worker ${names}: Octopus does not health-check disabled workers.`
    : `Skipping ${target.skipped.length} disabled workers (Octopus does not health-check disabled workers): ${names}.`
}

export function healthTaskBody(target: HealthTarget): {Name: string; Description: string; Arguments: Record<string, unknown>} {
  const description = target.pool
    ? `Health check of pool ${target.pool.Name}`
    : `Health check of ${target.workers.length === 1 ? `worker ${target.workers[0].Name}` : `${target.workers.length} workers`}`
  return {
    Name: 'Health',
    Description: description,
    Arguments: {
      Timeout: '00:05:00',
      MachineTimeout: '00:01:00',
      ...(target.pool ? {WorkerpoolId: target.pool.Id} : {}),
      MachineIds: target.pool ? [] : target.workers.map((w) => w.Id),
      RestrictedTo: 'Workers',
    },
  }
}

export function isTaskFinished(task: TaskResource): boolean {
  return Boolean(task.IsCompleted) || ['Success', 'Failed', 'Canceled', 'TimedOut'].includes(task.State)
}

export interface WaitOptions {
  intervalMs: number
  timeoutMs: number
  now?: () => number
  sleep?: (ms: number) => Promise<void>
  onProgress?: (task: TaskResource, elapsedMs: number) => void
}

/** Polls a task until it finishes. A wait that runs out is exit 1 naming the still-running task. */
export async function waitForTask(fetchTask: () => Promise<TaskResource>, opts: WaitOptions): Promise<TaskResource> {
  const now = opts.now ?? (() => Date.now())
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const started = now()
  for (;;) {
    const task = await fetchTask()
    const elapsed = now() - started
    opts.onProgress?.(task, elapsed)
    if (isTaskFinished(task)) return task
    if (elapsed >= opts.timeoutMs) {
      throw new CliError(`Task ${task.Id} is still ${task.State} after ${Math.round(opts.timeoutMs / 1000)} s; stopped waiting (the task goes on).`, ExitCode.Failure, {
        hint: 'Raise --wait-timeout, or look at the task in the web portal.',
        code: 'timeout',
      })
    }
    await sleep(Math.min(opts.intervalMs, Math.max(0, opts.timeoutMs - elapsed)))
  }
}

export const HEALTH_TABLE_HEAD = ['NAME', 'HEALTH', 'STATUS SUMMARY']

export function healthRows(workers: WorkerResource[]): string[][] {
  return workers.map((w) => [w.Name, healthLabel(w), w.StatusSummary ?? ''])
}

export function allHealthy(workers: WorkerResource[]): boolean {
  return workers.every((w) => w.HealthStatus === 'Healthy')
}

/** One progress line: `ServerTasks-12: Executing (3 s)`. */
export function progressLine(task: TaskResource, elapsedMs: number): string {
  return `${task.Id}: ${task.State} (${Math.round(elapsedMs / 1000)} s)`
}

/**
 * Nothing to check is an error rather than an empty task: exit 2 when every worker named is disabled
 * (the request cannot be done as asked), exit 1 when a pool or the space has no enabled worker.
 */
export function requireTargets(target: HealthTarget): void {
  if (target.workers.length > 0) return
  const disabled = target.skipped.map((w) => `'${w.Name}'`).join(', ')
  if (target.workersNamed) {
    throw new CliError(`Nothing to check: ${target.skipped.length === 1 ? `worker ${disabled} is` : `workers ${disabled} are`} disabled, and Octopus does not health-check disabled workers.`, ExitCode.Usage, {
      code: 'nothing-to-check',
      hint: 'Enable them first with `worker enable`, or name enabled workers.',
    })
  }
  const where = target.pool ? `Pool '${target.pool.Name}' has` : 'There are'
  const message = target.skipped.length > 0 ? `${where} no enabled workers to check (disabled: ${disabled}).` : `${where} no workers to check.`
  throw new CliError(message, ExitCode.Failure, {code: 'nothing-to-check'})
}

/** The checked workers as they are after the task, in the order they were chosen. */
export function checkedWorkers(target: Pick<HealthTarget, 'workers'>, current: WorkerResource[]): WorkerResource[] {
  const byId = new Map(current.map((w) => [w.Id, w]))
  return target.workers.map((w) => byId.get(w.Id) ?? w)
}
