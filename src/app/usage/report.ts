/**
 * `pool usage`: reads each space (read.ts), resolves its actions (src/domain/usage/resolve.ts), and
 * builds the report the command prints (src/views/usage-report.ts): the rows for the pools asked
 * for, or a summary of every pool.
 */
import {mapBounded} from '../../text/concurrency.js'
import {notFoundError} from '../../text/errors.js'
import {isDynamicPool} from '../../domain/pools.js'
import type {SpaceContext} from '../../octopus/client.js'
import {closeMatches} from '../../text/fuzzy.js'
import {findAllByNameOrId} from '../../octopus/names.js'
import {readUsageEstate, type ReadUsageOptions} from './read.js'
import {computeUsage, rowAppliesIn} from '../../domain/usage/resolve.js'
import {RUNS_ON_WORKER_HELP} from '../../domain/usage/runs-on-worker.js'
import {gapNote, rowsByPool, summarizePool, type PoolUsageSummary} from '../../domain/usage/summary.js'
import type {NamedFacts} from '../../octopus/usage-types.js'
import type {SpaceUsage, UsageEstate, UsageGaps, UsagePoolFacts, UsageProblem, UsageRow} from '../../domain/usage/types.js'

export interface CollectedSpace {
  estate: UsageEstate
  usage: SpaceUsage
}

const SPACE_CONCURRENCY = 4

export async function collectUsage(spaces: SpaceContext[], options: ReadUsageOptions = {}): Promise<CollectedSpace[]> {
  return mapBounded(spaces, SPACE_CONCURRENCY, async (space) => {
    const estate = await readUsageEstate(space, options)
    return {estate, usage: computeUsage(estate)}
  })
}

export interface SelectedPool {
  space: NamedFacts
  pool: UsagePoolFacts
}

/**
 * The pools named, by ID or name (case-insensitive), in any of the spaces read (a name may match
 * one pool per space). Every name is resolved first; unknown ones are exit 4 naming close matches.
 */
export function selectPools(collected: CollectedSpace[], inputs: string[]): SelectedPool[] {
  const all = collected.flatMap(({estate}) => estate.pools.map((pool) => ({space: estate.space, pool})))
  const selected: SelectedPool[] = []
  const missing: string[] = []
  for (const input of inputs) {
    const wanted = input.trim().toLowerCase()
    const matches = all.filter(({pool}) => pool.Id.toLowerCase() === wanted || pool.Name.toLowerCase() === wanted)
    if (matches.length === 0) missing.push(input)
    for (const match of matches) if (!selected.some((s) => s.pool === match.pool)) selected.push(match)
  }
  // The shared resolver words the error (close matches, one or several names).
  if (missing.length) findAllByNameOrId(all.map(({pool}) => pool), missing, 'worker pool')
  return selected
}

/** The environment named, per space (by ID or name); exit 4 when no space read has it. */
export function selectEnvironment(collected: CollectedSpace[], input: string): Map<string, NamedFacts> {
  const wanted = input.trim().toLowerCase()
  const found = new Map<string, NamedFacts>()
  for (const {estate} of collected) {
    const match = estate.environments.find((e) => e.Id.toLowerCase() === wanted || e.Name.toLowerCase() === wanted)
    if (match) found.set(estate.space.Id, match)
  }
  if (found.size === 0) {
    const names = [...new Set(collected.flatMap(({estate}) => estate.environments.map((e) => e.Name)))]
    const close = closeMatches(input, names)
    throw notFoundError(`Environment '${input}' not found.${close.length ? ` Did you mean: ${close.map((c) => `'${c}'`).join(', ')}?` : ''} Environments: ${names.join(', ') || '(none)'}.`, {
      details: {kind: 'environment', input, candidates: names},
    })
  }
  return found
}

export interface UsageReport {
  Spaces: NamedFacts[]
  /** One summary per pool of the spaces read (or per pool asked for). */
  Pools: PoolUsageSummary[]
  /** Every action on the pools asked for (every pool when none was named). */
  Usage: UsageRow[]
  Problems: UsageProblem[]
  Gaps: UsageGaps & {Note: string}
  Environment: string | null
  RunsOnWorkerRule: string
}

