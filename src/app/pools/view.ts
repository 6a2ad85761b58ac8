/** `pool view`: one pool with its counts, its workers, its portal URL and what uses it. */
import type {SpaceContext} from '../../octopus/client.js'
import {findByNameOrId} from '../../octopus/names.js'
import {listWorkerPools, listWorkers} from '../../octopus/repositories.js'
import type {WorkerPoolResource, WorkerResource} from '../../octopus/types.js'
import {readPoolUsage} from '../usage/guard.js'
import type {UsageReadNote} from '../usage/read.js'
import type {PoolUsageSummary} from '../../domain/usage/summary.js'
import {isDynamicPool} from '../../domain/pools.js'
import {countsFromWorkers, type WorkerCounts} from './counts.js'
import {workerCells} from '../../domain/workers/endpoint-facts.js'

/** A worker of the pool as `pool view` documents it. */
export interface PoolWorkerSummary {
  Id: string
  Name: string
  /** As the server sent it; `Unknown` when it sent none. */
  HealthStatus: string
  IsDisabled: boolean
  /** The raw style; null when the server sent no endpoint. */
  CommunicationStyle: string | null
  /** The type as every command names it: Listening, Polling, SSH, Kubernetes, or the raw style. */
  Type: string
  /** Where the server reaches the worker, in the one form every command shows. */
  Endpoint: string
}

export function poolWorkerSummary(worker: WorkerResource): PoolWorkerSummary {
  const cells = workerCells(worker)
  const style = worker.Endpoint?.CommunicationStyle
  return {
    Id: worker.Id,
    Name: worker.Name,
    HealthStatus: cells.Health,
    IsDisabled: worker.IsDisabled === true,
    CommunicationStyle: typeof style === 'string' ? style : null,
    Type: cells.Type,
    Endpoint: cells.Endpoint,
  }
}

/** `pool view --json`: the pool resource and what the command adds to it. */
export type PoolViewDocument = WorkerPoolResource & {
  WorkerCounts: WorkerCounts
  Workers: PoolWorkerSummary[]
  WebUrl: string
  Usage: PoolUsageSummary | null
}

/** The --json document, and beside it what only the text form shows: why Usage is null. */
export interface PoolViewResult {
  document: PoolViewDocument
  usageUnavailable?: string
}

/** `onNote` is told what the usage line rests on (a server without runbooks). */
export async function viewPool(space: SpaceContext, poolNameOrId: string, options: {onNote?: (note: UsageReadNote) => void} = {}): Promise<PoolViewResult> {
  const pool = findByNameOrId(await listWorkerPools(space), poolNameOrId, 'worker pool')
  // A dynamic pool has no registered workers: Octopus provides them on demand.
  const workers = isDynamicPool(pool) ? [] : (await listWorkers(space, {workerPoolIds: [pool.Id]})).filter((w) => (w.WorkerPoolIds ?? []).includes(pool.Id))
  const usage = await readPoolUsage(space, pool, options.onNote)
  return {
    document: {
      ...pool,
      WorkerCounts: countsFromWorkers(workers),
      Workers: workers.map(poolWorkerSummary),
      WebUrl: space.webUrl(`infrastructure/workerpools/${pool.Id}`),
      Usage: 'summary' in usage ? usage.summary : null,
    },
    ...('unavailable' in usage ? {usageUnavailable: usage.unavailable} : {}),
  }
}
