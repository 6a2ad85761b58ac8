/** Choosing a lease source per space, and measuring what a poll costs (for `npm run bench`). */
import type {OctopusClient, SpaceContext} from '../octopus/client.js'
import {listWorkerTaskLeases} from '../octopus/repositories.js'
import {CliError, ExitCode} from '../errors.js'
import {ApiLeaseSource} from './api-source.js'
import {NameDirectory} from './directory.js'
import {LogLeaseSource} from './log-source.js'
import type {LeaseSource, LeaseSourceKind} from './types.js'

export type SourceChoice = 'auto' | LeaseSourceKind
export const SOURCE_CHOICES: SourceChoice[] = ['auto', 'api', 'logs']

/**
 * `auto` probes `/workertaskleases` (one request): the lease API where it exists, else task logs.
 * `api` on a server without it is a clear failure (exit 1).
 */
export async function chooseSourceKind(space: SpaceContext, choice: SourceChoice, debug?: (line: string) => void): Promise<LeaseSourceKind> {
  if (choice === 'logs') {
    debug?.(`lease source for ${space.spaceId}: logs (--source logs)`)
    return 'logs'
  }
  const probe = await listWorkerTaskLeases(space)
  if (probe === undefined) {
    if (choice === 'api') {
      throw new CliError(`--source api: the server (Octopus ${space.client.version}) has no worker task lease API (GET ${space.path('workertaskleases')} is 404).`, ExitCode.Failure, {
        hint: 'Use --source logs (or leave --source at auto) to follow leases through task logs.',
        code: 'no-lease-api',
      })
    }
    debug?.(`lease source for ${space.spaceId}: logs (GET ${space.path('workertaskleases')} is 404 on Octopus ${space.client.version})`)
    return 'logs'
  }
  debug?.(`lease source for ${space.spaceId}: api (GET ${space.path('workertaskleases')} answered)`)
  return 'api'
}

export function createLeaseSource(kind: LeaseSourceKind, space: SpaceContext, directory = new NameDirectory(space)): LeaseSource {
  return kind === 'api' ? new ApiLeaseSource(space, directory) : new LogLeaseSource(space, directory)
}

/**
 * HTTP requests each of `polls` consecutive polls of a started source makes — the benchmark's
 * "requests per poll". The client must be the one the source's space uses.
 */
export async function measureRequestsPerPoll(source: LeaseSource, client: OctopusClient, polls = 1): Promise<number[]> {
  const counts: number[] = []
  for (let i = 0; i < polls; i++) {
    const before = client.requestCount
    await source.poll()
    counts.push(client.requestCount - before)
  }
  return counts
}
