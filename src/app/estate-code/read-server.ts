/**
 * What `estate export` and `estate plan` read of a server: per space its pools, workers, machine
 * policies, accounts and proxies (five list requests, whatever the estate's size), and once the
 * features document (the built-in worker). Accounts and proxies are read for their names only.
 */
import {mapBounded} from '../../text/concurrency.js'
import type {OctopusClient, SpaceContext} from '../../octopus/client.js'
import {OctopusApiError} from '../../octopus/errors.js'
import {getFeatures, listAccounts, listMachinePolicies, listProxies, listWorkerPools, listWorkers} from '../../octopus/repositories.js'
import type {ActualEstate, ActualSpace} from '../../domain/estate-file/diff.js'
import {SPACE_CONCURRENCY} from '../estate/spaces.js'
import {httpCause, type OnUnavailable} from '../unreadable-part.js'

export async function readSpaceEstate(space: SpaceContext): Promise<ActualSpace> {
  const [pools, workers, policies, accounts, proxies] = await Promise.all([
    listWorkerPools(space), listWorkers(space), listMachinePolicies(space), listAccounts(space), listProxies(space),
  ])
  return {Id: space.spaceId, Name: space.space.Name, pools, workers, policies: policies as unknown as ActualSpace['policies'], accounts, proxies}
}

export async function readActualEstate(client: OctopusClient, spaces: SpaceContext[], onUnavailable?: OnUnavailable): Promise<ActualEstate> {
  const [features, spaceEstates] = await Promise.all([
    getFeatures({client}).catch((error: unknown) => {
      // Only an administrator may read the features document: the rest of the estate is still read.
      if (error instanceof OctopusApiError && [401, 403, 404].includes(error.status)) {
        onUnavailable?.({part: 'built-in-worker-setting'}, httpCause(error.status))
        return undefined
      }
      throw error
    }),
    mapBounded(spaces, SPACE_CONCURRENCY, readSpaceEstate),
  ])
  return {spaces: spaceEstates, builtInWorkerEnabled: features ? features.IsBuiltInWorkerEnabled === true : undefined}
}
