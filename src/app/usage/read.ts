/**
 * Reads what one space's usage is computed from. Cost per space, whatever the number of
 * projects: projects/all, deploymentprocesses (paged), runbooks/all, runbookProcesses (paged),
 * environments/all, channels/all, libraryvariablesets/all, variables/all (one request for every
 * project and library set), feeds/all; plus pools and their worker counts when the caller has not
 * read them (workerpools/all, workerpools/summary); plus lifecycles/all when some runbook takes its
 * environments from the project's lifecycles. Each version-controlled project costs one more
 * request (its process at the default branch), two when its variables are in git too. A server
 * without runbooks (before 2019.11) is asked for none.
 */
import {mapBounded} from '../../text/concurrency.js'
import type {SpaceContext} from '../../octopus/client.js'
import {getWorkerPoolsSummary, listWorkerPools} from '../../octopus/repositories.js'
import {
  getGitDeploymentProcess, getGitVariables, isNotFoundOrForbidden, listChannels, listDeploymentProcesses, listEnvironments, listFeeds,
  listLibraryVariableSets, listLifecycles, listProjects, listRunbookProcesses, listRunbooks, listVariableSets, serverHasRunbooks,
} from '../../octopus/usage-repositories.js'
import {isVersionControlled} from '../../domain/usage/resolve.js'
import {processFacts} from '../../domain/usage/process-facts.js'
import type {LifecycleFacts, NamedFacts, ProjectFacts} from '../../octopus/usage-types.js'
import {httpCause, type OnUnavailable, type UnreadablePart} from '../unreadable-part.js'
import type {GitReads, PoolWorkerCount, UsageEstate, UsagePoolFacts} from '../../domain/usage/types.js'

/** Version-controlled projects read at once (each is one or two requests to a git-backed route). */
const GIT_CONCURRENCY = 4

export interface ReadUsageOptions {
  /** Pools already read by the caller (then not read again). */
  pools?: UsagePoolFacts[]
  /** Worker counts per pool already known to the caller. */
  poolWorkers?: Map<string, PoolWorkerCount>
  /** Told about each optional part that could not be read. */
  onUnavailable?: OnUnavailable
  /** Told, once per space, facts about what was read (the server has no runbooks). */
  onNote?: (note: UsageReadNote) => void
}

/**
 * A fact the usage rests on, worth telling whoever reads it (src/views/usage-report.ts words it):
 * `no-runbooks`: the server predates runbooks, so only deployment processes were read.
 */
export type UsageReadNote = {kind: 'no-runbooks'}

/** The default branch of a version-controlled project, as a ref the git routes take. */
export function defaultGitRef(project: ProjectFacts): string {
  const branch = project.PersistenceSettings?.DefaultBranch?.trim() || 'main'
  return branch.startsWith('refs/') ? branch : `refs/heads/${branch}`
}

export async function readUsageEstate(space: SpaceContext, options: ReadUsageOptions = {}): Promise<UsageEstate> {
  const optional = async <T>(part: UnreadablePart, read: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await read()
    } catch (error) {
      if (isNotFoundOrForbidden(error)) {
        options.onUnavailable?.(part, httpCause(error.status))
        return fallback
      }
      throw error
    }
  }
  const hasRunbooks = serverHasRunbooks(space)
  if (!hasRunbooks) options.onNote?.({kind: 'no-runbooks'})
  const [pools, poolWorkers, projects, deploymentProcesses, runbooks, runbookProcesses, environments, channels, libraryVariableSets, feeds] = await Promise.all([
    options.pools ? Promise.resolve(options.pools) : listWorkerPools(space),
    options.poolWorkers ? Promise.resolve(options.poolWorkers) : readPoolWorkers(space, options),
    listProjects(space),
    // Reduced as they arrive to what the usage reads (scripts and packages left behind).
    listDeploymentProcesses(space, processFacts),
    listRunbooks(space),
    listRunbookProcesses(space, processFacts),
    listEnvironments(space),
    listChannels(space),
    listLibraryVariableSets(space),
    optional({part: 'feeds', space: space.space.Name}, () => listFeeds(space), [] as NamedFacts[]),
  ])
  const setIds = [
    ...projects.map((p) => p.VariableSetId),
    ...libraryVariableSets.map((l) => l.VariableSetId),
  ].filter((id): id is string => typeof id === 'string' && id !== '')
  const controlled = projects.filter(isVersionControlled)
  // Unread lifecycles leave such runbooks' environments unresolved (every environment counts), not the read failed.
  const needsLifecycles = runbooks.some((r) => (r.EnvironmentScope ?? '').toLowerCase() === 'fromprojectlifecycles')
  const [variableSets, gitReads, lifecycles] = await Promise.all([
    listVariableSets(space, setIds, () => options.onUnavailable?.({part: 'bulk-variables', space: space.space.Name}, {kind: 'no-bulk-variables-route'})),
    mapBounded(controlled, GIT_CONCURRENCY, (project) => readGit(space, project)),
    needsLifecycles ? optional({part: 'lifecycles', space: space.space.Name}, () => listLifecycles(space), undefined as LifecycleFacts[] | undefined) : Promise.resolve(undefined),
  ])
  return {
    space: {Id: space.spaceId, Name: space.space.Name},
    pools: pools.map(({Id, Name, IsDefault, WorkerPoolType}) => ({Id, Name, IsDefault, WorkerPoolType})),
    poolWorkers,
    projects,
    deploymentProcesses,
    runbooks,
    runbookProcesses,
    environments,
    channels,
    libraryVariableSets,
    variableSets,
    feeds,
    lifecycles,
    serverHasRunbooks: hasRunbooks,
    git: new Map(controlled.map((project, i) => [project.Id, gitReads[i]])),
  }
}

async function readPoolWorkers(space: SpaceContext, options: ReadUsageOptions): Promise<Map<string, PoolWorkerCount> | undefined> {
  try {
    const summary = await getWorkerPoolsSummary(space)
    const counts = new Map<string, PoolWorkerCount>()
    for (const entry of summary.WorkerPoolSummaries ?? []) {
      if (!entry?.WorkerPool?.Id) continue
      const health = (entry.MachineHealthStatusSummaries ?? {}) as Record<string, number | undefined>
      const total = entry.TotalMachines ?? 0
      // The summary counts disabled workers by health too and cannot say which are both: subtracting them gives a lower bound.
      const usable = Math.max(0, (health.Healthy ?? 0) + (health.HasWarnings ?? 0) - (entry.TotalDisabledMachines ?? 0))
      counts.set(entry.WorkerPool.Id, {Total: total, Usable: usable})
    }
    return counts
  } catch (error) {
    if (isNotFoundOrForbidden(error)) {
      options.onUnavailable?.({part: 'worker-pool-summary', space: space.space.Name}, httpCause(error.status))
      return undefined
    }
    throw error
  }
}

async function readGit(space: SpaceContext, project: ProjectFacts): Promise<GitReads> {
  const gitRef = defaultGitRef(project)
  try {
    const [process, variables] = await Promise.all([
      getGitDeploymentProcess(space, project, gitRef),
      project.PersistenceSettings?.ConversionState?.VariablesAreInGit ? getGitVariables(space, project, gitRef) : Promise.resolve(undefined),
    ])
    return {gitRef, process, variables}
  } catch (error) {
    // One unreadable repository must not hide the rest of the space: it is reported as a problem.
    if (error instanceof Error && 'status' in error) return {gitRef, error: error.message}
    throw error
  }
}
