/** `pool list`: the pools of a space with their worker counts, in the server's sort order. */
import type {SpaceContext} from '../octopus/client.js'
import {getWorkerPoolsSummary, listWorkerPools} from '../octopus/repositories.js'
import {joinPoolsWithSummary} from './counts.js'
import {filterByType, poolJson} from './render.js'
import type {PoolTypeFlag} from './validate.js'

export interface PoolListResult {
  spaceName: string
  type?: PoolTypeFlag
  /** The --json document: each pool resource plus its WorkerCounts. */
  pools: Array<ReturnType<typeof poolJson>>
}

/** Two requests (the summary and /all), whatever the number of pools or workers. */
export async function listPoolsWithCounts(space: SpaceContext, opts: {type?: PoolTypeFlag}): Promise<PoolListResult> {
  const [pools, summary] = await Promise.all([listWorkerPools(space), getWorkerPoolsSummary(space)])
  const rows = filterByType(joinPoolsWithSummary(pools, summary), opts.type)
  return {spaceName: space.space.Name, type: opts.type, pools: rows.map(poolJson)}
}
