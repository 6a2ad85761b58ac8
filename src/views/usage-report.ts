/**
 * `pool usage`: reads each space (read.ts), resolves its actions (resolve.ts), and builds the
 * report the command prints: the rows for the pools asked for, or a summary of every pool.
 */
import {mapBounded} from '../text/concurrency.js'
import {notFoundError} from '../text/errors.js'
import type {SpaceContext} from '../octopus/client.js'
import {closeMatches} from '../text/fuzzy.js'
import {findAllByNameOrId} from '../octopus/names.js'
import {csvField} from '../ui/csv.js'
import {readUsageEstate, type ReadUsageOptions} from '../app/usage/read.js'
import {computeUsage, rowAppliesIn} from '../domain/usage/resolve.js'
import {RUNS_ON_WORKER_HELP} from '../domain/usage/runs-on-worker.js'
import {NO_RUNBOOKS_NOTE, summarizePool, type PoolUsageSummary} from '../domain/usage/summary.js'
import type {NamedFacts} from '../octopus/usage-types.js'
import type {SpaceUsage, UsageEstate, UsageGaps, UsagePoolFacts, UsageProblem, UsageRow} from '../domain/usage/types.js'
import {isDynamicPool} from '../domain/pools.js'

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
    for (const pool of estate.pools) {
      if (wanted && !wanted.has(pool.Id + '|' + estate.space.Id)) continue
      pools.push(summarizePool(scoped, pool))
      rows.push(...scoped.rows.filter((r) => r.PoolId === pool.Id))
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

/** Said once per run: what this report cannot see. */
export function gapNote(gaps: UsageGaps): string {
  const parts = ['Frozen processes of releases and published runbook snapshots are not read (a pool removed from a process may still be needed to redeploy an old release)']
  if (gaps.VersionControlledProjects) parts.push(`${gaps.VersionControlledProjects} version-controlled project${gaps.VersionControlledProjects === 1 ? ' was' : 's were'} read on the default branch only`)
  if (gaps.RunbooksInGitProjects) parts.push(`runbooks in git (${gaps.RunbooksInGitProjects} project${gaps.RunbooksInGitProjects === 1 ? '' : 's'}) are not read`)
  if (!gaps.ServerHasRunbooks) parts.push(NO_RUNBOOKS_NOTE)
  if (gaps.UnresolvedRunbookScopes) {
    parts.push(`${gaps.UnresolvedRunbookScopes} runbook${gaps.UnresolvedRunbookScopes === 1 ? ' takes its' : 's take their'} environments from project lifecycles that could not be read: their steps are counted in every environment they allow (environments shown as 'project lifecycles (not resolved)')`)
  }
  if (gaps.TenantSuppliedActions) parts.push(`${gaps.TenantSuppliedActions} action${gaps.TenantSuppliedActions === 1 ? ' takes its' : 's take their'} pool from tenant-supplied values, which are not read`)
  return `${parts.join('; ')}.`
}

// ---- rendering ----------------------------------------------------------------------------------

function where(row: UsageRow): string {
  return row.ProcessType === 'Runbook' ? `runbook: ${row.ProcessName}` : 'deployment'
}

function stepAction(row: UsageRow): string {
  return row.ActionName === row.StepName ? row.StepName : `${row.StepName} / ${row.ActionName}`
}

function via(row: UsageRow): string {
  if (row.Via === 'variable') return `variable ${row.Variable}${row.VariableSource && row.VariableSource !== 'project' ? ` (${row.VariableSource})` : ''}`
  return row.Via
}

function scope(row: UsageRow): string {
  const parts: string[] = []
  if (row.Environments) parts.push(row.Environments.length ? row.Environments.join(', ') : 'none')
  else if (!row.EnvironmentsResolved) parts.push(`project lifecycles (not resolved)${row.RestrictedToEnvironments.length ? `; only ${row.RestrictedToEnvironments.join(', ')}` : ''}`)
  else if (row.RestrictedToEnvironments.length) parts.push(row.RestrictedToEnvironments.join(', '))
  else parts.push('all')
  if (row.ExcludedEnvironments.length) parts.push(`not ${row.ExcludedEnvironments.join(', ')}`)
  const channels = row.Channels ?? row.RestrictedToChannels
  if (channels.length) parts.push(`channels ${channels.join(', ')}`)
  return parts.join('; ')
}

function container(row: UsageRow): string {
  if (!row.Container) return '-'
  const c = row.Container
  const what = c.Image ?? (c.Dockerfile ? 'Dockerfile' : c.GitUrl ?? '')
  return c.FeedName ? `${what} (${c.FeedName})` : what
}

function notes(row: UsageRow): string {
  return [
    row.IsDisabled ? 'disabled' : '',
    row.ProjectDisabled ? 'project disabled' : '',
    row.BuiltInWorker ? 'built-in worker' : '',
    row.RunsOnWorker === 'likely' ? 'likely on a worker' : '',
    row.VersionControlled ? `git ${row.GitRef}` : '',
  ].filter(Boolean).join(', ')
}

export function usageTable(report: UsageReport, withSpace: boolean): {head: string[]; rows: string[][]} {
  const head = [...(withSpace ? ['SPACE'] : []), 'POOL', 'PROJECT', 'PROCESS', 'STEP', 'VIA', 'ENVIRONMENTS', 'CONTAINER', 'NOTES']
  const rows = report.Usage.map((r) => [...(withSpace ? [r.SpaceName] : []), r.PoolName, r.ProjectName, where(r), stepAction(r), via(r), scope(r), container(r), notes(r)])
  return {head, rows}
}

export function poolsTable(report: UsageReport, withSpace: boolean): {head: string[]; rows: Array<Array<string | number>>} {
  const head = [...(withSpace ? ['SPACE'] : []), 'POOL', 'DIRECT', 'VARIABLE', 'DEFAULT', 'PROJECTS', 'CONTAINERS', 'NOTES']
  const rows = report.Pools.map((p) => [
    ...(withSpace ? [p.SpaceName] : []), p.PoolName, p.Direct, p.Variable, p.Default, p.Projects, p.Containers,
    [p.IsDefault ? 'default pool' : '', isDynamicPool(p) ? 'dynamic' : '', p.BuiltInWorker ? 'runs on the built-in worker (no workers)' : '', p.Unused ? 'UNUSED' : '', p.Disabled ? `${p.Disabled} disabled` : '']
      .filter(Boolean).join(', '),
  ])
  return {head, rows}
}

const USAGE_CSV_HEAD = ['SpaceId', 'SpaceName', 'PoolId', 'PoolName', 'ProjectId', 'ProjectName', 'ProcessType', 'ProcessName', 'StepName', 'ActionId', 'ActionName', 'ActionType',
  'Via', 'Variable', 'VariableSource', 'Environments', 'Channels', 'ExcludedEnvironments', 'IsDisabled', 'RunsOnWorker', 'BuiltInWorker', 'ContainerImage', 'ContainerFeed', 'VersionControlled', 'GitRef']

export function usageCsv(report: UsageReport): string {
  const rows = report.Usage.map((r) => [r.SpaceId, r.SpaceName, r.PoolId, r.PoolName, r.ProjectId, r.ProjectName, r.ProcessType, r.ProcessName, r.StepName, r.ActionId, r.ActionName, r.ActionType,
    r.Via, r.Variable, r.VariableSource, (r.Environments ?? r.RestrictedToEnvironments).join('; '), (r.Channels ?? r.RestrictedToChannels).join('; '), r.ExcludedEnvironments.join('; '),
    r.IsDisabled, r.RunsOnWorker, r.BuiltInWorker, r.Container?.Image ?? r.Container?.Dockerfile ?? r.Container?.GitUrl ?? '', r.Container?.FeedName ?? r.Container?.FeedId ?? '', r.VersionControlled, r.GitRef])
  return [USAGE_CSV_HEAD, ...rows].map((r) => r.map((v) => csvField(v === null || typeof v === 'boolean' ? (v === null ? null : String(v)) : v)).join(',')).join('\n') + '\n'
}

const POOLS_CSV_HEAD = ['SpaceId', 'SpaceName', 'PoolId', 'PoolName', 'IsDefault', 'WorkerPoolType', 'Direct', 'Variable', 'Default', 'Disabled', 'Projects', 'Containers', 'BuiltInWorker', 'Unused']

export function poolsCsv(report: UsageReport): string {
  const rows = report.Pools.map((p) => [p.SpaceId, p.SpaceName, p.PoolId, p.PoolName, p.IsDefault, p.WorkerPoolType, p.Direct, p.Variable, p.Default, p.Disabled, p.Projects, p.Containers, p.BuiltInWorker, p.Unused])
  return [POOLS_CSV_HEAD, ...rows].map((r) => r.map((v) => csvField(typeof v === 'boolean' ? String(v) : v)).join(',')).join('\n') + '\n'
}

/** Problems as short lines for stderr, at most `limit` of them. */
export function problemLines(problems: UsageProblem[], limit = 10): string[] {
  const lines = problems.slice(0, limit).map((p) => `  ${p.SpaceName}: ${p.Message}${p.IsDisabled ? ' (the step is disabled)' : ''}`)
  if (problems.length > limit) lines.push(`  ... and ${problems.length - limit} more (see --json).`)
  return lines
}

/** `pool usage`'s result: the report, and what the text forms need to know about the request. */
export interface PoolUsageResult {
  report: UsageReport
  /** Pool names or IDs given (none: the summary of every pool). */
  names: string[]
  environment?: string
  /** More than one space was read: tables get a SPACE column. */
  withSpace: boolean
}

/**
 * `pool usage`: reads the usage of the spaces (a fixed number of requests each), selects the
 * named pools (unknown: exit 4) and builds the report.
 */
export async function poolUsage(spaces: SpaceContext[], options: {names: string[]; environment?: string} & ReadUsageOptions): Promise<PoolUsageResult> {
  const collected = await collectUsage(spaces, {onUnavailable: options.onUnavailable})
  const pools = options.names.length ? selectPools(collected, options.names) : undefined
  const report = buildReport(collected, {pools, environment: options.environment})
  return {report, names: options.names, environment: options.environment, withSpace: spaces.length > 1}
}
