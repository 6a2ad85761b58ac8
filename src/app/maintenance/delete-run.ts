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
import {deleteWorkers, refuseDeletingLeasedWorkers, resolveWorkerSelection} from '../workers/bulk.js'
import {floorFunction} from '../../domain/floor.js'
import {describeDrainStatus, staleLeaseLine, unfinishedSummary, type WorkerDrainStatus} from './drain.js'
import {confirmStillDisabled, disableTargets, drainWorkers, reenabledSummary} from './drain-run.js'
import {checkFloors, disableChange, recheckAfterPrompt, refuseBelowFloor, undoChanges, verifyFloorsAfterWrite, type AppliedChange} from './guard.js'
import type {OutOfServiceDeps, WorkerDisableRequest} from './disable-run.js'
import {formatDuration} from '../../text/duration.js'

export const DELETE_OVERRIDE = 'Pass --keep-healthy with a lower number, or --force, to delete anyway.'

export interface WorkerDeleteRequest extends WorkerDisableRequest {
  drain: boolean
  drainTimeoutMs: number
}

/** The guard's deps, and what the drain before a delete needs for Ctrl-C and SIGTERM. */
export interface WorkerDeleteDeps extends OutOfServiceDeps {
  /** Leases that block a delete, the drain's progress and what a stopped run leaves: stderr. */
  note: (line: string) => void
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
  if (!request.drain) await refuseDeletingLeasedWorkers(space, selected, deps.note)
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
      onStale: (worker, lease) => deps.note(staleLeaseLine(worker, lease)),
      onProgress: (waiting, elapsed) => {
        if (waiting.length) deps.note(`Draining before delete: ${waiting.map((w) => `${w.Name} (${w.Leases.length} lease${w.Leases.length === 1 ? '' : 's'})`).join(', ')} [${formatDuration(elapsed)}]`)
      },
    })
    deps.stopWaiting()
    const drained = await confirmStillDisabled(space, waited)
    if (drained.Outcome !== 'drained') {
      for (const line of drained.Workers.map(describeDrainStatus)) deps.note(line)
      const summary = drained.Outcome === 're-enabled' ? reenabledSummary(drained) : unfinishedSummary(drained, {bin: deps.bin, spaceName: space.space.Name, timeoutMs: request.drainTimeoutMs})
      for (const line of summary) deps.note(line)
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
    for (const r of restored) deps.note(r.error ? `'${r.worker.Name}' was disabled to be deleted and could not be enabled again (${r.error}): ${disableChange.undoCommand(deps.bin, r.worker, space.space.Name)}` : `'${r.worker.Name}' was not deleted; enabled again.`)
  }
  return result
}
