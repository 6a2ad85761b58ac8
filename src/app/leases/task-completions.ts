/**
 * Which tasks completed since the last poll: one task-list request per poll (states = completed,
 * fromCompletedDate = a little behind the newest completion seen), whatever the number of tasks.
 * Both the log source and the reconciled source (`--source auto`) read each such task's log once.
 *
 * Only server times (CompletedTime) are compared here, never the client's clock.
 */
import type {SpaceContext} from '../../octopus/client.js'
import type {TaskResource} from '../../octopus/types.js'
import {COMPLETED_STATES, queryTasks} from './tasks.js'

/** Completed tasks are re-queried this far behind the newest completion seen, for late commits and a server clock that stepped back. */
export const COMPLETION_OVERLAP_MS = 10_000

export class CompletionCursor {
  /** Completed tasks already accounted for → their completion time (ms), pruned as the cursor moves. */
  private done = new Map<string, number>()
  /** Newest completion time seen (ms); undefined until the server has any completed task. */
  private cursor?: number
  /** Completions at or before this instant happened before we started. */
  private baseline = -Infinity

  constructor(private readonly space: SpaceContext) {}

  /** At start: the newest completions are history, not news (one request). */
  async establish(): Promise<void> {
    const recent = await queryTasks(this.space, {states: COMPLETED_STATES, limit: 100})
    for (const task of recent) this.markDone(task)
    if (this.cursor !== undefined) this.baseline = this.cursor
  }

  /** Completed tasks since the cursor (one request); `isNews` tells which are not yet accounted for. */
  query(): Promise<TaskResource[]> {
    const since = this.cursor === undefined ? undefined : new Date(this.cursor - COMPLETION_OVERLAP_MS).toISOString()
    return queryTasks(this.space, {states: COMPLETED_STATES, fromCompletedDate: since})
  }

  /** A completion not yet handled: after our start, or of a task we were following anyway. */
  isNews(task: TaskResource, followed: boolean): boolean {
    if (this.done.has(task.Id)) return false
    return followed || completedMs(task) > this.baseline
  }

  markDone(task: TaskResource): void {
    const at = completedMs(task)
    this.done.set(task.Id, at)
    if (Number.isFinite(at) && (this.cursor === undefined || at > this.cursor)) this.cursor = at
  }

  has(taskId: string): boolean {
    return this.done.has(taskId)
  }

  prune(): void {
    if (this.cursor === undefined) return
    const horizon = this.cursor - COMPLETION_OVERLAP_MS * 6
    for (const [id, at] of this.done) if (at < horizon) this.done.delete(id)
  }
}

export function completedMs(task: TaskResource): number {
  return task.CompletedTime ? Date.parse(task.CompletedTime) : NaN
}

export function isCompleted(task: TaskResource): boolean {
  return Boolean(task.IsCompleted) || COMPLETED_STATES.includes(task.State)
}
