/**
 * Worker selection and the bulk actions (`enable`, `delete`; `disable`, `update` and `health` use
 * the same selection): names and `--pool` resolve to one list, on the client, before anything
 * changes; each command returns the one BulkResult (src/domain/bulk.ts), so a failure midway says
 * exactly what was done and what was not.
 */
import {unsafeError, usageError} from '../../text/errors.js'
import {findAllByNameOrId} from '../../octopus/names.js'
import {runBulk, toBulkResult, type BulkResult} from '../../domain/bulk.js'
import type {SpaceContext} from '../../octopus/client.js'
import {deleteWorker, getWorker, listWorkerPools, listWorkers, listWorkerTaskLeases, updateWorker} from '../../octopus/repositories.js'
import type {WorkerPoolResource, WorkerResource, WorkerTaskLeaseResource} from '../../octopus/types.js'
import {leaseStaleness, readTaskEnds, type LeaseStaleness} from '../leases/stale.js'

/** Exit 2 before any request when nothing is named. */
export function requireSelection(names: string[], poolInputs: string[]): void {
  if (names.length === 0 && poolInputs.length === 0) throw usageError('Name at least one worker, or a pool with --pool.')
}

/** What a worker command was asked to act on: worker names or IDs, and `--pool` names or IDs. */
export interface WorkerSelectionInput {
  names: string[]
  poolInputs: string[]
}

export interface ResolvedSelection {
  /** Every worker of the space, as listed (the server is not trusted to have filtered). */
  workers: WorkerResource[]
  pools: WorkerPoolResource[]
  /** The selected workers, each once, in the order given. */
  targets: WorkerResource[]
}

/**
 * Reads the space's workers and pools and resolves the selection on the client: an empty selection
 * is exit 2 before any request, an unknown name exit 4 before any change.
 */
export async function resolveWorkerSelection(space: SpaceContext, input: WorkerSelectionInput): Promise<ResolvedSelection> {
  requireSelection(input.names, input.poolInputs)
  const [workers, pools] = await Promise.all([listWorkers(space), input.poolInputs.length > 0 ? listWorkerPools(space) : Promise.resolve([])])
  return {workers, pools, targets: selectWorkers({workers, pools, names: input.names, poolInputs: input.poolInputs})}
}

/** Named workers plus every worker of the named pools, each once, in the order given. */
export function selectWorkers(opts: {workers: WorkerResource[]; names: string[]; pools: WorkerPoolResource[]; poolInputs: string[]}): WorkerResource[] {
  const named = findAllByNameOrId(opts.workers, opts.names, 'worker')
  const pools = findAllByNameOrId(opts.pools, opts.poolInputs, 'worker pool')
  const selected = new Map<string, WorkerResource>()
  for (const w of named) selected.set(w.Id, w)
  for (const pool of pools) for (const w of opts.workers) if (w.WorkerPoolIds?.includes(pool.Id)) selected.set(w.Id, w)
  return [...selected.values()]
}

/**
 * `worker enable`: resolve the whole selection, then enable worker by worker, each read just
 * before its PUT so that only IsDisabled changes on the document as it is now (a change another
 * admin made since the list was read is kept). Workers already enabled are reported, not changed.
 * Enabling only adds available workers, so no floor applies; `worker disable` is guarded
 * (maintenance/disable-run.ts).
 */
export async function enableWorkers(space: SpaceContext, input: WorkerSelectionInput): Promise<BulkResult> {
  const {targets} = await resolveWorkerSelection(space, input)
  const report = await runBulk<WorkerResource, WorkerResource>(targets, async (listed) => {
    const current = await getWorker(space, listed.Id)
    if (!current.IsDisabled) return {unchanged: 'already enabled'}
    return {result: await updateWorker(space, {...current, IsDisabled: false})}
  })
  return toBulkResult(report, 'enabled')
}

/** A stale lease on a worker to delete: it does not refuse the delete, but the server may. */
export interface StaleLeaseSeen {
  worker: WorkerResource
  lease: {LeaseId: string; TaskId: string} & LeaseStaleness
}

/**
 * The safety check of `worker delete` without --drain, where the server has the lease API
 * (2022.1+): a selected worker that holds an active lease refuses the whole delete (exit 5).
 * Older servers refuse such a delete themselves, and that refusal is the item's failure.
 */
export async function refuseDeletingLeasedWorkers(space: SpaceContext, targets: WorkerResource[], onStaleLease: (seen: StaleLeaseSeen) => void = () => {}): Promise<void> {
  if (targets.length === 0) return
  const held = await readLeasesHeldBy(space, targets)
  if (!held || held.size === 0) return
  // A lease whose task has finished (stale) holds nothing: not a reason to refuse (leases/stale.ts).
  const ends = await readTaskEnds(space, [...held.values()].flat().map((l) => l.ServerTaskId))
  const running = new Map<WorkerResource, WorkerTaskLeaseResource[]>()
  for (const [worker, mine] of held) {
    for (const lease of mine) {
      const staleness = leaseStaleness({TaskId: lease.ServerTaskId}, ends)
      if (staleness.Stale) onStaleLease({worker, lease: {LeaseId: lease.Id, TaskId: lease.ServerTaskId, ...staleness}})
    }
    const live = mine.filter((l) => !leaseStaleness({TaskId: l.ServerTaskId}, ends).Stale)
    if (live.length > 0) running.set(worker, live)
  }
  refuseLeasedWorkers(running)
}

/** Deletes the workers one by one; the first failure stops the run (the rest are not attempted). */
export async function deleteWorkers(space: SpaceContext, targets: WorkerResource[]): Promise<BulkResult> {
  const report = await runBulk(targets, async (worker) => {
    await deleteWorker(space, worker.Id)
    return {result: worker.Id}
  })
  return toBulkResult(report, 'deleted')
}

/**
 * The leases the given workers hold now, by worker, in one read of the space's leases (a request per
 * 1000 leases); undefined where the server has no lease API (before 2022.1). A lease whose task has
 * finished is still listed until the server clears it: telling those apart costs a read of the tasks.
 */
export async function readLeasesHeldBy(space: SpaceContext, targets: WorkerResource[]): Promise<Map<WorkerResource, WorkerTaskLeaseResource[]> | undefined> {
  const leases = await listWorkerTaskLeases(space)
  return leases && leasesHeldBy(targets, leases)
}

/** Active leases held by the given workers (from `/workertaskleases`). */
export function leasesHeldBy(workers: WorkerResource[], leases: WorkerTaskLeaseResource[]): Map<WorkerResource, WorkerTaskLeaseResource[]> {
  const held = new Map<WorkerResource, WorkerTaskLeaseResource[]>()
  for (const w of workers) {
    const mine = leases.filter((l) => l.WorkerId === w.Id)
    if (mine.length > 0) held.set(w, mine)
  }
  return held
}

/** Refuses (exit 5: unsafe, nothing deleted) when any worker to delete is leased, naming the tasks. */
export function refuseLeasedWorkers(held: Map<WorkerResource, WorkerTaskLeaseResource[]>): void {
  if (held.size === 0) return
  const parts = [...held].map(([w, leases]) => `'${w.Name}' is leased by ${leases.map((l) => `task ${l.ServerTaskId} (${l.Id})`).join(', ')}`)
  throw unsafeError(`Refusing to delete: ${parts.join('; ')}. Nothing was deleted.`, {
    code: 'worker-leased',
    hint: 'Run again with --drain to disable it now (no new task leases it) and delete it once its tasks finish; or wait for the task to finish, or cancel it.',
    details: {leases: [...held.values()].flat()},
  })
}
