/**
 * Worker counts per pool, taken from ONE `/workerpools/summary` response (it carries the counts
 * of every pool), so `pool list` costs the same number of requests for 3 pools or 3,000 workers.
 */
import {isDynamicPool} from '../estate/facts.js'
import type {WorkerPoolResource, WorkerPoolsSummaryResource, WorkerResource} from '../octopus/types.js'
import {communicationStyle} from '../workers/present.js'

export const HEALTH_STATUSES = ['Healthy', 'HasWarnings', 'Unhealthy', 'Unavailable', 'Unknown'] as const

export interface WorkerCounts {
  Total: number
  Healthy: number
  HasWarnings: number
  Unhealthy: number
  Unavailable: number
  Unknown: number
  Disabled: number
  /** Workers per endpoint CommunicationStyle (TentaclePassive, TentacleActive, Ssh, KubernetesTentacle...). */
  ByEndpointType: Record<string, number>
}

/** The summary entry of one pool: same counters as the whole summary. */
export type PoolSummaryEntry = WorkerPoolsSummaryResource['WorkerPoolSummaries'][number]

export function zeroCounts(): WorkerCounts {
  return {Total: 0, Healthy: 0, HasWarnings: 0, Unhealthy: 0, Unavailable: 0, Unknown: 0, Disabled: 0, ByEndpointType: {}}
}

/** Counts of one summary entry; missing counters are 0, endpoint types with no workers are left out. */
export function countsFromSummaryEntry(entry: PoolSummaryEntry | undefined): WorkerCounts {
  if (!entry) return zeroCounts()
  const health = (entry.MachineHealthStatusSummaries ?? {}) as Record<string, number | undefined>
  const byEndpoint: Record<string, number> = {}
  for (const [style, count] of Object.entries((entry.MachineEndpointSummaries ?? {}) as Record<string, unknown>)) {
    if (typeof count === 'number' && count > 0) byEndpoint[style] = count
  }
  return {
    Total: entry.TotalMachines ?? 0,
    Healthy: health.Healthy ?? 0,
    HasWarnings: health.HasWarnings ?? 0,
    Unhealthy: health.Unhealthy ?? 0,
    Unavailable: health.Unavailable ?? 0,
    Unknown: health.Unknown ?? 0,
    Disabled: entry.TotalDisabledMachines ?? 0,
    ByEndpointType: byEndpoint,
  }
}

export interface PoolWithCounts {
  pool: WorkerPoolResource
  counts: WorkerCounts
}

/**
 * Joins pools (in the server's sort order, from `/workerpools/all`) with their summary counts.
 * The pool document is the summary's copy overlaid with the `/all` copy, so fields either one
 * carries are kept. Dynamic pools have no registered workers: their counts are all 0.
 */
export function joinPoolsWithSummary(pools: WorkerPoolResource[], summary: Pick<WorkerPoolsSummaryResource, 'WorkerPoolSummaries'>): PoolWithCounts[] {
  const entries = new Map<string, PoolSummaryEntry>()
  for (const entry of summary.WorkerPoolSummaries ?? []) {
    if (entry?.WorkerPool?.Id) entries.set(entry.WorkerPool.Id, entry)
  }
  return pools.map((listed) => {
    const entry = entries.get(listed.Id)
    const pool = {...(entry?.WorkerPool ?? {}), ...listed} as WorkerPoolResource
    return {pool, counts: isDynamicPool(pool) ? zeroCounts() : countsFromSummaryEntry(entry)}
  })
}

/** Workers that can take work (Healthy or HasWarnings), for the HEALTHY column. */
export function usableCount(counts: WorkerCounts): number {
  return counts.Healthy + counts.HasWarnings
}

/** Workers that cannot (Unhealthy or Unavailable), for the UNHEALTHY column. */
export function unusableCount(counts: WorkerCounts): number {
  return counts.Unhealthy + counts.Unavailable
}

/** Counts over a pool's own worker list (`pool view` reads the workers anyway, so no summary request). */
export function countsFromWorkers(workers: Array<Pick<WorkerResource, 'HealthStatus' | 'IsDisabled' | 'Endpoint'>>): WorkerCounts {
  const counts = zeroCounts()
  for (const worker of workers) {
    counts.Total++
    if (worker.IsDisabled) counts.Disabled++
    // A worker with no HealthStatus has never been checked: Unknown, as every command shows it.
    const health = worker.HealthStatus || 'Unknown'
    if ((HEALTH_STATUSES as readonly string[]).includes(health)) counts[health as (typeof HEALTH_STATUSES)[number]]++
    const style = communicationStyle(worker.Endpoint)
    counts.ByEndpointType[style] = (counts.ByEndpointType[style] ?? 0) + 1
  }
  return counts
}
