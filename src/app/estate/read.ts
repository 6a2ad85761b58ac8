/**
 * Reads what `check` and `builtin-worker` reason about, with a fixed number of requests whatever
 * the size of the estate: per space `workerpools/all`, `workers/all`, `workerpools/summary` and
 * `machines/all`; once per run the features document and the server nodes. With `usage` (a usage/*
 * rule is enabled), also each space's projects, processes, runbooks and variables: a fixed number of
 * list requests per space plus one per version-controlled project (src/app/usage/read.ts).
 */
import {mapBounded} from '../../text/concurrency.js'
import type {OctopusClient, SpaceContext} from '../../octopus/client.js'
import {OctopusApiError} from '../../octopus/errors.js'
import {getFeatures, getWorkerPoolsSummary, listDeploymentTargets, listServerNodes, listWorkerPools, listWorkersAs} from '../../octopus/repositories.js'
import {readUsageEstate, type UsageReadNote} from '../usage/read.js'
import {computeUsage} from '../../domain/usage/resolve.js'
import type {PoolWorkerCount} from '../../domain/usage/types.js'
import {isAvailable} from '../../domain/availability.js'
import {SPACE_CONCURRENCY} from './spaces.js'
import {httpCause, type OnUnavailable, type UnreadablePart} from '../unreadable-part.js'
import type {Snapshot, SpaceSnapshot} from '../../domain/estate/types.js'
import {workerFacts} from '../../domain/estate/worker-facts.js'

export interface SnapshotOptions {
  /** The pools summary (Tentacle/Calamari upgrades). Default true. */
  summary?: boolean
  /** Deployment targets, to compare with workers. Default true. */
  deploymentTargets?: boolean
  /** The features document (built-in worker flag). Default true. */
  features?: boolean
  /** Server nodes (HA). Default true. */
  serverNodes?: boolean
  /** Which steps run on which pool (the usage/* rules). Default false: it reads every process. */
  usage?: boolean
  /** Told about each optional part that could not be read. */
  onUnavailable?: OnUnavailable
  /** Told facts about what the usage rests on, each once per run (not once per space). */
  onNote?: (note: UsageReadNote) => void
}


export async function readSnapshot(client: OctopusClient, spaces: SpaceContext[], options: SnapshotOptions = {}): Promise<Snapshot> {
  const want = (flag: boolean | undefined) => flag !== false
  const told = new Set<string>()
  const onNote = (note: UsageReadNote) => {
    if (told.has(note.kind)) return
    told.add(note.kind)
    options.onNote?.(note)
  }
  const optional = async <T>(part: UnreadablePart, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read()
    } catch (error) {
      // Least-privilege keys may see workers but not targets or server settings: report the gap, check the rest.
      if (error instanceof OctopusApiError && [401, 403, 404].includes(error.status)) {
        options.onUnavailable?.(part, httpCause(error.status))
        return undefined
      }
      throw error
    }
  }
  const [features, serverNodes, spaceSnapshots] = await Promise.all([
    want(options.features) ? optional({part: 'features'}, () => getFeatures({client})) : Promise.resolve(undefined),
    want(options.serverNodes) && spaces[0] ? optional({part: 'server-nodes'}, () => listServerNodes(spaces[0])) : Promise.resolve(undefined),
    mapBounded(spaces, SPACE_CONCURRENCY, async (space): Promise<SpaceSnapshot> => {
      const [pools, workers, summary, deploymentTargets, usageEstate] = await Promise.all([
        listWorkerPools(space),
        // Each worker document reduced as the list arrives: the read model holds what its readers use, not 100,000 whole documents.
        listWorkersAs(space, workerFacts),
        want(options.summary) ? optional({part: 'worker-pool-summary', space: space.space.Name}, () => getWorkerPoolsSummary(space)) : Promise.resolve(undefined),
        want(options.deploymentTargets) ? optional({part: 'deployment-targets', space: space.space.Name}, () => listDeploymentTargets(space)) : Promise.resolve(undefined),
        // Pools and workers come from the reads beside it, so the usage read does not repeat them.
        options.usage ? optional({part: 'projects-and-processes', space: space.space.Name}, () => readUsageEstate(space, {pools: [], poolWorkers: new Map(), onUnavailable: options.onUnavailable, onNote})) : Promise.resolve(undefined),
      ])
      const usage = usageEstate ? computeUsage({...usageEstate, pools, poolWorkers: poolWorkerCounts(pools, workers)}) : undefined
      return {space: {Id: space.spaceId, Name: space.space.Name}, pools, workers, summary, deploymentTargets, usage}
    }),
  ])
  return {
    server: client.server,
    spaces: spaceSnapshots,
    builtInWorkerEnabled: features ? features.IsBuiltInWorkerEnabled === true : undefined,
    serverNodes: serverNodes?.map((n) => ({Id: n.Id, Name: n.Name})),
  }
}

/** Workers per pool, and how many Octopus would lease, from the space's worker list. */
function poolWorkerCounts(pools: Array<{Id: string}>, workers: Array<{WorkerPoolIds: string[]; IsDisabled: boolean; HealthStatus: string}>): Map<string, PoolWorkerCount> {
  const counts = new Map<string, PoolWorkerCount>(pools.map((p) => [p.Id, {Total: 0, Usable: 0}]))
  for (const worker of workers) {
    for (const poolId of worker.WorkerPoolIds ?? []) {
      const count = counts.get(poolId)
      if (!count) continue
      count.Total++
      if (isAvailable(worker as Parameters<typeof isAvailable>[0])) count.Usable++
    }
  }
  return counts
}
