/**
 * Worker selection and reporting for the bulk commands (`enable`, `disable`, `delete`): names and
 * `--pool` resolve to one list before anything changes; results are one line (or one JSON item) a
 * worker, so a failure midway says exactly what was done and what was not.
 */
import {CliError, ExitCode, usageError} from '../errors.js'
import {findAllByNameOrId} from '../octopus/names.js'
import {runBulk, type BulkReport} from '../bulk.js'
import type {SpaceContext} from '../octopus/client.js'
import {updateWorker} from '../octopus/repositories.js'
import type {WorkerPoolResource, WorkerResource, WorkerTaskLeaseResource} from '../octopus/types.js'

/** Exit 2 before any request when nothing is named. */
export function requireSelection(names: string[], poolInputs: string[]): void {
  if (names.length === 0 && poolInputs.length === 0) throw usageError('Name at least one worker, or a pool with --pool.')
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

export type BulkStatus = 'done' | 'unchanged' | 'failed' | 'skipped'

export interface BulkJsonItem {
  Id: string
  Name: string
  Outcome: BulkStatus
  Message: string
}

/** The --json result array: every selected worker with what happened to it. */
export function bulkJson(report: BulkReport<WorkerResource, unknown>, doneMessage: string): BulkJsonItem[] {
  return report.results.map(({item, outcome}) => ({
    Id: item.Id,
    Name: item.Name,
    Outcome: outcome.status,
    Message: outcome.status === 'done' ? doneMessage : outcome.status === 'unchanged' ? outcome.reason : outcome.status === 'failed' ? outcome.error.message : 'not attempted (an earlier item failed)',
  }))
}

/** The closing line of a bulk run that stopped at a failure (exit 1), after the per-worker lines. */
export function bulkFailureSummary(report: BulkReport<WorkerResource, unknown>, verb: string): string {
  const count = (status: BulkStatus) => report.results.filter((r) => r.outcome.status === status).length
  const skipped = count('skipped')
  return `Stopped after a failure: ${count('done')} ${verb}, ${count('unchanged')} already so, ${count('failed')} failed, ${skipped} not attempted.` +
    (skipped > 0 ? ' Run the same command again once the cause is fixed: workers already done are reported as unchanged.' : '')
}

/** Enables or disables each worker with a PUT of its whole document; workers already so are reported, not changed. */
export function setWorkersDisabled(space: SpaceContext, workers: WorkerResource[], disabled: boolean): Promise<BulkReport<WorkerResource, WorkerResource>> {
  return runBulk<WorkerResource, WorkerResource>(workers, async (worker) => {
    if (worker.IsDisabled === disabled) return {unchanged: `already ${disabled ? 'disabled' : 'enabled'}`}
    return {result: await updateWorker(space, {...worker, IsDisabled: disabled})}
  })
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

/** Refuses (exit 1, nothing deleted) when any worker to delete is leased, naming the tasks. */
export function refuseLeasedWorkers(held: Map<WorkerResource, WorkerTaskLeaseResource[]>): void {
  if (held.size === 0) return
  const parts = [...held].map(([w, leases]) => `'${w.Name}' is leased by ${leases.map((l) => `task ${l.ServerTaskId} (${l.Id})`).join(', ')}`)
  throw new CliError(`Refusing to delete: ${parts.join('; ')}. Nothing was deleted.`, ExitCode.Failure, {
    code: 'worker-leased',
    hint: 'Wait for the task to finish (or cancel it), or disable the worker first so no new task leases it.',
    details: {leases: [...held.values()].flat()},
  })
}
