/** `pool list`: the pools of one space, or of every space, with their worker counts, in the server's sort order. */
import type {SpaceContext} from '../../octopus/client.js'
import {getWorkerPoolsSummary, listWorkerPools, listWorkers} from '../../octopus/repositories.js'
import type {WorkerPoolResource} from '../../octopus/types.js'
import {poolTypeFlag, type PoolTypeFlag} from '../../domain/pools.js'
import {joinPoolsWithSummaries, joinPoolsWithWorkers, type PoolWithCounts, type WorkerCounts} from './counts.js'

export interface PoolListResult {
  /** The spaces read, in the server's order (one unless --all-spaces). */
  spaceNames: string[]
  allSpaces: boolean
  type?: PoolTypeFlag
  /** The --json document: each pool resource plus SpaceName and WorkerCounts, space by space. */
  pools: PoolListItem[]
}

/** A `pool list` item: the pool resource as the server returns it (SpaceId kept), plus derived SpaceName and WorkerCounts. */
export type PoolListItem = WorkerPoolResource & {SpaceName: string; WorkerCounts: WorkerCounts}

export function poolJson({pool, counts}: PoolWithCounts, spaceName: string): PoolListItem {
  return {...pool, SpaceName: spaceName, WorkerCounts: counts}
}

/** Filters `pool list --type`. */
export function filterByType(pools: PoolWithCounts[], type: PoolTypeFlag | undefined): PoolWithCounts[] {
  if (!type) return pools
  return pools.filter((p) => poolTypeFlag(p.pool.WorkerPoolType) === type)
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
