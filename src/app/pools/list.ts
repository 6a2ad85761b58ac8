/** `pool list`: the pools of one space, or of every space, with their worker counts, in the server's sort order. */
import type {SpaceContext} from '../../octopus/client.js'
import {getWorkerPoolsSummary, listWorkerPools, listWorkers} from '../../octopus/repositories.js'
import {joinPoolsWithSummaries, joinPoolsWithWorkers, type PoolWithCounts} from './counts.js'
import {filterByType, poolJson, type PoolListItem} from '../../views/pools.js'
import type {PoolTypeFlag} from './validate.js'

export interface PoolListResult {
  /** The spaces read, in the server's order (one unless --all-spaces). */
  spaceNames: string[]
  allSpaces: boolean
  type?: PoolTypeFlag
  /** The --json document: each pool resource plus SpaceName and WorkerCounts, space by space. */
  pools: PoolListItem[]
}

/**
 * Three requests a space (/workerpools/all and two summaries), whatever the number of pools or
 * workers; one more (the space's workers) only if the server ignored the summary's isDisabled filter.
 */
export async function listPoolsWithCounts(spaces: SpaceContext[], opts: {type?: PoolTypeFlag; allSpaces?: boolean}): Promise<PoolListResult> {
  const perSpace = await Promise.all(spaces.map(async (space) => {
    const rows = filterByType(await poolsWithCounts(space), opts.type)
    return rows.map((row) => poolJson(row, space.space.Name))
  }))
  return {spaceNames: spaces.map((s) => s.space.Name), allSpaces: Boolean(opts.allSpaces), type: opts.type, pools: perSpace.flat()}
}

async function poolsWithCounts(space: SpaceContext): Promise<PoolWithCounts[]> {
  const [pools, all, enabled] = await Promise.all([
    listWorkerPools(space),
    getWorkerPoolsSummary(space),
    getWorkerPoolsSummary(space, {isDisabled: false}),
  ])
  return joinPoolsWithSummaries(pools, {all, enabled}) ?? joinPoolsWithWorkers(pools, await listWorkers(space))
}
