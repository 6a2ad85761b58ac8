/**
 * `worker update`: a GET-modify-PUT of the whole worker document. The edit is computed here, as a
 * pure function, so the rules (never leave a worker without a pool; a pool cannot be both added
 * and removed) are unit-tested.
 */
import {CliError, ExitCode, usageError} from '../errors.js'
import type {MachinePolicyResource, WorkerPoolResource, WorkerResource} from '../octopus/types.js'
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
