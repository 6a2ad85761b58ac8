/**
 * `worker health`: starts an Octopus `Health` task restricted to workers (API notes §3.4), and
 * optionally polls it to the end and reports each checked worker's resulting health.
 */
import {CliError, ExitCode, usageError} from '../../text/errors.js'
import type {BulkItem, BulkResult} from '../../domain/bulk.js'
import type {SpaceContext} from '../../octopus/client.js'
import {findAllByNameOrId} from '../../octopus/names.js'
import {createTask, getTask, listWorkerPools, listWorkers} from '../../octopus/repositories.js'
import type {TaskResource, WorkerPoolResource, WorkerResource} from '../../octopus/types.js'
import {isAvailable, unavailableReason} from '../../domain/availability.js'
import {poolNames, withPoolNames, type WorkerWithPoolNames} from './list.js'
import {healthLabel} from '../../domain/workers/endpoint-facts.js'
import {formatDuration} from '../../text/duration.js'
import type {WorkerSelectionInput} from './bulk.js'

export interface HealthTarget {
  /** Set when the whole of one pool is checked (the task's `WorkerpoolId`). */
  pool?: WorkerPoolResource
  /** The enabled workers the task checks (for a pool: its enabled workers, to report on afterwards). */
  workers: WorkerResource[]
  /** Selected workers that are disabled: Octopus skips disabled machines, so they are not checked. */
  skipped: WorkerResource[]
  /** Workers were named on the command line (not only pools, or the whole space). */
  workersNamed: boolean
  /** The pools given with --pool. */
  pools: WorkerPoolResource[]
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
    pools: opts.pools,
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
      throw new CliError(`Task ${task.Id} is still ${task.State} after ${formatDuration(opts.timeoutMs)}; stopped waiting (the task goes on).`, ExitCode.Failure, {
        hint: 'Raise --wait-timeout, or look at the task in the web portal.',
        code: 'timeout',
      })
    }
    await sleep(Math.min(opts.intervalMs, Math.max(0, opts.timeoutMs - elapsed)))
  }
}

/** Every checked worker is available (src/domain/availability.ts: enabled, Healthy or HasWarnings). */
export function allAvailable(workers: WorkerResource[]): boolean {
  return workers.every(isAvailable)
}

/**
 * A selection with no enabled worker is bad usage, exit 2, and no task is started: whether the
 * workers named are all disabled or the pools (or the space) have no enabled worker, the check
 * cannot be done as asked, and a `--wait` gate must not pass (or fail) on having checked nothing.
 */
export function requireTargets(target: HealthTarget): void {
  if (target.workers.length > 0) return
  const disabled = target.skipped.map((w) => `'${w.Name}'`).join(', ')
  if (target.workersNamed) {
    throw usageError(`Nothing to check: ${target.skipped.length === 1 ? `worker ${disabled} is` : `workers ${disabled} are`} disabled, and Octopus does not health-check disabled workers.`, {
      code: 'nothing-to-check',
      hint: `Enable ${target.skipped.length === 1 ? 'it' : 'them'} first with \`worker enable\`, or name enabled workers.`,
    })
  }
  const where = target.pools.length === 1 ? `pool '${target.pools[0].Name}' has` : target.pools.length > 1 ? `pools ${target.pools.map((p) => `'${p.Name}'`).join(', ')} have` : 'the space has'
  const message = target.skipped.length > 0 ? `Nothing to check: ${where} no enabled workers (disabled: ${disabled}).` : `Nothing to check: ${where} no workers.`
  throw usageError(message, {code: 'nothing-to-check', ...(target.skipped.length > 0 ? {hint: `Enable ${target.skipped.length === 1 ? 'it' : 'them'} first with \`worker enable\`.`} : {})})
}

/** The checked workers as they are after the task, in the order they were chosen. */
export function checkedWorkers(target: Pick<HealthTarget, 'workers'>, current: WorkerResource[]): WorkerResource[] {
  const byId = new Map(current.map((w) => [w.Id, w]))
  return target.workers.map((w) => byId.get(w.Id) ?? w)
}

