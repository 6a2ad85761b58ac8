/**
 * Stale leases: a lease row the server still lists after its task has finished. Octopus keeps
 * such rows when a release fails (the task log then says "Unable to release worker … from lease
 * …") and clears them only when the server starts (OctopusDeploy/Issues#5634, #9692, #9868). A
 * stale lease runs nothing on its worker: a drain does not wait on it, `leases list` marks it, and
 * `worker delete` does not refuse because of it (the server itself may still refuse to delete the
 * worker until it clears the row: that is the server's answer to report, not ours to guess).
 *
 * A lease is stale exactly when its task is in a completed state (Success, Failed, Canceled,
 * TimedOut). The task states come from one batched task query (`ids=`) per look, whatever the
 * number of leases.
 */
import type {SpaceContext} from '../../octopus/client.js'
import {COMPLETED_STATES, queryTasks} from './tasks.js'

/** What a lease's task says about the lease. */
export interface TaskEnd {
  TaskId: string
  State: string
  /** When the task completed; null while it runs (or when the server does not say). */
  CompletedTime: string | null
}

export interface LeaseStaleness {
  /** True when the lease's task has finished: the lease holds nothing. */
  Stale: boolean
  /** The task's state, or null when the task was not found. */
  TaskState: string | null
  TaskCompletedTime: string | null
}

const COMPLETED = new Set(COMPLETED_STATES)

export function isCompletedTaskState(state: string | null | undefined): boolean {
  return state !== null && state !== undefined && COMPLETED.has(state)
}

/**
 * Whether the lease's task has finished. A task the server did not return (deleted, or of a space
 * the key cannot read) is not taken as finished: a drain keeps waiting rather than guess.
 */
export function leaseStaleness(lease: {TaskId: string}, tasks: ReadonlyMap<string, TaskEnd>): LeaseStaleness {
  const task = tasks.get(lease.TaskId)
  if (!task) return {Stale: false, TaskState: null, TaskCompletedTime: null}
  return {Stale: isCompletedTaskState(task.State), TaskState: task.State, TaskCompletedTime: task.CompletedTime}
}

/** Task IDs per request: keeps the query string well under what servers and proxies accept. */
const IDS_PER_REQUEST = 100

/**
 * The state of each task named, in one request per 100 IDs (`/tasks?ids=…`, the parameter every
 * version's Tasks template has). Tasks the server does not return are left out.
 */
export async function readTaskEnds(space: SpaceContext, taskIds: Iterable<string>): Promise<Map<string, TaskEnd>> {
  const ids = [...new Set(taskIds)]
  const out = new Map<string, TaskEnd>()
  for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) {
    const chunk = ids.slice(i, i + IDS_PER_REQUEST)
    for (const task of await queryTasks(space, {ids: chunk})) {
      out.set(task.Id, {TaskId: task.Id, State: task.State, CompletedTime: typeof task.CompletedTime === 'string' ? task.CompletedTime : null})
    }
  }
  return out
}
