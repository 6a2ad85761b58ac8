/**
 * `worker update`: the same change to every selected worker, each a GET-modify-PUT of its whole
 * document. The edit is computed here, as a pure function, so the rules (never leave a worker
 * without a pool; a pool cannot be both added and removed; only one worker can take a new name)
 * are unit-tested, and every worker's edit is planned before the first PUT.
 */
import {CliError, ExitCode, usageError} from '../../text/errors.js'
import {runBulk, toBulkResult, type BulkResult} from '../../domain/bulk.js'
import type {SpaceContext} from '../../octopus/client.js'
import {findAllByNameOrId, findByNameOrId} from '../../octopus/names.js'
import {getWorker, listMachinePolicies, listWorkerPools, listWorkers, updateWorker} from '../../octopus/repositories.js'
import type {MachinePolicyResource, WorkerPoolResource, WorkerResource} from '../../octopus/types.js'
import type {PolicyConfig} from '../../config/octoworkers-yaml/load.js'
import type {PoolFloor} from '../../domain/pool-floors.js'
import {checkFloors, recheckAfterPrompt, refuseBelowFloor, verifyFloorsAfterWrite, type AppliedChange, type WorkerChange} from '../maintenance/guard.js'
import {shellQuote} from '../../text/shell.js'
import {requireSelection, selectWorkers, type WorkerSelectionInput} from './bulk.js'
import {floorFunction} from '../../domain/floor.js'
import {resolveStaticPools} from './resolve.js'
import {validateWorkerName} from './validate.js'

export interface UpdateInput {
  name?: string
  addPool?: string[]
  removePool?: string[]
  machinePolicy?: string
}

/** Checks that need no server: exit 2 before any request. */
export function validateUpdateInput(input: UpdateInput): UpdateInput {
  const addPool = (input.addPool ?? []).map((p) => p.trim())
  const removePool = (input.removePool ?? []).map((p) => p.trim())
  if ([...addPool, ...removePool].some((p) => p === '')) throw usageError('--add-pool and --remove-pool must not be empty.')
  const both = addPool.filter((a) => removePool.some((r) => r.toLowerCase() === a.toLowerCase()))
  if (both.length > 0) throw usageError(`--add-pool and --remove-pool both name ${both.map((p) => `'${p}'`).join(', ')}.`)
  const machinePolicy = input.machinePolicy?.trim()
  if (machinePolicy === '') throw usageError('--machine-policy must not be empty.')
  const name = input.name === undefined ? undefined : validateWorkerName(input.name, '--name')
  if (name === undefined && addPool.length === 0 && removePool.length === 0 && machinePolicy === undefined) {
    throw usageError('Nothing to update: give --name, --add-pool, --remove-pool or --machine-policy.')
  }
  return {name, addPool, removePool, machinePolicy}
}

export interface ResolvedUpdate {
  name?: string
  addPools: WorkerPoolResource[]
  removePools: WorkerPoolResource[]
  machinePolicy?: MachinePolicyResource
}

export interface UpdatePlan {
  worker: WorkerResource
  changes: string[]
  notes: string[]
}

/**
 * Applies the edit to a freshly read worker. Adding a pool it is in, or removing one it is not in,
 * is a note, not an error; ending with no pool at all is exit 2.
 */
