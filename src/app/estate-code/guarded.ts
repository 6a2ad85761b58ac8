/**
 * `estate apply` takes workers out of service three ways: a disable, a move out of a pool, and a
 * delete. Each goes through the one out-of-service guard of `worker disable`, `worker update
 * --remove-pool` and `worker delete` (src/app/maintenance/guard.ts), so that an apply and another
 * admin's command (or two applies) cannot together leave a pool below its floor with both exiting 0:
 * 1. the floor on what the server said: the plan's refusal (plan.ts);
 * 2. after the confirmation, the floor again on a fresh read (`recheckAfterConfirmation`);
 * 3. each write a read-merge-write (apply.ts, through `writeChange` for the disable before a delete);
 * 4. after each phase's out-of-service writes, the pools read again (`verifyFloorsAfterWrite`): a
 *    pool below its floor then means another change ran meanwhile, and this apply's writes of that
 *    phase are put back and refused.
 * A delete is a disable first, as `worker delete` does it: a disabled worker can be put back, a
 * deleted one cannot, and a disabled worker takes no new lease before it is deleted.
 */
import type {SpaceContext} from '../../octopus/client.js'
import type {WorkerResource} from '../../octopus/types.js'
import {shellQuote} from '../../text/shell.js'
import {refuseBelowFloor, checkFloors, poolsTakenFrom, readAgainAfterPrompt, refusedAfterPrompt, type AppliedChange, type WorkerChange} from '../maintenance/guard.js'
import {refuseDeletingLeasedWorkers, type StaleLeaseSeen} from '../workers/bulk.js'
import type {PlanContext} from './plan.js'

/** The override named when the floor refuses an apply, as plan.ts's refusal names it. */
export const APPLY_OVERRIDE = 'Pass --keep-healthy with a lower number, or --force, to apply anyway.'

/** Whether a write took an available worker out of a pool's service (only those are verified and put back). */
export function takesOutOfService(applied: AppliedChange): boolean {
  return poolsTakenFrom([applied]).size > 0
}

/**
 * The plan's change to each worker as guard.ts sees it. `after`: each changed worker's document
 * after the plan (null: deleted, which counts as disabled: out of service either way). The undo
 * takes back only what this apply's write changed, on the worker as it is now (another change made
 * since is kept), field by field: enabled, pools, name, policy, endpoint.
 */
export function estateWorkerChange(opts: {after: ReadonlyMap<string, WorkerResource | null>; applied?: AppliedChange[]; poolName: (id: string) => string}): WorkerChange {
  const appliedTo = (id: string) => opts.applied?.find((a) => a.before.Id === id)
  const removedPools = (a: AppliedChange) => (a.before.WorkerPoolIds ?? []).filter((id) => !(a.after.WorkerPoolIds ?? []).includes(id))
  return {
    apply: (current) => {
      const target = opts.after.get(current.Id)
      if (target === undefined) return undefined
      if (target === null) return current.IsDisabled ? undefined : {...current, IsDisabled: true}
      return {...current, WorkerPoolIds: target.WorkerPoolIds, IsDisabled: target.IsDisabled}
    },
    undo: (current, {before, after}) => {
      const next: WorkerResource = {...current}
      if (before.IsDisabled !== after.IsDisabled && current.IsDisabled === after.IsDisabled) next.IsDisabled = before.IsDisabled
      const added = (after.WorkerPoolIds ?? []).filter((id) => !(before.WorkerPoolIds ?? []).includes(id))
      const pools = (current.WorkerPoolIds ?? []).filter((id) => !added.includes(id))
      for (const id of removedPools({before, after})) if (!pools.includes(id)) pools.push(id)
      next.WorkerPoolIds = pools.length > 0 ? pools : current.WorkerPoolIds
      if (before.Name !== after.Name && current.Name === after.Name) next.Name = before.Name
      if (before.MachinePolicyId !== after.MachinePolicyId && current.MachinePolicyId === after.MachinePolicyId) next.MachinePolicyId = before.MachinePolicyId
      if (JSON.stringify(before.Endpoint) !== JSON.stringify(after.Endpoint) && JSON.stringify(current.Endpoint) === JSON.stringify(after.Endpoint)) next.Endpoint = before.Endpoint
      return JSON.stringify(next) === JSON.stringify(current) ? undefined : next
    },
    undoneWords: (worker) => {
      const applied = appliedTo(worker.Id)
      const parts: string[] = []
      if (applied && !applied.before.IsDisabled && applied.after.IsDisabled) parts.push('enabled again')
      const removed = applied ? removedPools(applied) : []
      if (removed.length) parts.push(`back in ${removed.map((id) => `'${opts.poolName(id)}'`).join(', ')}`)
      return `'${worker.Name}' ${parts.length ? parts.join(' and ') : 'put back as it was'}`
    },
    undoCommand: (bin, worker, spaceName) => {
      const applied = appliedTo(worker.Id)
      const space = `--space ${shellQuote(spaceName)}`
      const commands: string[] = []
      if (!applied || (!applied.before.IsDisabled && applied.after.IsDisabled)) commands.push(`${bin} worker enable ${shellQuote(worker.Name)} ${space}`)
      const removed = applied ? removedPools(applied) : []
      if (removed.length) commands.push(`${bin} worker update ${shellQuote(worker.Name)} ${removed.map((id) => `--add-pool ${shellQuote(opts.poolName(id))}`).join(' ')} ${space}`)
      return commands.join(' && ')
    },
  }
}

