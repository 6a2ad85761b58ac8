/**
 * Task queries for the log source and reports. Query parameters are appended directly rather
 * than through the `Tasks` link template, because 2021.2's template lacks the date filters
 * (octopus-api/README.md §1.2) and a template silently drops unknown variables; results are
 * filtered on the client too, so a server that ignores a filter still gives the right answer.
 */
import type {SpaceContext} from '../../octopus/client.js'
import {getTaskDetails} from '../../octopus/repositories.js'
import {collectionOf, task} from '../../octopus/response-shapes.js'
import type {TaskDetailsResource, TaskResource} from '../../octopus/types.js'

export const EXECUTING_STATES = ['Executing', 'Cancelling']
export const COMPLETED_STATES = ['Success', 'Failed', 'Canceled', 'TimedOut']
const PAGE = 1000

export interface TaskFilter {
  states?: string[]
  ids?: string[]
  fromCompletedDate?: string
  toCompletedDate?: string
  /** Stop after this many tasks (newest first). */
  limit?: number
}

function tasksBaseUrl(space: SpaceContext): string {
  return space.hasLink('Tasks') ? space.link('Tasks') : space.path('tasks')
}

/** Every task of the space matching the filter, a page of 1000 per request. */
export async function queryTasks(space: SpaceContext, filter: TaskFilter): Promise<TaskResource[]> {
  const out: TaskResource[] = []
  const take = Math.min(PAGE, filter.limit ?? PAGE)
  for (let skip = 0; ; skip += take) {
    const page = await space.client.get(tasksBaseUrl(space), collectionOf(task), {
      spaces: space.spaceId,
      states: filter.states,
      ids: filter.ids,
      fromCompletedDate: filter.fromCompletedDate,
      toCompletedDate: filter.toCompletedDate,
      skip,
      take,
    })
    const items = page.Items ?? []
    out.push(...items)
    if (items.length < take || out.length >= (page.TotalResults ?? 0) || (filter.limit !== undefined && out.length >= filter.limit)) break
  }
  const from = filter.fromCompletedDate ? Date.parse(filter.fromCompletedDate) : undefined
  const to = filter.toCompletedDate ? Date.parse(filter.toCompletedDate) : undefined
  const states = filter.states ? new Set(filter.states) : undefined
  const ids = filter.ids ? new Set(filter.ids) : undefined
  return out.filter((task) => {
    if (states && !states.has(task.State)) return false
    if (ids && !ids.has(task.Id)) return false
    if (from !== undefined || to !== undefined) {
      const completed = task.CompletedTime ? Date.parse(task.CompletedTime) : NaN
      if (!Number.isFinite(completed)) return false
      if (from !== undefined && completed < from) return false
      if (to !== undefined && completed > to) return false
    }
    return true
  })
}

/** The task's full verbose log tree (one request). */
export function readTaskLog(space: SpaceContext, taskId: string): Promise<TaskDetailsResource> {
  return getTaskDetails(space, taskId, {verbose: true})
}