export const NOT_CHECKED_DISABLED = 'not checked: disabled (Octopus does not health-check disabled workers)'

/**
 * The result of `worker health`: the bulk result (one item per selected worker: `done` when the
 * check was started, or with --wait when the worker came out available; `failed` when it did not,
 * the message saying why; `skipped` for a disabled worker, which is not checked), with the task
 * and the checked workers' documents.
 */
export interface HealthResult extends BulkResult {
  Task: TaskResource
  Waited: boolean
  /** The checked workers (after the task, with --wait), with their pools' names. */
  Workers: WorkerWithPoolNames[]
}

/** Why a checked worker is not available: its health (or `disabled`) and the server's summary. */
export function notAvailableMessage(worker: WorkerResource): string {
  const reason = unavailableReason(worker) ?? healthLabel(worker)
  const summary = worker.StatusSummary?.trim()
  return summary ? `${reason}: ${summary}` : reason
}

export function healthResult(opts: {target: HealthTarget; task: TaskResource; checked?: WorkerResource[]; pools: WorkerPoolResource[]}): HealthResult {
  const waited = opts.checked !== undefined
  const checked = opts.checked ?? opts.target.workers
  const items: BulkItem[] = checked.map((w) => {
    if (!waited) return {Id: w.Id, Name: w.Name, Status: 'done', Message: `check started (${opts.task.Id})`}
    return isAvailable(w) ? {Id: w.Id, Name: w.Name, Status: 'done', Message: healthLabel(w)} : {Id: w.Id, Name: w.Name, Status: 'failed', Message: notAvailableMessage(w)}
  })
  for (const w of opts.target.skipped) items.push({Id: w.Id, Name: w.Name, Status: 'skipped', Message: NOT_CHECKED_DISABLED})
  const count = (status: BulkItem['Status']) => items.filter((i) => i.Status === status).length
  const names = poolNames(opts.pools)
  return {
    Action: waited ? 'checked' : 'check started',
    Results: items,
    Done: count('done'),
    Unchanged: count('unchanged'),
    Failed: count('failed'),
    NotAttempted: count('skipped'),
    Task: opts.task,
    Waited: waited,
    Workers: checked.map((w) => withPoolNames(w, names)),
  }
}

/** A waited check failed when a checked worker is not available or the task did not succeed. */
export function healthCheckFailed(result: HealthResult): boolean {
  return result.Failed > 0 || (result.Waited && result.Task.State !== 'Success')
}

export interface HealthRunOptions {
  wait: boolean
  waitMs: number
  intervalMs?: number
  /** Called once the task is created (before any wait), e.g. to say so on stderr. */
  onStarted?: (task: TaskResource, target: HealthTarget) => void
  onProgress?: (task: TaskResource, elapsedMs: number) => void
}

/**
 * `worker health`: resolves the selection on the client (names and pools; none: every worker),
 * refuses a selection with no enabled worker (exit 2), starts one Health task and, with `wait`,
 * polls it to the end and reads the checked workers back.
 */
export async function checkWorkerHealth(space: SpaceContext, selection: WorkerSelectionInput, opts: HealthRunOptions): Promise<HealthResult> {
  const [allWorkers, pools] = await Promise.all([listWorkers(space), listWorkerPools(space)])
  // Every name resolves (exit 4) before anything is started.
  const target = healthTarget({
    workers: findAllByNameOrId(allWorkers, selection.names, 'worker'),
    pools: findAllByNameOrId(pools, selection.poolInputs, 'worker pool'),
    allWorkers,
  })
  requireTargets(target)
  const task = await createTask(space, healthTaskBody(target))
  opts.onStarted?.(task, target)
  if (!opts.wait) return healthResult({target, task, pools})
  const finished = await waitForTask(() => getTask(space, task.Id), {intervalMs: opts.intervalMs ?? 1000, timeoutMs: opts.waitMs, onProgress: opts.onProgress})
  return healthResult({target, task: finished, checked: checkedWorkers(target, await listWorkers(space)), pools})
}
