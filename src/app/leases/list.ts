/**
 * `leases list`: the leases active now, a summary per pool, and per worker how many leases it
 * holds — what the leasing algorithm balances. One space or several (`--all-spaces`).
 */
import type {SpaceContext} from '../../octopus/client.js'
import type {WorkerPoolResource, WorkerResource} from '../../octopus/types.js'
import {isAvailable} from '../../domain/availability.js'
import {NameDirectory} from './directory.js'
import {resolveLeaseFilter} from './filter.js'
import {chooseSourceKind, COMPLETENESS, createLeaseSource, type SourceChoice} from './sources.js'
import type {LeaseFilter} from './tail.js'
import {matchesFilter} from './tail.js'
import type {LeaseRecord} from '../../domain/leases/types.js'
import {leaseStaleness, readTaskEnds, type LeaseStaleness, type TaskEnd} from './stale.js'

export interface SpaceRead {
  SpaceId: string
  SpaceName: string
  /** `api` or `logs`: where this space's leases were read from. */
  Source: string
  /** What was read and what that can miss (see COMPLETENESS in sources.ts). */
  Completeness: string
}

/** A listed lease, with whether its task has finished (`Stale`: it holds nothing; see stale.ts). */
export type ActiveLease = LeaseRecord & {SpaceName: string} & LeaseStaleness

export interface PoolLoad {
  SpaceId: string
  SpaceName: string
  WorkerPoolId: string | null
  WorkerPoolName: string
  /** Registered workers in the pool (none for a dynamic pool). */
  Workers: number
  /** Workers Octopus would lease: enabled, and Healthy or HasWarnings (src/domain/availability.ts). */
  AvailableWorkers: number
  /** Workers holding at least one active lease. */
  LeasedWorkers: number
  ActiveLeases: number
}

export interface WorkerLoad {
  SpaceId: string
  SpaceName: string
  WorkerId: string | null
  WorkerName: string
  WorkerPoolIds: string[]
  WorkerPoolNames: string[]
  IsDisabled: boolean
  HealthStatus: string | null
  ActiveLeases: number
}

export interface ActiveLeasesDoc {
  Spaces: SpaceRead[]
  Leases: ActiveLease[]
  Pools: PoolLoad[]
  Workers: WorkerLoad[]
}

/**
 * Reads every given space's active leases (the lease API where the server has it, else the logs
 * of executing tasks), after resolving --pool/--worker against all of them (exit 4 for a name no
 * space knows, before any lease is read).
 */
export async function listActiveLeases(input: {
  spaces: SpaceContext[]
  source: SourceChoice
  pools?: string[]
  workers?: string[]
  debug?: (line: string) => void
}): Promise<ActiveLeasesDoc> {
  const directories = input.spaces.map((space) => new NameDirectory(space))
  await Promise.all(directories.map((d) => d.load()))
  const filter = resolveLeaseFilter(directories, input.pools, input.workers)
  const parts: ActiveLeasesDoc[] = []
  for (const directory of directories) {
    const space = directory.space
    const kind = await chooseSourceKind(space, input.source, input.debug, 'active-now')
    const leases = await createLeaseSource(kind, space, directory).start()
    // One batched task read: which listed leases belong to tasks that have finished (stale).
    const taskEnds = leases.length > 0 ? await readTaskEnds(space, leases.map((l) => l.TaskId)) : new Map<string, TaskEnd>()
    parts.push(activeLeasesDoc({
      taskEnds,
      space: {SpaceId: space.spaceId, SpaceName: space.space.Name, Source: kind, Completeness: COMPLETENESS[kind === 'api' ? 'list-api' : 'list-logs']},
      leases,
      workers: directory.allWorkers,
      pools: directory.allPools,
      filter,
    }))
  }
  return {
    Spaces: parts.flatMap((p) => p.Spaces),
    Leases: parts.flatMap((p) => p.Leases),
    Pools: parts.flatMap((p) => p.Pools),
    Workers: parts.flatMap((p) => p.Workers),
  }
}

/**
 * One space: its active leases (as a source's `start()` reads them) within the filter, joined with
 * its workers and pools so idle ones show 0. Workers busiest first; ties by name. Pools in the
 * server's order, each with its registered, available and leased workers.
 */
