/**
 * `worker delete` end to end: resolve, the floor (guard.ts), confirm, then take the workers out of
 * service before deleting them, so that the floor can be verified while the change can still be
 * undone: a deleted worker cannot be put back, a disabled one can. With --drain they are drained
 * (disabled, then waited on until no lease holds them); without, they are disabled and deleted.
 */
import type {BulkResult} from '../../domain/bulk.js'
import {CliError, ExitCode} from '../../text/errors.js'
import type {SpaceContext} from '../../octopus/client.js'
import {listWorkerPools} from '../../octopus/repositories.js'
import type {WorkerResource} from '../../octopus/types.js'
import {deleteWorkers, refuseDeletingLeasedWorkers, resolveWorkerSelection, type StaleLeaseSeen} from '../workers/bulk.js'
import {floorFunction} from '../../domain/floor.js'
import type {DrainResult, DrainWaitEvent, WorkerDrainStatus} from './drain.js'
import {confirmStillDisabled, disableTargets, drainWorkers} from './drain-run.js'
import {checkFloors, disableChange, recheckAfterPrompt, refuseBelowFloor, undoChanges, verifyFloorsAfterWrite, type AppliedChange} from './guard.js'
import type {OutOfServiceDeps, WorkerDisableRequest} from './disable-run.js'

export type {StaleLeaseSeen} from '../workers/bulk.js'

export const DELETE_OVERRIDE = 'Pass --keep-healthy with a lower number, or --force, to delete anyway.'

export interface WorkerDeleteRequest extends WorkerDisableRequest {
  drain: boolean
  drainTimeoutMs: number
}

/** What `worker delete` reports as it goes (src/views/maintenance-progress.ts words it). */
export type WorkerDeleteEvent =
  /** Without --drain: a lease whose task has finished, which does not refuse the delete. */
  | ({kind: 'stale-lease-not-blocking'} & StaleLeaseSeen)
  /** With --drain: the drain's wait. */
  | DrainWaitEvent
  /** With --drain: the wait did not end drained (timed out, stopped, or a worker enabled again); nothing is deleted. */
  | {kind: 'drain-not-finished'; result: DrainResult; spaceName: string; timeoutMs: number}
  /** A worker this run disabled and did not delete, enabled again (or, with `error`, not). */
  | {kind: 'put-back'; worker: WorkerResource; spaceName: string; error?: string}

/** The guard's deps, and what the drain before a delete needs for Ctrl-C and SIGTERM. */
export interface WorkerDeleteDeps extends OutOfServiceDeps {
  /** Stale leases that do not block a delete, the drain's progress and what a stopped run leaves: stderr. */
  progress: (event: WorkerDeleteEvent) => void
  /** Called just before the drain's first change: from then on Ctrl-C or SIGTERM stops the wait, not the process. */
  startWaiting: () => AbortSignal
  /** The wait is over: from here a signal stops the process again. */
  stopWaiting: () => void
  /** The error to throw when a signal stopped the wait (its exit code follows the signal). */
  interrupted: (message: string, details: Record<string, unknown>) => Error
  debug?: (line: string) => void
}

export async function runWorkerDelete(space: SpaceContext, request: WorkerDeleteRequest, deps: WorkerDeleteDeps): Promise<BulkResult> {
  const {workers, targets: selected} = await resolveWorkerSelection(space, request)
  if (selected.length === 0) return deleteWorkers(space, selected)
  const floorOf = floorFunction(request.keepHealthy, await deps.config())
  const wording = {verb: 'deleting', override: DELETE_OVERRIDE}
  const check = checkFloors({workers, pools: await listWorkerPools(space), targets: selected, change: 'delete', floorOf})
  refuseBelowFloor(check, wording)
  if (!request.drain) await refuseDeletingLeasedWorkers(space, selected, (seen) => deps.progress({kind: 'stale-lease-not-blocking', ...seen}))
  deps.showFloors(check.floors)
  let targets = selected
  if (!request.yes) {
    await deps.confirm(targets)
    targets = (await recheckAfterPrompt(space, {targets, change: 'delete', floorOf, ...wording})).targets
  }
  const verifyFloor = {floorOf, bin: deps.bin}

  let applied: AppliedChange[] = []
  if (request.drain) {
    // Progress goes to stderr as the drain runs; the result is printed once, at the end.
    const waited = await drainWorkers(space, targets, {
      timeoutMs: request.drainTimeoutMs, debug: deps.debug, verifyFloor, signal: deps.startWaiting(),
      onStale: (worker, lease) => deps.progress({kind: 'stale-lease', worker, lease}),
      onProgress: (waiting, elapsedMs) => deps.progress({kind: 'waiting', waiting, elapsedMs}),
    })
    deps.stopWaiting()
    const drained = await confirmStillDisabled(space, waited)
    if (drained.Outcome !== 'drained') {
      deps.progress({kind: 'drain-not-finished', result: drained, spaceName: space.space.Name, timeoutMs: request.drainTimeoutMs})
      const details = {workers: drained.Workers.map((w: WorkerDrainStatus) => ({Id: w.Id, Name: w.Name, Outcome: w.Outcome, Leases: w.Leases.map((l) => l.TaskId)}))}
      if (drained.Outcome === 'interrupted') throw deps.interrupted('The drain was stopped; nothing was deleted.', details)
      throw new CliError('The drain did not finish; nothing was deleted.', ExitCode.Failure, {code: drained.Outcome === 're-enabled' ? 'drain-re-enabled' : 'drain-timeout', details})
    }
  } else if (request.keepHealthy !== 0) {
    // With no floor (--force, --keep-healthy 0) there is nothing to verify, so nothing to disable first.
    applied = (await disableTargets(space, targets)).applied
    await verifyFloorsAfterWrite(space, {applied, change: disableChange, ...verifyFloor})
  }

  const result = await deleteWorkers(space, targets)
  // A worker this run disabled but did not delete (the run stopped at a failure) goes back in service.
  const notDeleted = new Set(result.Results.filter((r) => r.Status !== 'done').map((r) => r.Id))
  const restore = applied.filter((a) => notDeleted.has(a.before.Id))
  if (restore.length > 0) {
    const restored = await undoChanges(space, restore, disableChange)
    for (const r of restored) deps.progress({kind: 'put-back', worker: r.worker, spaceName: space.space.Name, ...(r.error ? {error: r.error} : {})})
  }
  return result
}