export function buildReport(collected: CollectedSpace[], options: {pools?: SelectedPool[]; environment?: string}): UsageReport {
  const environments = options.environment ? selectEnvironment(collected, options.environment) : undefined
  const wanted = options.pools?.length ? new Set(options.pools.map((p) => p.pool.Id + '|' + p.space.Id)) : undefined
  const pools: PoolUsageSummary[] = []
  const rows: UsageRow[] = []
  const problems: UsageProblem[] = []
  for (const {estate, usage} of collected) {
    const environment = environments?.get(estate.space.Id)
    // With --environment, a space without it contributes nothing.
    if (environments && !environment) continue
    const scoped: SpaceUsage = environment
      ? {...usage, rows: usage.rows.filter((r) => rowAppliesIn(r, environment)), problems: usage.problems.filter((p) => p.Environments.length === 0 || p.Environments.includes(environment.Name))}
      : usage
    const byPool = rowsByPool(scoped.rows)
    for (const pool of estate.pools) {
      if (wanted && !wanted.has(pool.Id + '|' + estate.space.Id)) continue
      const poolRows = byPool.get(pool.Id) ?? []
      pools.push(summarizePool(scoped, pool, poolRows))
      for (const row of poolRows) rows.push(row)
    }
    problems.push(...scoped.problems)
  }
  const gaps = sumGaps(collected.map((c) => c.usage.gaps))
  return {
    Spaces: collected.map((c) => c.estate.space),
    Pools: pools,
    Usage: rows,
    Problems: problems,
    Gaps: {...gaps, Note: gapNote(gaps)},
    Environment: options.environment ?? null,
    RunsOnWorkerRule: RUNS_ON_WORKER_HELP,
  }
}

function sumGaps(all: UsageGaps[]): UsageGaps {
  return {
    VersionControlledProjects: all.reduce((n, g) => n + g.VersionControlledProjects, 0),
    RunbooksInGitProjects: all.reduce((n, g) => n + g.RunbooksInGitProjects, 0),
    TenantSuppliedActions: all.reduce((n, g) => n + g.TenantSuppliedActions, 0),
    SnapshotsRead: false,
    ServerHasRunbooks: all.every((g) => g.ServerHasRunbooks),
    UnresolvedRunbookScopes: all.reduce((n, g) => n + g.UnresolvedRunbookScopes, 0),
  }
}

/** What `pool usage` was asked, which its text forms need and its --json document leaves out. */
export interface PoolUsageRequest {
  /** Pool names or IDs given (none: the summary of every pool). */
  names: string[]
  environment?: string
  /** More than one space was read: tables get a SPACE column. */
  withSpace: boolean
}

/** `pool usage`'s result: the report (its --json document, in Octopus's PascalCase) and the request, kept apart. */
export interface PoolUsageResult {
  report: UsageReport
  request: PoolUsageRequest
  /** `SpaceId|PoolId` of each static pool that holds no worker (text forms only: --json has no worker counts). */
  poolsWithoutWorkers: string[]
}

/** Static pools with no worker registered (a pool whose workers were not counted is left out: unknown is not empty). */
export function poolsWithoutWorkers(collected: CollectedSpace[]): string[] {
  return collected.flatMap(({estate}) => estate.pools
    .filter((pool) => !isDynamicPool(pool) && estate.poolWorkers?.get(pool.Id)?.Total === 0)
    .map((pool) => `${estate.space.Id}|${pool.Id}`))
}

/**
 * `pool usage`: reads the usage of the spaces (a fixed number of requests each), selects the
 * named pools (unknown: exit 4) and builds the report.
 */
export async function poolUsage(spaces: SpaceContext[], options: {names: string[]; environment?: string} & ReadUsageOptions): Promise<PoolUsageResult> {
  const collected = await collectUsage(spaces, {onUnavailable: options.onUnavailable})
  const pools = options.names.length ? selectPools(collected, options.names) : undefined
  const report = buildReport(collected, {pools, environment: options.environment})
  return {report, request: {names: options.names, environment: options.environment, withSpace: spaces.length > 1}, poolsWithoutWorkers: poolsWithoutWorkers(collected)}
}
