/**
 * `worker list`: the user's filters become the server's own query parameters (so filtering costs
 * no extra requests), and each worker becomes one table row or one JSON item with pool names.
 */
import {usageError} from '../errors.js'
import type {WorkerQuery} from '../octopus/repositories.js'
import type {HealthStatus, WorkerPoolResource, WorkerResource} from '../octopus/types.js'
import {COMM_STYLE_OF_TYPE, WORKER_TYPES, type WorkerType} from './endpoint.js'
import {workerCells} from './present.js'

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
  if (filters.enabled && filters.disabled) throw usageError('--enabled and --disabled cannot be used together.')
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

/** Adds the derived `WorkerPoolNames` (in the worker's own pool order; unknown IDs shown as IDs). */
export function withPoolNames(worker: WorkerResource, pools: WorkerPoolResource[]): WorkerWithPoolNames {
  const byId = new Map(pools.map((p) => [p.Id, p.Name]))
  return {...worker, WorkerPoolNames: (worker.WorkerPoolIds ?? []).map((id) => byId.get(id) ?? id)}
}

export const WORKER_TABLE_HEAD = ['NAME', 'TYPE', 'HEALTH', 'DISABLED', 'POOLS', 'ENDPOINT']

/** One row; TYPE, HEALTH, DISABLED and ENDPOINT are the shared cells `pool view` shows too. */
export function workerRow(worker: WorkerWithPoolNames): string[] {
  const cells = workerCells(worker)
  return [worker.Name, cells.Type, cells.Health, cells.Disabled, worker.WorkerPoolNames.join(', '), cells.Endpoint]
}

/** Rows sorted by name, as the portal lists them. */
export function sortByName<T extends {Name: string}>(items: T[]): T[] {
  return [...items].sort((a, b) => a.Name.localeCompare(b.Name, undefined, {sensitivity: 'base'}))
}
