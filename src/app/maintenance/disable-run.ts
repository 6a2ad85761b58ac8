/**
 * `worker disable`: the same guard as every command that takes workers out of service (guard.ts):
 * the floor of every pool a selected worker serves (its other pools too), a confirmation, the
 * floor again after it, a read-merge-write of each worker, and the floor verified after writing.
 */
import {runBulk, toBulkResult, type BulkResult} from '../../domain/bulk.js'
import type {SpaceContext} from '../../octopus/client.js'
import {listWorkerPools, listWorkers} from '../../octopus/repositories.js'
import type {WorkerResource} from '../../octopus/types.js'
import type {PoolFloor} from '../../domain/pool-floors.js'
import type {PolicyConfig} from '../../config/octoworkers-yaml/load.js'
import {requireSelection, selectWorkers, type WorkerSelectionInput} from '../workers/bulk.js'
import {floorFunction} from '../../domain/floor.js'
import {checkFloors, disableChange, recheckAfterPrompt, refuseBelowFloor, verifyFloorsAfterWrite, writeChange, type AppliedChange} from './guard.js'

export const DISABLE_OVERRIDE = 'Pass --keep-healthy with a lower number, or --force, to disable anyway.'

export interface WorkerDisableRequest extends WorkerSelectionInput {
  /** --keep-healthy (0 with --force); undefined: the config's minWorkers. */
  keepHealthy?: number
  yes: boolean
}

export interface OutOfServiceDeps {
  config: () => Promise<PolicyConfig>
  /** Asks (typed name or count); throws to stop, nothing changed. */
  confirm: (targets: WorkerResource[]) => Promise<void>
  /** Each affected pool's floor, shown before asking (with -y too). */
  showFloors: (floors: PoolFloor[]) => void
  bin: string
}

export async function runWorkerDisable(space: SpaceContext, request: WorkerDisableRequest, deps: OutOfServiceDeps): Promise<BulkResult> {
  requireSelection(request.names, request.poolInputs)
  const [workers, pools] = await Promise.all([listWorkers(space), listWorkerPools(space)])
  let targets = selectWorkers({workers, pools, names: request.names, poolInputs: request.poolInputs})
  const floorOf = floorFunction(request.keepHealthy, await deps.config())
  const wording = {verb: 'disabling', override: DISABLE_OVERRIDE}
  const check = checkFloors({workers, pools, targets, change: disableChange, floorOf})
  refuseBelowFloor(check, wording)
  const changing = targets.filter((w) => !w.IsDisabled)
  if (changing.length > 0) {
    deps.showFloors(check.floors)
    if (!request.yes) {
      await deps.confirm(changing)
      targets = (await recheckAfterPrompt(space, {targets, change: disableChange, floorOf, ...wording})).targets
    }
  }
  const applied: AppliedChange[] = []
  const report = await runBulk<WorkerResource, WorkerResource>(targets, async (worker) => {
    const change = await writeChange(space, worker.Id, disableChange)
    if (!change) return {unchanged: 'already disabled'}
    applied.push(change)
    return {result: change.after}
  })
  await verifyFloorsAfterWrite(space, {applied, change: disableChange, floorOf, bin: deps.bin})
  return toBulkResult(report, 'disabled')
}
