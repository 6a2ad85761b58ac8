/** The spaces `check`, `builtin-worker`, `pool usage` and `leases tail` read across. */
import {mapBounded} from '../../text/concurrency.js'
import type {OctopusClient, SpaceContext} from '../../octopus/client.js'

/** Spaces read at once, here and in the snapshot. */
export const SPACE_CONCURRENCY = 8

/** Every space of the server with its links loaded (one request for the list, one per space). */
export async function allSpaceContexts(client: OctopusClient): Promise<SpaceContext[]> {
  const spaces = await client.listSpaces()
  return mapBounded(spaces, SPACE_CONCURRENCY, (space) => client.spaceContext(space))
}
