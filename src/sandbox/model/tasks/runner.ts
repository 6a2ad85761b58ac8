import type {ModelContext} from '../../context.js'
import {activeLeasesOfTask, releaseFailureLine, releaseLease, type LeaseRow} from '../leases.js'
import type {TaskScheduler} from './scheduler.js'
import type {FinalState, TaskDoc, TaskState, TaskStore} from './store.js'

/**
 * What every task kind (health-check.ts, upgrade.ts, deploy.ts) runs on: the task store, the
 * scheduler, and the two things all of them do the same way, releasing leases and finishing.
 */
export class TaskRunner {
  constructor(readonly ctx: ModelContext, readonly tasks: TaskStore, private readonly scheduler: TaskScheduler) {}

  track(taskId: string, onDone?: (state: TaskState) => void): void {
    this.scheduler.track(taskId, onDone)
  }

  /** Runs `fn` later in a transaction; a throw fails the task with the error in its log. */
  later(taskId: string, ms: number, fn: () => void): void {
    this.scheduler.later(taskId, ms, () => {
      try {
        this.ctx.store.transaction(fn)
      } catch (error) {
        this.tasks.log(taskId, taskId, 'Fatal', `Sandbox error: ${(error as Error).message}`)
        this.finish(taskId, 'Failed', (error as Error).message)
      }
    })
  }

  start(taskId: string): TaskDoc {
    return this.tasks.start(taskId)
  }

  /** Completes a task: releases whatever it still holds, sets its final state, fires onDone. */
  finish(taskId: string, state: FinalState, errorMessage: string | null = null, hasWarnings = false): void {
    this.ctx.store.transaction(() => {
      const doc = this.tasks.get(taskId)
      if (!doc || doc.IsCompleted) return
      this.releaseAll(taskId, state === 'Success' ? 'completed' : state.toLowerCase())
      this.tasks.complete(doc, state, errorMessage, hasWarnings)
    })
    this.scheduler.settle(taskId, state)
  }

  private releaseAll(taskId: string, reason: string): void {
    for (const lease of activeLeasesOfTask(this.ctx, taskId)) {
      const activity = this.tasks.activities(taskId).find((a) => a.Status === 'Running' && a.ParentId !== null)?.Id ?? taskId
      this.release(taskId, activity, lease, reason)
    }
  }

  /**
   * Releases a lease. Real servers write no line for a successful release (none is published), so
   * neither does the sandbox. In fault mode (`POST /api/sandbox/faults {Kind: "LeaseRelease"}`)
   * the release fails as in OctopusDeploy/Issues#9868: the task log gets the evidenced warning and
   * the lease stays held (stale) until the server restarts.
   */
  release(taskId: string, activityId: string, lease: LeaseRow, reason: string): void {
    if (this.ctx.leaseReleaseFaults.takeFailure()) {
      this.tasks.log(taskId, activityId, 'Warning', releaseFailureLine(lease))
      // Still held, but no longer the task's to release: only the restart clean-up clears it.
      this.ctx.store.prepare('UPDATE leases SET release_reason = ? WHERE num = ?').run('release failed: stale until the server restarts', lease.num)
      return
    }
    releaseLease(this.ctx, lease.num, reason)
  }
}
