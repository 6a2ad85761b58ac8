import {isLegacy, type ModelContext} from '../../context.js'
import {grantLease, leasedLine} from '../leases.js'
import type {TaskRunner} from './runner.js'
import type {TaskState} from './store.js'

/** One step of a synthetic deployment: which pool it leases from and how long it runs. */
export interface DeployStep {
  poolId: string
  durationMs: number
  /** The step's script needs the worker to itself (OctopusBypassDeploymentMutex False): it waits on Tentacle's isolation mutex. */
  fullIsolation?: boolean
}

/**
 * Runs a Deploy task: each step leases a worker from its pool, works for its duration, then
 * releases it. A step's release and the next step's lease happen in one synchronous callback,
 * as do a task's last release and the next queued task's first lease (see simulations.ts).
 */
export function runDeploy(runner: TaskRunner, taskId: string, steps: DeployStep[], onDone: (state: TaskState) => void): void {
  const {ctx, tasks} = runner
  runner.track(taskId, onDone)
  const task = runner.start(taskId)
  let index = 0
  let waitingSince: number | undefined
  // The current step's activity, from its first attempt to lease: a step starts when it asks for a
  // worker, so a step that waits for one shows the wait between its Started and its lease line.
  let pending: string | undefined
  const runStep = (): void => {
    if (index >= steps.length) {
      tasks.log(taskId, taskId, 'Info', 'Deployment completed successfully.')
      runner.finish(taskId, 'Success')
      return
    }
    const step = steps[index]
    pending ??= tasks.addActivity(taskId, `Step ${index + 1}: Run a script`)
    const activity = pending
    const result = grantLease(ctx, {taskId, spaceId: task.SpaceId, poolId: step.poolId})
    if (result.kind === 'wait') {
      waitingSince ??= Date.now()
      if (result.reason === 'dynamic' || Date.now() - waitingSince < leaseRetryBoundMs(ctx)) return runner.later(taskId, 25, runStep)
      const message = noWorkerMessage(result.poolName)
      tasks.log(taskId, activity, 'Error', message)
      runner.finish(taskId, 'Failed', message)
      return
    }
    waitingSince = undefined
    pending = undefined
    if (result.kind === 'fail') {
      tasks.log(taskId, activity, 'Error', result.message)
      runner.finish(taskId, 'Failed', result.message)
      return
    }
    tasks.log(taskId, activity, 'Info', result.kind === 'leased' ? leasedLine(result.lease) : result.message)
    const runScript = () => runner.later(taskId, step.durationMs, () => {
      if (result.kind === 'leased') runner.release(taskId, activity, result.lease, 'completed')
      tasks.setActivity(taskId, activity, 'Success')
      index++
      runStep()
    })
    if (result.kind !== 'leased' || !step.fullIsolation) return runScript()
    const lease = result.lease
    // Tentacle's isolation mutex: the first attempt waits 100 ms silently; each attempt that times
    // out writes the wait line (real attempts after the first last 10 minutes; the sandbox polls
    // every 25 ms but writes the line once). The lock is taken as soon as it frees, with no line.
    const waiting = waitingLeases(ctx)
    const attempt = (tries: number): void => {
      const holders = mutexHolders(ctx, lease.worker_id, lease.num, lease.task_id)
      if (holders.length === 0) {
        waiting.delete(lease.num)
        if (tries > 1) tasks.log(taskId, activity, 'Info', 'Executing the script.')
        return runScript()
      }
      waiting.add(lease.num)
      if (tries === 1) tasks.log(taskId, activity, 'Wait', mutexWaitLine(holders))
      runner.later(taskId, tries === 0 ? 100 : 25, () => attempt(tries + 1))
    }
    attempt(0)
  }
  ctx.store.transaction(runStep)
}

/** Leases whose step is waiting on the isolation mutex of its worker (per sandbox). */
const waitingByContext = new WeakMap<ModelContext, Set<number>>()

function waitingLeases(ctx: ModelContext): Set<number> {
  let set = waitingByContext.get(ctx)
  if (!set) waitingByContext.set(ctx, (set = new Set()))
  return set
}

/**
 * The other tasks holding the worker's mutex for this lease: every other task with an active
 * lease on the worker, except those still waiting that leased after this one (first come, first
 * served, so two waiting steps never wait on each other).
 */
function mutexHolders(ctx: ModelContext, workerId: string, num: number, taskId: string): string[] {
  const waiting = waitingLeases(ctx)
  const rows = ctx.store.prepare('SELECT num, task_id FROM leases WHERE worker_id = ? AND released_at IS NULL AND task_id != ? ORDER BY num').all(workerId, taskId) as Array<{num: number; task_id: string}>
  return [...new Set(rows.filter((r) => !(waiting.has(r.num) && r.num > num)).map((r) => r.task_id))]
}

/** Tentacle's wait line (ScriptIsolationMutex's GetBusyMessage), tasks as Markdown links. */
export function mutexWaitLine(taskIds: readonly string[]): string {
  const links = taskIds.map((id) => `[${id}](~/app#/tasks/${id})`)
  const rest = 'requires that no other Octopus scripts are executing on this target at the same time.'
  if (links.length === 1) return `Waiting for the script in task ${links[0]} to finish as this script ${rest}`
  return `Waiting on scripts in tasks ${links.slice(0, -1).join(', ')} and ${links.at(-1)} to finish. This script ${rest}`
}

/**
 * How long a deployment step waits for a worker when none can be leased (all drained, unhealthy,
 * or leased exclusively by upgrades). Octopus retries leasing since 2025.3.2507 ("Retry worker
 * leasing when all healthy workers are leased exclusively"); before that such steps failed at
 * once, so the 2021.2 emulation does not wait. The real retry count and duration are not
 * confirmed; the sandbox's bound is `taskTiming.leaseRetryMs`.
 */
function leaseRetryBoundMs(ctx: ModelContext): number {
  return isLegacy(ctx) ? 0 : ctx.leaseRetryMs
}

/**
 * The failure of a step that found no worker to lease. Octopus's docs name the condition "There are
 * no healthy workers in the pool"; the exact log text of current servers is not confirmed (a 2025.2
 * build wrote "The step failed: This should not happen! Worker must not be null..." for an empty
 * pool), so this uses the documented phrase.
 */
export function noWorkerMessage(pool: string): string {
  return `The step failed: There are no healthy workers in the pool ${pool}.`
}
