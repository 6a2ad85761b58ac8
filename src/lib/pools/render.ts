/** Rows and documents for `pool list` and `pool view` (pure: the commands print them). */
import type {WorkerPoolResource, WorkerResource} from '../octopus/types.js'
import {isDynamicPool, unusableCount, usableCount, type PoolWithCounts, type WorkerCounts, HEALTH_STATUSES} from './counts.js'
import {poolTypeFlag} from './validate.js'
import {terminalSafe} from '../render/safe.js'

export const POOL_LIST_HEAD = ['NAME', 'TYPE', 'DEFAULT', 'WORKERS', 'HEALTHY', 'UNHEALTHY', 'DISABLED']

/** One table row per pool. Dynamic pools have no registered workers: their counts read n/a. */
export function poolListRow({pool, counts}: PoolWithCounts): string[] {
  const type = poolTypeFlag(pool.WorkerPoolType)
  const dynamic = isDynamicPool(pool)
  const count = (n: number) => (dynamic ? 'n/a' : String(n))
  return [
    pool.Name,
    dynamic && pool.WorkerType ? `${type} (${pool.WorkerType})` : type,
    pool.IsDefault ? 'yes' : '',
    count(counts.Total),
    count(usableCount(counts)),
    count(unusableCount(counts)),
    count(counts.Disabled),
  ]
}

/** `--json` item: the pool resource as the server returns it, plus the derived `WorkerCounts`. */
export function poolJson({pool, counts}: PoolWithCounts): WorkerPoolResource & {WorkerCounts: WorkerCounts} {
  return {...pool, WorkerCounts: counts}
}

/** Filters `pool list --type`. */
export function filterByType(pools: PoolWithCounts[], type: 'static' | 'dynamic' | undefined): PoolWithCounts[] {
  if (!type) return pools
  return pools.filter((p) => poolTypeFlag(p.pool.WorkerPoolType) === type)
}

export interface PoolWorkerSummary {
  Id: string
  Name: string
  HealthStatus: string
  IsDisabled: boolean
  CommunicationStyle: string
  /** Where the server reaches the worker: URI, poll:// subscription, or ssh host:port. */
  Endpoint: string
}

export function workerEndpointText(worker: Pick<WorkerResource, 'Endpoint' | 'Uri'>): string {
  const e = worker.Endpoint ?? ({} as WorkerResource['Endpoint'])
  if (e.CommunicationStyle === 'Ssh') return `ssh://${e.Host ?? '?'}:${e.Port ?? 22}`
  return e.Uri ?? worker.Uri ?? ''
}

export function poolWorkerSummary(worker: WorkerResource): PoolWorkerSummary {
  return {
    Id: worker.Id,
    Name: worker.Name,
    HealthStatus: worker.HealthStatus,
    IsDisabled: Boolean(worker.IsDisabled),
    CommunicationStyle: worker.Endpoint?.CommunicationStyle ?? 'None',
    Endpoint: workerEndpointText(worker),
  }
}

export const POOL_WORKERS_HEAD = ['NAME', 'HEALTH', 'DISABLED', 'TYPE', 'ENDPOINT']

export function poolWorkerRow(w: PoolWorkerSummary): string[] {
  return [w.Name, w.HealthStatus, w.IsDisabled ? 'yes' : '', w.CommunicationStyle, w.Endpoint]
}

/** The key/value header of `pool view` (before the workers table). */
export function poolViewLines(pool: WorkerPoolResource, counts: WorkerCounts, webUrl: string): string[] {
  const dynamic = isDynamicPool(pool)
  const lines = [
    `Name:         ${terminalSafe(pool.Name)}`,
    `ID:           ${pool.Id}`,
    `Type:         ${poolTypeFlag(pool.WorkerPoolType)}${dynamic ? ` (worker type ${terminalSafe(pool.WorkerType ?? 'unknown')})` : ''}`,
    `Default:      ${pool.IsDefault ? 'yes' : 'no'}`,
    `Sort order:   ${pool.SortOrder ?? ''}`,
    `Description:  ${terminalSafe(pool.Description || '(none)')}`,
  ]
  if (dynamic) {
    lines.push('Workers:      n/a (Octopus provides the workers of a dynamic pool on demand)')
  } else {
    const health = HEALTH_STATUSES.map((s) => `${s} ${counts[s]}`).join(', ')
    const endpoints = Object.entries(counts.ByEndpointType).map(([style, n]) => `${style} ${n}`).join(', ')
    lines.push(`Workers:      ${counts.Total} (disabled ${counts.Disabled})`)
    lines.push(`By health:    ${health}`)
    lines.push(`By endpoint:  ${endpoints || '(none)'}`)
  }
  lines.push(`Web portal:   ${webUrl}`)
  return lines
}
