/** `pool update` and `pool set-default`: changes applied to the whole pool document for a PUT. */
import {CliError, ExitCode, usageError} from '../../text/errors.js'
import type {WorkerPoolResource} from '../../octopus/types.js'
import type {SpaceContext} from '../../octopus/client.js'
import {findByNameOrId} from '../../octopus/names.js'
import {getWorkerPool, listDynamicWorkerTypes, listWorkerPools, updateWorkerPool} from '../../octopus/repositories.js'
import {matchWorkerType} from './create.js'
import {isDynamicPool} from '../../domain/pools.js'

export interface PoolChanges {
  name?: string
  description?: string
  /** Already matched against the server's dynamic worker types. */
  workerType?: string
}

export interface FieldChange {
  Field: string
  From: string | null
  To: string
}

/** Nothing asked for is a usage error (exit 2), checked before any request. */
export function requireSomeChange(changes: PoolChanges): void {
  if (changes.name === undefined && changes.description === undefined && changes.workerType === undefined) {
    throw usageError('Nothing to change: give --name, --description or --worker-type.')
  }
}

/** `--worker-type` on a static pool is exit 2 (known only once the pool is read; nothing sent yet). */
export function checkWorkerTypeForPool(pool: WorkerPoolResource, workerType: string | undefined): void {
  if (workerType !== undefined && !isDynamicPool(pool)) {
    throw usageError(`--worker-type applies only to dynamic pools; '${pool.Name}' is a static pool.`)
  }
}

/**
 * The pool document with the changes applied, and the fields that actually differ. A rename to
 * the name of another pool (case-insensitive) fails (exit 1) before anything is sent.
 */
export function applyPoolChanges(pool: WorkerPoolResource, changes: PoolChanges, allPools: WorkerPoolResource[]): {updated: WorkerPoolResource; changed: FieldChange[]} {
  checkWorkerTypeForPool(pool, changes.workerType)
  if (changes.name !== undefined) {
    const clash = allPools.find((p) => p.Id !== pool.Id && p.Name.toLowerCase() === changes.name!.toLowerCase())
    if (clash) {
      throw new CliError(`Cannot rename '${pool.Name}' to '${changes.name}': pool ${clash.Id} already has that name.`, ExitCode.Failure, {code: 'conflict'})
    }
  }
  const updated = {...pool} as WorkerPoolResource & {WorkerType?: string | null}
  const changed: FieldChange[] = []
  const set = (field: 'Name' | 'Description' | 'WorkerType', value: string | undefined) => {
    if (value === undefined) return
    const from = (updated[field] as string | null | undefined) ?? null
    if (from === value) return
    changed.push({Field: field, From: from, To: value})
    ;(updated as unknown as Record<string, unknown>)[field] = value
  }
  set('Name', changes.name)
  set('Description', changes.description)
  set('WorkerType', changes.workerType)
  return {updated, changed}
}

/** The pool with IsDefault set; the server moves the flag off the previous default. */
export function asDefault(pool: WorkerPoolResource): WorkerPoolResource {
  return {...pool, IsDefault: true}
}

/** `pool set-default`'s result, which is also its --json document. */
export type SetDefaultResult = WorkerPoolResource & {Changed: boolean; PreviousDefault: {Id: string; Name: string} | null}

/**
 * Makes a pool the space's default with a PUT of its whole document (the server clears the flag
 * on the previous default). A pool that is already the default is reported, nothing sent.
 */
export async function setDefaultPool(space: SpaceContext, poolNameOrId: string): Promise<SetDefaultResult> {
  const pools = await listWorkerPools(space)
  const target = findByNameOrId(pools, poolNameOrId, 'worker pool')
  if (target.IsDefault) return {...target, Changed: false, PreviousDefault: null}
  const previous = pools.find((p) => p.IsDefault && p.Id !== target.Id)
  const saved = await updateWorkerPool(space, asDefault(await getWorkerPool(space, target.Id)))
  return {...saved, Changed: true, PreviousDefault: previous ? {Id: previous.Id, Name: previous.Name} : null}
}

/** `pool update`'s result and --json document: the pool as saved (or as it was) and the fields that changed. */
export type UpdatePoolResult = WorkerPoolResource & {Changes: FieldChange[]}

/**
 * Reads the whole pool, applies the changes and PUTs it back, so nothing else changes. Values
 * equal to the current ones send nothing (Changes is empty).
 */
export async function updatePool(space: SpaceContext, poolNameOrId: string, changes: PoolChanges): Promise<UpdatePoolResult> {
  requireSomeChange(changes)
  const pools = await listWorkerPools(space)
  const listed = findByNameOrId(pools, poolNameOrId, 'worker pool')
  const pool = await getWorkerPool(space, listed.Id)
  const wanted = {...changes}
  if (wanted.workerType !== undefined) {
    checkWorkerTypeForPool(pool, wanted.workerType)
    wanted.workerType = matchWorkerType(wanted.workerType, await listDynamicWorkerTypes(space))
  }
  const {updated, changed} = applyPoolChanges(pool, wanted, pools)
  if (changed.length === 0) return {...pool, Changes: []}
  return {...(await updateWorkerPool(space, updated)), Changes: changed}
}
