import {isLegacy, type ModelContext} from '../../context.js'
import {grantLease, leasedLine} from '../leases.js'
import type {TaskRunner} from './runner.js'
import type {TaskState} from './store.js'

/** One step of a synthetic deployment: which pool it leases from and how long it runs. */
export interface DeployStep {
  poolId: string
  durationMs: number
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
  const runStep = (): void => {
    if (index >= steps.length) {
      tasks.log(taskId, taskId, 'Info', 'Deployment completed successfully.')
      runner.finish(taskId, 'Success')
      return
    }
    const step = steps[index]
    const activityName = `Step ${index + 1}: Run a script`
    const result = grantLease(ctx, {taskId, spaceId: task.SpaceId, poolId: step.poolId})
    if (result.kind === 'wait') {
      waitingSince ??= Date.now()
      if (result.reason === 'dynamic' || Date.now() - waitingSince < leaseRetryBoundMs(ctx)) return runner.later(taskId, 25, runStep)
      const activity = tasks.addActivity(taskId, activityName)
      const message = noWorkerMessage(result.poolName)
      tasks.log(taskId, activity, 'Error', message)
      runner.finish(taskId, 'Failed', message)
      return
    }
    waitingSince = undefined
    const activity = tasks.addActivity(taskId, activityName)
    if (result.kind === 'fail') {
      tasks.log(taskId, activity, 'Error', result.message)
      runner.finish(taskId, 'Failed', result.message)
      return
    }
    tasks.log(taskId, activity, 'Info', result.kind === 'leased' ? leasedLine(result.lease) : result.message)
    runner.later(taskId, step.durationMs, () => {
      if (result.kind === 'leased') runner.release(taskId, activity, result.lease, 'completed')
      tasks.setActivity(taskId, activity, 'Success')
      index++
      runStep()
    })
  }
  ctx.store.transaction(runStep)
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