/** Each space's workers the plan deletes, as the plan read them. */
function deletedWorkers(context: PlanContext): Array<{space: SpaceContext; targets: WorkerResource[]}> {
  return context.actual.spaces.map((actual) => {
    const ids = new Set(context.plan.Changes.filter((c) => c.SpaceId === actual.Id && c.Resource === 'worker' && c.Action === 'delete').map((c) => c.Id))
    return {space: context.spaces.find((s) => s.spaceId === actual.Id)!, targets: actual.workers.filter((w) => ids.has(w.Id))}
  }).filter((s) => s.targets.length > 0)
}

/**
 * `worker delete`'s lease check, for the workers the plan deletes (without --drain): a worker that
 * holds an active lease refuses the whole apply (exit 5, the same words and error code), before
 * the confirmation and before anything is written.
 */
export async function refuseDeletingLeasedWorkersOfPlan(context: PlanContext, onStaleLease: (seen: StaleLeaseSeen) => void): Promise<void> {
  for (const {space, targets} of deletedWorkers(context)) await refuseDeletingLeasedWorkers(space, targets, onStaleLease)
}

/**
 * Step 2 of the guard, after the confirmation (a prompt can wait for minutes while someone else
 * changes the pools): every space's workers and pools read again, and the floor checked on them
 * with the plan's change (the workers it registers counted as available, as the plan counts them).
 * Exit 5 saying it was checked again; a changed worker deleted meanwhile is exit 4. Nothing written.
 */
export async function recheckAfterConfirmation(context: PlanContext): Promise<void> {
  for (const after of context.after) {
    const targets = after.space.workers.filter((w) => after.changedWorkers.has(w.Id))
    if (targets.length === 0) continue
    const space = context.spaces.find((s) => s.spaceId === after.space.Id)!
    const fresh = await readAgainAfterPrompt(space, targets)
    const registered = after.workers.filter((w) => w.New)
    const check = checkFloors({
      workers: [...fresh.workers, ...registered], pools: fresh.pools, targets: fresh.targets,
      change: estateWorkerChange({after: after.changedWorkers, poolName: (id) => id}), floorOf: context.floorOf,
    })
    try {
      refuseBelowFloor(check, {verb: 'applying this plan', override: APPLY_OVERRIDE})
    } catch (error) {
      throw refusedAfterPrompt(error as never)
    }
  }
}
