/** Choosing a lease source per space. */
import type {SpaceContext} from '../../octopus/client.js'
import {CliError, ExitCode} from '../../text/errors.js'
import {ApiLeaseSource} from './api-source.js'
import {NameDirectory} from './directory.js'
import {readLeaseSnapshot} from './lease-api.js'
import {LogLeaseSource} from './log-source.js'
import {ReconciledLeaseSource} from './reconciled-source.js'
import type {LeaseSource, SourceKind} from '../../domain/leases/types.js'

export type SourceChoice = 'auto' | 'api' | 'logs'
export const SOURCE_CHOICES: SourceChoice[] = ['auto', 'api', 'logs']

/**
 * `auto` probes `/workertaskleases` (one request): where it exists, the lease API for liveness
 * reconciled with the logs of tasks as they complete (`api+logs`; for what is active now, the API
 * alone); else task logs alone.
 * `api` on a server without it is a clear failure (exit 1).
 */
export async function chooseSourceKind(space: SpaceContext, choice: SourceChoice, debug?: (line: string) => void, purpose: 'follow' | 'active-now' = 'follow'): Promise<SourceKind> {
  if (choice === 'logs') {
    debug?.(`lease source for ${space.spaceId}: logs (--source logs)`)
    return 'logs'
  }
  const probe = await readLeaseSnapshot(space)
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
  if (choice === 'api' || purpose === 'active-now') {
    // What is active NOW is exactly what the lease API lists: logs add nothing.
    debug?.(`lease source for ${space.spaceId}: api (${choice === 'api' ? '--source api; ' : ''}GET ${space.path('workertaskleases')} answered)`)
    return 'api'
  }
  debug?.(`lease source for ${space.spaceId}: api+logs (GET ${space.path('workertaskleases')} answered; task logs fill in leases no poll saw)`)
  return 'api+logs'
}

export function createLeaseSource(kind: SourceKind, space: SpaceContext, directory = new NameDirectory(space)): LeaseSource {
  if (kind === 'api') return new ApiLeaseSource(space, directory)
  if (kind === 'logs') return new LogLeaseSource(space, directory)
  return new ReconciledLeaseSource(space, directory)
}

/**
 * What each source reads and what it can miss: one wording for `leases tail`, `list` and
 * `report` (their help, and `Completeness` in list's and report's --json).
 */
export const COMPLETENESS: Record<SourceKind | 'list-api' | 'list-logs' | 'report', string> = {
  api: 'Reads the lease API (/workertaskleases) once per poll. Misses a lease that starts and ends between two polls; a release is timed when a poll first sees it gone.',
  logs: 'Reads the logs of tasks as they start and complete. Misses nothing a task log records; a lease ends at its step\'s (or task\'s) end as the log shows it, and a lease taken mid-task is reported when the task completes.',
  'api+logs': 'Reads the lease API once per poll for live leases, and the log of each task once when it completes: leases no poll saw are printed then, from the log (Source "logs"), with their real times. Misses nothing a task log records.',
  'list-api': 'Reads the lease API (/workertaskleases): the leases the server holds now, including stale ones it has not cleared. Misses nothing.',
  'list-logs': 'Reads the logs of the tasks executing now: a lease is active from its log line to the end of its step. Misses leases a log does not record (a task that logs no lease line).',
  report: 'Reads the completed tasks in the window and their logs. Misses leases of tasks still running or completed outside the window; a lease ends at its step\'s (or task\'s) end as the log shows it.',
}
