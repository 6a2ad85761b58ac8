/** `pool view`: one pool with its counts, its workers, its portal URL and what uses it. */
import type {SpaceContext} from '../../octopus/client.js'
import {findByNameOrId} from '../../octopus/names.js'
import {listWorkerPools, listWorkers} from '../../octopus/repositories.js'
import type {WorkerPoolResource} from '../../octopus/types.js'
import {readPoolUsage} from '../usage/guard.js'
import type {PoolUsageSummary} from '../../domain/usage/summary.js'
import {isDynamicPool} from '../../domain/pools.js'
import {countsFromWorkers, type WorkerCounts} from './counts.js'
import {poolWorkerSummary, type PoolWorkerSummary} from '../../views/pools.js'

/** The --json document; `UsageUnavailable` (why Usage is null) is for the text form only. */
export type PoolViewResult = WorkerPoolResource & {
  WorkerCounts: WorkerCounts
  Workers: PoolWorkerSummary[]
  WebUrl: string
  Usage: PoolUsageSummary | null
  UsageUnavailable?: string
}

/** `onNote` is told what the usage line rests on (a server without runbooks). */
export async function viewPool(space: SpaceContext, poolNameOrId: string, options: {onNote?: (text: string) => void} = {}): Promise<PoolViewResult> {
  const pool = findByNameOrId(await listWorkerPools(space), poolNameOrId, 'worker pool')
  // A dynamic pool has no registered workers: Octopus provides them on demand.
  const workers = isDynamicPool(pool) ? [] : (await listWorkers(space, {workerPoolIds: [pool.Id]})).filter((w) => (w.WorkerPoolIds ?? []).includes(pool.Id))
  const usage = await readPoolUsage(space, pool, options.onNote)
  return {
    ...pool,
    WorkerCounts: countsFromWorkers(workers),
    Workers: workers.map(poolWorkerSummary),
    WebUrl: space.webUrl(`infrastructure/workerpools/${pool.Id}`),
    Usage: 'summary' in usage ? usage.summary : null,
    ...('unavailable' in usage ? {UsageUnavailable: usage.unavailable} : {}),
  }
}
