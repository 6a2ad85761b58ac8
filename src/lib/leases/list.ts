/** `leases list`: the leases active now and, per worker, how many — what the leasing algorithm balances. */
import type {NameDirectory} from './directory.js'
import type {LeaseRecord} from './types.js'
import type {LeaseFilter} from './tail.js'
import {matchesFilter} from './tail.js'

export interface WorkerLoad {
  WorkerId: string | null
  WorkerName: string
  WorkerPoolIds: string[]
  WorkerPoolNames: string[]
  IsDisabled: boolean
  HealthStatus: string | null
  ActiveLeases: number
}

export interface ActiveLeasesDoc {
  Source: string
  /** What was read and what that can miss (see COMPLETENESS in sources.ts). */
  Completeness: string
  SpaceId: string
  Leases: LeaseRecord[]
  Workers: WorkerLoad[]
}

/**
 * Active leases (as a source's `start()` reads them) joined with every worker of the space, so
 * idle workers show 0. Workers busiest first; ties by name.
 */
export function activeLeasesDoc(source: string, spaceId: string, leases: LeaseRecord[], directory: NameDirectory, filter: LeaseFilter, completeness: string): ActiveLeasesDoc {
  const poolName = new Map(directory.allPools.map((p) => [p.Id, p.Name]))
  const shown = leases.filter((l) => matchesFilter(l, filter))
  const counts = new Map<string, number>()
  const keyOf = (id: string | null, name: string | null) => id ?? `name:${(name ?? '').toLowerCase()}`
  for (const lease of shown) counts.set(keyOf(lease.WorkerId, lease.WorkerName), (counts.get(keyOf(lease.WorkerId, lease.WorkerName)) ?? 0) + 1)

  const workers: WorkerLoad[] = []
  for (const w of directory.allWorkers) {
    const pools = w.WorkerPoolIds ?? []
    const load: WorkerLoad = {
      WorkerId: w.Id,
      WorkerName: w.Name,
      WorkerPoolIds: pools,
      WorkerPoolNames: pools.map((id) => poolName.get(id) ?? id),
      IsDisabled: Boolean(w.IsDisabled),
      HealthStatus: w.HealthStatus ?? null,
      ActiveLeases: counts.get(w.Id) ?? 0,
    }
    if (!matchesFilter({WorkerId: w.Id, WorkerName: w.Name, WorkerPoolId: null, WorkerPoolName: null}, {workerIds: filter.workerIds, workerNames: filter.workerNames})) continue
    if ((filter.poolIds || filter.poolNames) && !pools.some((id) => filter.poolIds?.has(id))) continue
    workers.push(load)
    counts.delete(w.Id)
  }
  // Leases on workers the directory does not know (deleted, or named differently in a log).
  for (const lease of shown) {
    const key = keyOf(lease.WorkerId, lease.WorkerName)
    if (!counts.has(key)) continue
    workers.push({WorkerId: lease.WorkerId, WorkerName: lease.WorkerName ?? lease.WorkerId ?? '?', WorkerPoolIds: [], WorkerPoolNames: [], IsDisabled: false, HealthStatus: null, ActiveLeases: counts.get(key)!})
    counts.delete(key)
  }
  workers.sort((a, b) => b.ActiveLeases - a.ActiveLeases || a.WorkerName.localeCompare(b.WorkerName))
  return {Source: source, Completeness: completeness, SpaceId: spaceId, Leases: shown, Workers: workers}
}
