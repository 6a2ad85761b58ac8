/**
 * Reads what `check` and `builtin-worker` reason about, with a fixed number of requests whatever
 * the size of the estate: per space `workerpools/all`, `workers/all`, `workerpools/summary` and
 * `machines/all`; once per run the features document and the server nodes.
 */
import {mapBounded} from '../concurrency.js'
import {OctopusApiError, type OctopusClient, type SpaceContext} from '../octopus/client.js'
import {getFeatures, getWorkerPoolsSummary, listDeploymentTargets, listServerNodes, listWorkerPools, listWorkers} from '../octopus/repositories.js'
import type {Snapshot, SpaceSnapshot} from './types.js'

export interface SnapshotOptions {
  /** The pools summary (Tentacle/Calamari upgrades). Default true. */
  summary?: boolean
  /** Deployment targets, to compare with workers. Default true. */
  deploymentTargets?: boolean
  /** The features document (built-in worker flag). Default true. */
  features?: boolean
  /** Server nodes (HA). Default true. */
  serverNodes?: boolean
  /** Told about each optional part that could not be read. */
  onUnavailable?: (what: string, why: string) => void
}

const SPACE_CONCURRENCY = 8

/** Every space of the server with its links loaded (one request for the list, one per space). */
export async function allSpaceContexts(client: OctopusClient): Promise<SpaceContext[]> {
  const spaces = await client.listSpaces()
  return mapBounded(spaces, SPACE_CONCURRENCY, (space) => client.spaceContext(space))
}

export async function readSnapshot(client: OctopusClient, spaces: SpaceContext[], options: SnapshotOptions = {}): Promise<Snapshot> {
  const want = (flag: boolean | undefined) => flag !== false
  const optional = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read()
    } catch (error) {
      // Least-privilege keys may see workers but not targets or server settings: report the gap, check the rest.
      if (error instanceof OctopusApiError && [401, 403, 404].includes(error.status)) {
        options.onUnavailable?.(what, `HTTP ${error.status}`)
        return undefined
      }
      throw error
    }
  }
  const [features, serverNodes, spaceSnapshots] = await Promise.all([
    want(options.features) ? optional('features configuration', () => getFeatures({client})) : Promise.resolve(undefined),
    want(options.serverNodes) && spaces[0] ? optional('server nodes', () => listServerNodes(spaces[0])) : Promise.resolve(undefined),
    mapBounded(spaces, SPACE_CONCURRENCY, async (space): Promise<SpaceSnapshot> => {
      const [pools, workers, summary, deploymentTargets] = await Promise.all([
        listWorkerPools(space),
        listWorkers(space),
        want(options.summary) ? optional(`worker pool summary of ${space.space.Name}`, () => getWorkerPoolsSummary(space)) : Promise.resolve(undefined),
        want(options.deploymentTargets) ? optional(`deployment targets of ${space.space.Name}`, () => listDeploymentTargets(space)) : Promise.resolve(undefined),
      ])
      return {space: {Id: space.spaceId, Name: space.space.Name}, pools, workers, summary, deploymentTargets}
    }),
  ])
  return {
    server: client.server,
    spaces: spaceSnapshots,
    builtInWorkerEnabled: features ? features.IsBuiltInWorkerEnabled === true : undefined,
    serverNodes: serverNodes?.map((n) => ({Id: n.Id, Name: n.Name})),
  }
}