export function planWorkerUpdate(worker: WorkerResource, update: ResolvedUpdate): UpdatePlan {
  const clash = update.addPools.filter((a) => update.removePools.some((r) => r.Id === a.Id))
  if (clash.length > 0) throw usageError(`--add-pool and --remove-pool both name '${clash[0].Name}'.`)
  const changes: string[] = []
  const notes: string[] = []
  const poolIds = [...(worker.WorkerPoolIds ?? [])]
  for (const pool of update.removePools) {
    const at = poolIds.indexOf(pool.Id)
    if (at < 0) notes.push(`'${worker.Name}' is not in pool '${pool.Name}'; nothing to remove.`)
    else {
      poolIds.splice(at, 1)
      changes.push(`removed from pool '${pool.Name}'`)
    }
  }
  for (const pool of update.addPools) {
    if (poolIds.includes(pool.Id)) notes.push(`'${worker.Name}' is already in pool '${pool.Name}'.`)
    else {
      poolIds.push(pool.Id)
      changes.push(`added to pool '${pool.Name}'`)
    }
  }
  if (poolIds.length === 0) {
    throw usageError(`This would leave worker '${worker.Name}' in no pool; a worker must belong to at least one pool. Nothing was changed.`, {
      hint: 'Add it to another pool in the same command with --add-pool.',
    })
  }
  const next: WorkerResource = {...worker, WorkerPoolIds: poolIds}
  if (update.name !== undefined && update.name !== worker.Name) {
    changes.push(`renamed from '${worker.Name}' to '${update.name}'`)
    next.Name = update.name
  }
  if (update.machinePolicy && update.machinePolicy.Id !== worker.MachinePolicyId) {
    changes.push(`machine policy set to '${update.machinePolicy.Name}'`)
    next.MachinePolicyId = update.machinePolicy.Id
  } else if (update.machinePolicy) notes.push(`'${worker.Name}' already uses machine policy '${update.machinePolicy.Name}'.`)
  return {worker: next, changes, notes}
}

/** A rename must not take another worker's name (Octopus names are unique per space, case-insensitively). */
export function assertNameFree(workers: WorkerResource[], name: string, selfId: string): void {
  const other = workers.find((w) => w.Id !== selfId && w.Name.toLowerCase() === name.toLowerCase())
  if (other) {
    throw new CliError(`Another worker is already named '${other.Name}' (${other.Id}); nothing was changed.`, ExitCode.Failure, {code: 'conflict'})
  }
}

/** A rename gives one worker one name: selecting several with --name is exit 2 before any request. */
export function requireSingleRename(input: UpdateInput, selection: WorkerSelectionInput): void {
  if (input.name === undefined) return
  if (selection.names.length > 1 || selection.poolInputs.length > 0) {
    throw usageError('--name renames one worker: name exactly one worker, without --pool.')
  }
}

/**
 * The update as a guarded change (maintenance/guard.ts): applied to each worker's current document,
 * and undone by taking back only what it did (pools it added removed, pools it removed added back,
 * the name and policy set back if nobody changed them since).
 */
export function updateChange(update: ResolvedUpdate, pools: WorkerPoolResource[]): WorkerChange {
  const poolName = (id: string) => pools.find((p) => p.Id === id)?.Name ?? id
  const removedBy = (a: AppliedChange) => (a.before.WorkerPoolIds ?? []).filter((id) => !(a.after.WorkerPoolIds ?? []).includes(id))
  return {
    apply: (current) => {
      const plan = planWorkerUpdate(current, update)
      return plan.changes.length > 0 ? plan.worker : undefined
    },
    undo: (current, applied) => {
      const {before, after} = applied
      const added = (after.WorkerPoolIds ?? []).filter((id) => !(before.WorkerPoolIds ?? []).includes(id))
      const poolIds = (current.WorkerPoolIds ?? []).filter((id) => !added.includes(id))
      for (const id of removedBy(applied)) if (!poolIds.includes(id)) poolIds.push(id)
      const next: WorkerResource = {...current, WorkerPoolIds: poolIds.length > 0 ? poolIds : current.WorkerPoolIds}
      if (after.Name !== before.Name && current.Name === after.Name) next.Name = before.Name
      if (after.MachinePolicyId !== before.MachinePolicyId && current.MachinePolicyId === after.MachinePolicyId) next.MachinePolicyId = before.MachinePolicyId
      const same = next.Name === current.Name && next.MachinePolicyId === current.MachinePolicyId && JSON.stringify(next.WorkerPoolIds) === JSON.stringify(current.WorkerPoolIds)
      return same ? undefined : next
    },
    undoneWords: (worker) => `'${worker.Name}' back in ${update.removePools.length === 1 ? 'its pool' : 'its pools'}`,
    undoCommand: (bin, worker, spaceName) => `${bin} worker update ${shellQuote(worker.Name)} ${update.removePools.map((p) => `--add-pool ${shellQuote(poolName(p.Id))}`).join(' ')} --space ${shellQuote(spaceName)}`,
  }
}

