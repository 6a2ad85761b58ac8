/**
 * Why a task failed, read from its log the way a person reads it in the portal: the step that
 * failed and the last error it logged. Octopus's log is a tree: the task, its steps, their actions
 * (and targets or workers), each with log lines; a failed step is marked `Failed`.
 */
import type {ActivityElement, TaskDetailsResource} from '../octopus/types.js'

export interface TaskFailure {
  TaskId: string
  /** The failed step's name as the log shows it, or null when no step is marked failed. */
  Step: string | null
  Reason: string
}

const ERROR_CATEGORIES = new Set(['Error', 'Fatal'])

function lastError(element: ActivityElement): string | undefined {
  let found: string | undefined
  const walk = (node: ActivityElement) => {
    for (const line of node.LogElements ?? []) if (ERROR_CATEGORIES.has(line.Category) && line.MessageText.trim()) found = line.MessageText.trim()
    for (const child of node.Children ?? []) walk(child)
  }
  walk(element)
  return found
}

/** The failed step and its last error line; else the task's own error message; else undefined. */
export function taskFailure(details: Pick<TaskDetailsResource, 'ActivityLogs'> & {Task: {Id: string; ErrorMessage?: string | null}}): TaskFailure | undefined {
  for (const root of details.ActivityLogs ?? []) {
    for (const step of root.Children ?? []) {
      if (step.Status !== 'Failed') continue
      const reason = lastError(step) ?? details.Task.ErrorMessage?.trim()
      if (reason) return {TaskId: details.Task.Id, Step: step.Name, Reason: reason}
    }
  }
  const anywhere = details.ActivityLogs?.map(lastError).find(Boolean) ?? details.Task.ErrorMessage?.trim()
  return anywhere ? {TaskId: details.Task.Id, Step: null, Reason: anywhere} : undefined
}
