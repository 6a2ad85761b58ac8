/** `pool reorder`: the new order of every pool, sent in ONE `PUT /workerpools/sortorder`. */
import {usageError} from '../../text/errors.js'
import type {SpaceContext} from '../../octopus/client.js'
import {findAllByNameOrId, findByNameOrId, type Named} from '../../octopus/names.js'
import {listWorkerPools, setWorkerPoolSortOrder} from '../../octopus/repositories.js'
import type {WorkerPoolResource} from '../../octopus/types.js'
import {rejectDuplicateInputs} from './validate.js'

/**
 * Resolves the pools named on the command line, in the order given. Unknown names are exit 4
 * (all of them listed); the same pool named twice (by name, ID or a different case) is exit 2.
 */
export function resolveOrderedPools<T extends Named>(pools: T[], inputs: string[]): T[] {
  // One error naming every unknown pool comes before any duplicate check.
  findAllByNameOrId(pools, inputs, 'worker pool')
  const resolved = inputs.map((input) => findByNameOrId(pools, input, 'worker pool'))
  const firstInput = new Map<string, string>()
  const duplicates: string[] = []
  resolved.forEach((pool, i) => {
    const earlier = firstInput.get(pool.Id)
    if (earlier === undefined) firstInput.set(pool.Id, inputs[i])
    else duplicates.push(`'${inputs[i]}' (same pool as '${earlier}': ${pool.Name})`)
  })
  if (duplicates.length > 0) {
    throw usageError(`reorder: ${duplicates.join(', ')} given more than once; name each pool once.`)
  }
  return resolved
}

/**
 * The named pools first, in the order given; every other pool keeps its relative order after
 * them. `current` must be in the server's current sort order. Returns every pool ID.
 */
export function computeSortOrder(current: Array<{Id: string}>, first: Array<{Id: string}>): string[] {
  const firstIds = first.map((p) => p.Id)
  const chosen = new Set(firstIds)
  return [...firstIds, ...current.map((p) => p.Id).filter((id) => !chosen.has(id))]
}

export function sameOrder(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i])
}

export interface ReorderResult {
  /** Every pool in the new (or unchanged) order, as the server lists them afterwards. */
  Pools: WorkerPoolResource[]
  Changed: boolean
}

/** `pool reorder`: one PUT of every pool ID, or none when the order is already right. */
export async function reorderPools(space: SpaceContext, inputs: string[]): Promise<ReorderResult> {
  rejectDuplicateInputs(inputs, 'reorder')
  const pools = await listWorkerPools(space)
  const order = computeSortOrder(pools, resolveOrderedPools(pools, inputs))
  if (sameOrder(order, pools.map((p) => p.Id))) return {Pools: pools, Changed: false}
  await setWorkerPoolSortOrder(space, order)
  return {Pools: await listWorkerPools(space), Changed: true}
}