/** `--remove-pool` takes workers out of a pool's service: the floor, a confirmation and the re-checks of guard.ts. */
export interface UpdateGuard {
  /** --keep-healthy (0 with --force); undefined: the config's minWorkers. */
  keepHealthy?: number
  yes: boolean
  config: () => Promise<PolicyConfig>
  /** Asks (typed name or count); throws to stop, nothing changed. */
  confirm: (targets: WorkerResource[]) => Promise<void>
  /** Each pool left's floor, shown before asking (with -y too). */
  showFloors: (floors: PoolFloor[]) => void
  bin: string
}

export const REMOVE_POOL_OVERRIDE = 'Pass --keep-healthy with a lower number, or --force, to remove them anyway.'

/** The bulk result of `worker update`, with the notes (already in a pool, policy already set...) for stderr. */
export interface UpdateWorkersResult extends BulkResult {
  Notes: string[]
}

/**
 * Resolves the selection and every name the change mentions, plans the change for every selected
 * worker (so a worker that would be left in no pool stops the run before the first PUT), then
 * applies it worker by worker from a fresh read of each. The first failure stops the run. With
 * --remove-pool the floor of each pool left is kept as every command that takes workers out of
 * service keeps it (maintenance/guard.ts): checked before, again after the prompt, and verified
 * after writing (the change is undone and refused, exit 5, when another change ran meanwhile).
 */
export async function updateWorkers(space: SpaceContext, selection: WorkerSelectionInput, input: UpdateInput, guard: UpdateGuard): Promise<UpdateWorkersResult> {
  requireSelection(selection.names, selection.poolInputs)
  requireSingleRename(input, selection)
  const [workers, pools, machinePolicies] = await Promise.all([listWorkers(space), listWorkerPools(space), input.machinePolicy ? listMachinePolicies(space) : undefined])
  const targets = selectWorkers({workers, pools, ...selection})
  const update: ResolvedUpdate = {
    name: input.name,
    addPools: resolveStaticPools(pools, input.addPool ?? [], '--add-pool'),
    removePools: findAllByNameOrId(pools, input.removePool ?? [], 'worker pool'),
    machinePolicy: input.machinePolicy ? findByNameOrId(machinePolicies ?? [], input.machinePolicy, 'machine policy') : undefined,
  }
  if (input.name !== undefined && targets.length === 1) assertNameFree(workers, input.name, targets[0].Id)
  for (const worker of targets) planWorkerUpdate(worker, update)
  const change = updateChange(update, pools)
  const floorOf = update.removePools.length > 0 ? floorFunction(guard.keepHealthy, await guard.config()) : undefined
  if (floorOf) {
    const wording = {verb: 'removing them', override: REMOVE_POOL_OVERRIDE}
    const check = checkFloors({workers, pools, targets, change, floorOf})
    refuseBelowFloor(check, wording)
    guard.showFloors(check.floors)
    if (!guard.yes && targets.length > 0) {
      await guard.confirm(targets)
      await recheckAfterPrompt(space, {targets, change, floorOf, ...wording})
    }
  }
  const notes: string[] = []
  const applied: AppliedChange[] = []
  const report = await runBulk<WorkerResource, string>(targets, async (listed) => {
    // The list entry may be stale by now: modify the document as it is at this moment.
    const before = await getWorker(space, listed.Id)
    const plan = planWorkerUpdate(before, update)
    notes.push(...plan.notes)
    if (plan.changes.length === 0) return {unchanged: 'nothing to change'}
    const after = await updateWorker(space, plan.worker)
    applied.push({before, after: after?.Id ? after : plan.worker})
    return {result: plan.changes.join('; ')}
  })
  if (floorOf) await verifyFloorsAfterWrite(space, {applied, change, floorOf, bin: guard.bin})
  // "updated" says little: each done item's message is its own list of changes.
  return {...toBulkResult(report, 'updated', (changes) => changes), Notes: notes}
}
