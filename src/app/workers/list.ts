/**
 * `worker list`: the user's filters become the server's own query parameters (so filtering costs
 * no extra requests), and each worker becomes one table row or one JSON item with pool names.
 */
import {usageError} from '../../text/errors.js'
import type {SpaceContext} from '../../octopus/client.js'
import {findAllByNameOrId} from '../../octopus/names.js'
import {compareTextIgnoringCase} from '../../text/order.js'
import {listWorkerPools, listWorkers, type WorkerQuery} from '../../octopus/repositories.js'
import type {HealthStatus, WorkerPoolResource, WorkerResource} from '../../octopus/types.js'
import {COMM_STYLE_OF_TYPE, WORKER_TYPES, type WorkerType} from '../../domain/workers/endpoint-facts.js'

export const HEALTH_STATUSES: HealthStatus[] = ['Healthy', 'Unhealthy', 'Unavailable', 'HasWarnings', 'Unknown']

/** `healthy` -> `Healthy`; anything else is exit 2 naming the valid values. */
export function parseHealthStatus(input: string): HealthStatus {
  const match = HEALTH_STATUSES.find((h) => h.toLowerCase() === input.trim().toLowerCase())
  if (!match) throw usageError(`--health '${input}' is not one of ${HEALTH_STATUSES.join(', ')}.`)
  return match
}

export function parseWorkerType(input: string): WorkerType {
  const match = WORKER_TYPES.find((t) => t === input.trim().toLowerCase())
  if (!match) throw usageError(`--type '${input}' is not one of ${WORKER_TYPES.join(', ')}.`)
  return match
}

export interface WorkerListFilters {
  /** Pool IDs, already resolved from names. */
  poolIds?: string[]
  health?: HealthStatus[]
  enabled?: boolean
  disabled?: boolean
  type?: WorkerType
  nameLike?: string
}

export function toWorkerQuery(filters: WorkerListFilters): WorkerQuery {
  const nameLike = filters.nameLike?.trim()
  return {
    workerPoolIds: filters.poolIds?.length ? [...new Set(filters.poolIds)] : undefined,
    healthStatuses: filters.health?.length ? [...new Set(filters.health)] : undefined,
    isDisabled: filters.disabled ? true : filters.enabled ? false : undefined,
    commStyles: filters.type ? [COMM_STYLE_OF_TYPE[filters.type]] : undefined,
    partialName: nameLike ? nameLike : undefined,
  }
}

export type WorkerWithPoolNames = WorkerResource & {WorkerPoolNames: string[]}

/** What `worker list` was asked for: filters as typed (pool names not yet resolved). */
export interface WorkerListInput {
  pools?: string[]
  health?: string[]
  enabled?: boolean
  disabled?: boolean
  type?: string
  nameLike?: string
}

/** A listed worker; under --all-spaces it also names its space. */
export type ListedWorker = WorkerWithPoolNames & {SpaceName?: string}

export interface WorkerListResult {
  workers: ListedWorker[]
  /** More than one space was listed: rows carry a SPACE column and JSON items a SpaceName. */
  allSpaces: boolean
}

/**
 * `worker list` in one space or several. Every filter is checked before `connect` is called, so a
 * bad one is exit 2 without any request. Pool names resolve in each space; with several spaces a
 * name only needs to exist in one of them (a pool name missing from every space is exit 4).
 */
export async function listWorkersIn(input: WorkerListInput, opts: {allSpaces: boolean; connect: () => Promise<SpaceContext[]>}): Promise<WorkerListResult> {
  const health = (input.health ?? []).map(parseHealthStatus)
  const type = input.type === undefined ? undefined : parseWorkerType(input.type)
  const poolInputs = input.pools ?? []
  const spaces = await opts.connect()
  const filters = {health, enabled: input.enabled, disabled: input.disabled, type, nameLike: input.nameLike}
  // Without --pool the worker query does not depend on the pools (they only name the columns): both lists are read at once.
  const unfiltered = poolInputs.length === 0 ? spaces.map((space) => listWorkers(space, toWorkerQuery(filters))) : undefined
  unfiltered?.forEach((read) => read.catch(() => {}))
  const perSpace = await Promise.all(spaces.map(async (space) => ({space, pools: await listWorkerPools(space)})))
  const poolIdsBySpace = resolvePoolsAcrossSpaces(perSpace.map((s) => s.pools), poolInputs)
  const bySpace = await Promise.all(perSpace.map(async ({space, pools}, index): Promise<ListedWorker[]> => {
    const poolIds = poolIdsBySpace[index]
    // A pool filter that names no pool of this space: nothing of this space can match.
    if (poolInputs.length > 0 && poolIds.length === 0) return []
    const workers = await (unfiltered?.[index] ?? listWorkers(space, toWorkerQuery({...filters, poolIds})))
    const names = poolNames(pools)
    const found = sortByName(workers).map((w) => withPoolNames(w, names))
    return opts.allSpaces ? found.map((w) => ({...w, SpaceName: space.space.Name})) : found
  }))
  return {workers: bySpace.flat(), allSpaces: opts.allSpaces}
}

/** The pool IDs each space's pools give for the inputs; an input found in no space is exit 4 (as in one space). */
function resolvePoolsAcrossSpaces(poolsBySpace: WorkerPoolResource[][], inputs: string[]): string[][] {
  if (inputs.length === 0) return poolsBySpace.map(() => [])
  if (poolsBySpace.length === 1) return [findAllByNameOrId(poolsBySpace[0], inputs, 'worker pool').map((p) => p.Id)]
  const ids = poolsBySpace.map(() => [] as string[])
  const unmatched = inputs.filter((input) => {
    let matched = false
    poolsBySpace.forEach((pools, index) => {
      try {
        ids[index].push(...findAllByNameOrId(pools, [input], 'worker pool').map((p) => p.Id))
        matched = true
      } catch (error) {
        if ((error as {exitCode?: number}).exitCode !== 4) throw error
      }
    })
    return !matched
  })
  // Named in no space: the error (with close matches) from the pools of every space together.
  if (unmatched.length > 0) findAllByNameOrId(poolsBySpace.flat(), unmatched, 'worker pool')
  return ids
}

/** Adds the derived `WorkerPoolNames` (in the worker's own pool order; unknown IDs shown as IDs). */
export function withPoolNames(worker: WorkerResource, names: PoolNames): WorkerWithPoolNames {
  return {...worker, WorkerPoolNames: (worker.WorkerPoolIds ?? []).map((id) => names.get(id) ?? id)}
}

/** Pool names by ID: built once for a list of workers, not once per worker. */
export type PoolNames = ReadonlyMap<string, string>
export function poolNames(pools: WorkerPoolResource[]): PoolNames {
  return new Map(pools.map((p) => [p.Id, p.Name]))
}

/** Rows sorted by name, as the portal lists them. */
export function sortByName<T extends {Name: string}>(items: T[]): T[] {
  return [...items].sort((a, b) => compareTextIgnoringCase(a.Name, b.Name))
}
