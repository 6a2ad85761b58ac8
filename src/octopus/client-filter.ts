/**
 * Every selection the client asks a server for, applied again on the client. Query parameters are
 * only an optimisation: a server may not know a parameter (2019.7 has no `shellNames`, no task date
 * filters; 2023.1 no `name` on WorkerPools or Spaces), spell it differently, or ignore it, and then
 * it answers with more than was asked. These predicates make the answer exact whatever the server
 * did. They follow the server's own semantics: names and IDs match case-insensitively, `name` is
 * an exact name, `partialName` a substring, list parameters match any of their values.
 */
import type {TaskResource, WorkerResource} from './types.js'

export interface WorkerSelection {
  name?: string
  partialName?: string
  ids?: string[]
  isDisabled?: boolean
  healthStatuses?: string[]
  commStyles?: string[]
  workerPoolIds?: string[]
  thumbprint?: string
  shellNames?: string[]
}

const lower = (value: unknown): string => (typeof value === 'string' ? value.toLowerCase() : '')
const lowerSet = (values: string[] | undefined): Set<string> | undefined => (values && values.length > 0 ? new Set(values.map((v) => v.toLowerCase())) : undefined)

/** Whether a selection asks for anything (an empty one is "every worker"). */
export function isSelective(selection: object): boolean {
  return Object.values(selection).some((v) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0))
}

/** The worker's certificate thumbprint wherever its document keeps it (Kubernetes agents one level down). */
function thumbprintOf(worker: WorkerResource): string {
  const endpoint = worker.Endpoint
  return lower(endpoint?.Thumbprint ?? endpoint?.TentacleEndpointConfiguration?.Thumbprint ?? worker.Thumbprint)
}

/** A predicate that keeps exactly the workers the selection names. */
export function workerPredicate(selection: WorkerSelection): (worker: WorkerResource) => boolean {
  const name = selection.name?.trim().toLowerCase()
  const partial = selection.partialName?.trim().toLowerCase()
  const ids = lowerSet(selection.ids)
  const health = lowerSet(selection.healthStatuses)
  const styles = lowerSet(selection.commStyles)
  const pools = lowerSet(selection.workerPoolIds)
  const shells = lowerSet(selection.shellNames)
  const thumbprint = selection.thumbprint?.trim().toLowerCase()
  return (worker) => {
    if (name !== undefined && name !== '' && lower(worker.Name) !== name) return false
    if (partial && !lower(worker.Name).includes(partial)) return false
    if (ids && !ids.has(lower(worker.Id))) return false
    if (selection.isDisabled !== undefined && (worker.IsDisabled === true) !== selection.isDisabled) return false
    // A worker with no HealthStatus has never been checked: the server's default is Unknown.
    if (health && !health.has(lower(worker.HealthStatus) || 'unknown')) return false
    if (styles && !styles.has(lower(worker.Endpoint?.CommunicationStyle) || 'none')) return false
    if (pools && !(worker.WorkerPoolIds ?? []).some((id) => pools.has(lower(id)))) return false
    if (shells && !shells.has(lower((worker as {ShellName?: unknown}).ShellName))) return false
    if (thumbprint && thumbprintOf(worker) !== thumbprint) return false
    return true
  }
}

/** Items of this space only (or with no SpaceId, as on servers before spaces) (a server that answered with another space's is not believed). */
export function inSpace<T extends object>(items: T[], spaceId: string): T[] {
  const isOwn = ownedBySpace(spaceId)
  return items.filter(isOwn)
}

/** `inSpace` for one item at a time (a list read as it arrives). */
export function ownedBySpace(spaceId: string): (item: object) => boolean {
  const wanted = spaceId.toLowerCase()
  return (item) => {
    const own = (item as {SpaceId?: unknown}).SpaceId
    return typeof own !== 'string' || own === '' || own.toLowerCase() === wanted
  }
}

export interface TaskSelection {
  states?: string[]
  name?: string[] | string
  ids?: string[]
  fromCompletedDate?: string
  toCompletedDate?: string
  spaces?: string[] | string
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/

/**
 * When a task completed: the ISO `CompletedTime`. Real servers give `Completed` as display text
 * ("Monday, March 20, 2017 9:00 PM", no zone), which is only used when it is itself ISO (as some
 * emulations send it); display text is never guessed at, so such a task falls outside any window.
 */
export function completedAt(task: Pick<TaskResource, 'CompletedTime'> & {Completed?: unknown}): number {
  if (typeof task.CompletedTime === 'string' && ISO_TIMESTAMP.test(task.CompletedTime)) return Date.parse(task.CompletedTime)
  return typeof task.Completed === 'string' && ISO_TIMESTAMP.test(task.Completed) ? Date.parse(task.Completed) : NaN
}

/** A predicate that keeps exactly the tasks the selection names (date bounds inclusive). */
export function taskPredicate(selection: TaskSelection): (task: TaskResource) => boolean {
  const list = (v: string[] | string | undefined) => lowerSet(typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v)
  const states = list(selection.states)
  const names = list(selection.name)
  const ids = list(selection.ids)
  const spaces = list(selection.spaces)
  const from = selection.fromCompletedDate ? Date.parse(selection.fromCompletedDate) : undefined
  const to = selection.toCompletedDate ? Date.parse(selection.toCompletedDate) : undefined
  return (task) => {
    if (states && !states.has(lower(task.State))) return false
    if (names && !names.has(lower(task.Name))) return false
    if (ids && !ids.has(lower(task.Id))) return false
    if (spaces && task.SpaceId && !spaces.has(lower(task.SpaceId))) return false
    if (from !== undefined || to !== undefined) {
      const completed = completedAt(task)
      if (!Number.isFinite(completed)) return false
      if (from !== undefined && completed < from) return false
      if (to !== undefined && completed > to) return false
    }
    return true
  }
}