export function activeLeasesDoc(input: {
  space: SpaceRead
  leases: readonly LeaseRecord[]
  workers: readonly Pick<WorkerResource, 'Id' | 'Name' | 'WorkerPoolIds' | 'IsDisabled' | 'HealthStatus'>[]
  pools: readonly Pick<WorkerPoolResource, 'Id' | 'Name'>[]
  filter: LeaseFilter
  /** The leases' tasks (by ID): a lease whose task has finished is marked stale. */
  taskEnds?: ReadonlyMap<string, TaskEnd>
}): ActiveLeasesDoc {
  const {space, filter} = input
  const spaceFields = {SpaceId: space.SpaceId, SpaceName: space.SpaceName}
  const poolName = new Map(input.pools.map((p) => [p.Id, p.Name]))
  const shown = input.leases.filter((l) => matchesFilter(l, filter))
  const keyOf = (id: string | null, name: string | null) => id ?? `name:${(name ?? '').toLowerCase()}`
  const counts = new Map<string, number>()
  for (const lease of shown) counts.set(keyOf(lease.WorkerId, lease.WorkerName), (counts.get(keyOf(lease.WorkerId, lease.WorkerName)) ?? 0) + 1)
  const poolFiltered = Boolean(filter.poolIds || filter.poolNames)
  const inPoolFilter = (poolId: string) => !poolFiltered || Boolean(filter.poolIds?.has(poolId))

  const workers: WorkerLoad[] = []
  const unmatched = new Map(counts)
  for (const w of input.workers) {
    const pools = w.WorkerPoolIds ?? []
    if (!matchesFilter({WorkerId: w.Id, WorkerName: w.Name, WorkerPoolId: null, WorkerPoolName: null}, {workerIds: filter.workerIds, workerNames: filter.workerNames})) continue
    if (poolFiltered && !pools.some(inPoolFilter)) continue
    workers.push({
      ...spaceFields,
      WorkerId: w.Id,
      WorkerName: w.Name,
      WorkerPoolIds: pools,
      WorkerPoolNames: pools.map((id) => poolName.get(id) ?? id),
      IsDisabled: Boolean(w.IsDisabled),
      HealthStatus: w.HealthStatus ?? null,
      ActiveLeases: counts.get(w.Id) ?? 0,
    })
    unmatched.delete(w.Id)
  }
  // Leases on workers the space does not list (deleted, or named differently in a log).
  for (const lease of shown) {
    const key = keyOf(lease.WorkerId, lease.WorkerName)
    if (!unmatched.has(key)) continue
    workers.push({...spaceFields, WorkerId: lease.WorkerId, WorkerName: lease.WorkerName ?? lease.WorkerId ?? '?', WorkerPoolIds: [], WorkerPoolNames: [], IsDisabled: false, HealthStatus: null, ActiveLeases: unmatched.get(key)!})
    unmatched.delete(key)
  }
  workers.sort((a, b) => b.ActiveLeases - a.ActiveLeases || a.WorkerName.localeCompare(b.WorkerName))

  const pools: PoolLoad[] = []
  const poolOfLease = (lease: LeaseRecord) => lease.WorkerPoolId ?? `name:${(lease.WorkerPoolName ?? '').toLowerCase()}`
  const leasesByPool = new Map<string, LeaseRecord[]>()
  for (const lease of shown) leasesByPool.set(poolOfLease(lease), [...(leasesByPool.get(poolOfLease(lease)) ?? []), lease])
  for (const pool of input.pools) {
    if (!inPoolFilter(pool.Id)) continue
    // With --worker, a pool is summarised over the chosen workers only.
    const members = workers.filter((w) => w.WorkerPoolIds.includes(pool.Id))
    if (filter.workerIds && members.length === 0 && !leasesByPool.has(pool.Id)) continue
    const leases = leasesByPool.get(pool.Id) ?? []
    leasesByPool.delete(pool.Id)
    pools.push(poolLoad(spaceFields, pool.Id, pool.Name, members, leases))
  }
  // Leases whose pool the space does not list (named only in a log, or deleted since).
  for (const leases of leasesByPool.values()) pools.push(poolLoad(spaceFields, leases[0].WorkerPoolId, leases[0].WorkerPoolName ?? leases[0].WorkerPoolId ?? '?', [], leases))

  return {Spaces: [space], Leases: shown.map((l) => ({...l, SpaceName: space.SpaceName, ...leaseStaleness(l, input.taskEnds ?? new Map())})), Pools: pools, Workers: workers}
}

function poolLoad(space: {SpaceId: string; SpaceName: string}, id: string | null, name: string, members: WorkerLoad[], leases: LeaseRecord[]): PoolLoad {
  const leasedWorkers = new Set(leases.map((l) => l.WorkerId ?? `name:${(l.WorkerName ?? '').toLowerCase()}`))
  return {
    ...space,
    WorkerPoolId: id,
    WorkerPoolName: name,
    Workers: members.length,
    AvailableWorkers: members.filter((m) => isAvailable({IsDisabled: m.IsDisabled, HealthStatus: m.HealthStatus})).length,
    LeasedWorkers: leasedWorkers.size,
    ActiveLeases: leases.length,
  }
}
