/**
 * Worker counts per pool. Each worker is counted once: a disabled worker in `Disabled` whatever its
 * health, an enabled one under its health status, so Healthy + HasWarnings + Unhealthy +
 * Unavailable + Unknown + Disabled = Total. `Available` is the one definition of
 * src/domain/availability.ts (enabled and Healthy or HasWarnings: what Octopus leases).
 *
 * `pool list` takes them from two `/workerpools/summary` responses (every worker, and the enabled
 * ones only via `isDisabled=false`), so it costs the same for 3 pools or 3,000 workers. Whether a
 * server counts disabled workers in `MachineHealthStatusSummaries` is not documented; the enabled-
 * only summary makes the answer irrelevant. A server that ignores the filter is detected (the
 * enabled summary then has the disabled workers too) and the caller counts a worker list instead.
 */
import {isDynamicPool} from '../../domain/pools.js'
import type {WorkerPoolResource, WorkerPoolsSummaryResource, WorkerResource} from '../../octopus/types.js'
import {HEALTH_STATUSES, isAvailable, LEASABLE_HEALTH_STATUSES, type HealthStatusName} from '../../domain/availability.js'
import {communicationStyle} from '../../domain/workers/endpoint-facts.js'

type HealthBucket = HealthStatusName

export interface WorkerCounts {
  Total: number
  /** Enabled and Healthy or HasWarnings: the workers Octopus can lease. */
  Available: number
  /** The health buckets count enabled workers only; disabled ones are in Disabled. */
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
  return {Total: 0, Available: 0, Healthy: 0, HasWarnings: 0, Unhealthy: 0, Unavailable: 0, Unknown: 0, Disabled: 0, ByEndpointType: {}}
}

/** Available from health buckets of enabled workers, by the one definition's leasable statuses. */
function availableOf(counts: Pick<WorkerCounts, HealthBucket>): number {
  return HEALTH_STATUSES.filter((s) => LEASABLE_HEALTH_STATUSES.includes(s)).reduce((sum, s) => sum + counts[s], 0)
}

/**
 * Counts of one pool from its entry in the whole summary (`all`: totals, disabled, endpoints) and
 * in the enabled-only summary (`enabled`: health). Undefined when the two disagree (the server
 * ignored `isDisabled=false`, or changed between the reads): the caller must count workers instead.
 */
export function countsFromSummaryEntries(all: PoolSummaryEntry | undefined, enabled: PoolSummaryEntry | undefined): WorkerCounts | undefined {
  const total = all?.TotalMachines ?? 0
  const disabled = all?.TotalDisabledMachines ?? 0
  const enabledTotal = enabled?.TotalMachines ?? 0
  const health = (enabled?.MachineHealthStatusSummaries ?? {}) as Record<string, number | undefined>
  const buckets = Object.fromEntries(HEALTH_STATUSES.map((s) => [s, health[s] ?? 0])) as Record<HealthBucket, number>
  const bucketSum = HEALTH_STATUSES.reduce((sum, s) => sum + buckets[s], 0)
  if (enabledTotal !== total - disabled || bucketSum !== enabledTotal || (enabled?.TotalDisabledMachines ?? 0) !== 0) return undefined
  const byEndpoint: Record<string, number> = {}
  for (const [style, count] of Object.entries((all?.MachineEndpointSummaries ?? {}) as Record<string, unknown>)) {
    if (typeof count === 'number' && count > 0) byEndpoint[style] = count
  }
  return {Total: total, Available: availableOf(buckets), ...buckets, Disabled: disabled, ByEndpointType: byEndpoint}
}

export interface PoolWithCounts {
  pool: WorkerPoolResource
  counts: WorkerCounts
}

/** The two summaries `pool list` reads. */
export interface PoolSummaries {
  all: Pick<WorkerPoolsSummaryResource, 'WorkerPoolSummaries'>
  enabled: Pick<WorkerPoolsSummaryResource, 'WorkerPoolSummaries'>
}

function entriesById(summary: Pick<WorkerPoolsSummaryResource, 'WorkerPoolSummaries'>): Map<string, PoolSummaryEntry> {
  const entries = new Map<string, PoolSummaryEntry>()
  for (const entry of summary.WorkerPoolSummaries ?? []) {
    if (entry?.WorkerPool?.Id) entries.set(entry.WorkerPool.Id, entry)
  }
  return entries
}

/**
 * Joins pools (in the server's sort order, from `/workerpools/all`) with their summary counts.
 * The pool document is the summary's copy overlaid with the `/all` copy, so fields either one
 * carries are kept. Dynamic pools have no registered workers: their counts are all 0. Undefined
 * when some static pool's two summaries disagree (see countsFromSummaryEntries).
 */
export function joinPoolsWithSummaries(pools: WorkerPoolResource[], summaries: PoolSummaries): PoolWithCounts[] | undefined {
  const all = entriesById(summaries.all)
  const enabled = entriesById(summaries.enabled)
  const joined: PoolWithCounts[] = []
  for (const listed of pools) {
    const entry = all.get(listed.Id)
    const pool = {...(entry?.WorkerPool ?? {}), ...listed} as WorkerPoolResource
    if (isDynamicPool(pool)) {
      joined.push({pool, counts: zeroCounts()})
      continue
    }
    const counts = countsFromSummaryEntries(entry, enabled.get(listed.Id))
    if (!counts) return undefined
    joined.push({pool, counts})
  }
  return joined
}

/** Joins pools with counts over a worker list (the fallback, and `pool view`, which reads the workers anyway). */
export function joinPoolsWithWorkers(pools: WorkerPoolResource[], workers: Array<Pick<WorkerResource, 'HealthStatus' | 'IsDisabled' | 'Endpoint' | 'WorkerPoolIds'>>): PoolWithCounts[] {
  return pools.map((pool) => ({
    pool,
    counts: isDynamicPool(pool) ? zeroCounts() : countsFromWorkers(workers.filter((w) => (w.WorkerPoolIds ?? []).includes(pool.Id))),
  }))
}

/** Counts over a pool's own worker list. */
export function countsFromWorkers(workers: Array<Pick<WorkerResource, 'HealthStatus' | 'IsDisabled' | 'Endpoint'>>): WorkerCounts {
  const counts = zeroCounts()
  for (const worker of workers) {
    counts.Total++
    if (isAvailable(worker)) counts.Available++
    if (worker.IsDisabled === true) counts.Disabled++
    else {
      // A worker with no (or an unheard-of) HealthStatus has never been checked: Unknown, as every command shows it.
      const health = worker.HealthStatus || 'Unknown'
      counts[(HEALTH_STATUSES as readonly string[]).includes(health) ? (health as HealthBucket) : 'Unknown']++
    }
    const style = communicationStyle(worker.Endpoint)
    counts.ByEndpointType[style] = (counts.ByEndpointType[style] ?? 0) + 1
  }
  return counts
}
