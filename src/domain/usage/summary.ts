/** Per-pool figures for `pool usage` without a pool, `pool view` and `pool delete`. Pure. */
import type {SpaceUsage, UsageGaps, UsagePoolFacts, UsageRow} from './types.js'
import {workerPoolTypeOf} from '../pools.js'
import {plural} from '../../text/wording.js'

/**
 * Said once by every command whose answer rests on the usage, when the server's root links no
 * runbooks: a server before Octopus 2019.11 has none, so none is read and none is missed.
 */
export const NO_RUNBOOKS_NOTE = 'this Octopus Server has no runbooks (they arrived in Octopus 2019.11), so only deployment processes were read'

/** Said once per run: what this report cannot see. */
export function gapNote(gaps: UsageGaps): string {
  const parts = ['Frozen processes of releases and published runbook snapshots are not read (a pool removed from a process may still be needed to redeploy an old release)']
  if (gaps.VersionControlledProjects) parts.push(`${gaps.VersionControlledProjects} version-controlled project${gaps.VersionControlledProjects === 1 ? ' was' : 's were'} read on the default branch only`)
  if (gaps.RunbooksInGitProjects) parts.push(`runbooks in git (${plural(gaps.RunbooksInGitProjects, 'project')}) are not read`)
  if (!gaps.ServerHasRunbooks) parts.push(NO_RUNBOOKS_NOTE)
  if (gaps.UnresolvedRunbookScopes) {
    parts.push(`${gaps.UnresolvedRunbookScopes} runbook${gaps.UnresolvedRunbookScopes === 1 ? ' takes its' : 's take their'} environments from project lifecycles that could not be read: their steps are counted in every environment they allow (environments shown as 'project lifecycles (not resolved)')`)
  }
  if (gaps.TenantSuppliedActions) parts.push(`${gaps.TenantSuppliedActions} action${gaps.TenantSuppliedActions === 1 ? ' takes its' : 's take their'} pool from tenant-supplied values, which are not read`)
  return `${parts.join('; ')}.`
}

export interface PoolUsageSummary {
  SpaceId: string
  SpaceName: string
  PoolId: string
  PoolName: string
  IsDefault: boolean
  WorkerPoolType: string
  /** Distinct actions that reach the pool each way (an action counts once per way). */
  Direct: number
  Variable: number
  Default: number
  /** Of those, disabled actions. */
  Disabled: number
  Projects: number
  /** Distinct actions on the pool that run in an execution container. */
  Containers: number
  /** Steps resolved to this pool run on the built-in worker (default pool with no workers). */
  BuiltInWorker: boolean
  Unused: boolean
}

function actionKey(row: UsageRow): string {
  return `${row.ProjectId}|${row.RunbookId ?? ''}|${row.ActionId}`
}

/** A space's rows by the pool they run on, in their order: one pass, for callers that summarize every pool. */
export function rowsByPool(rows: readonly UsageRow[]): Map<string, UsageRow[]> {
  const byPool = new Map<string, UsageRow[]>()
  for (const row of rows) {
    const pool = byPool.get(row.PoolId)
    if (pool) pool.push(row)
    else byPool.set(row.PoolId, [row])
  }
  return byPool
}

/**
 * One pool's counts. `poolRows` (the pool's rows, as rowsByPool gives them) spares a scan of every
 * row of the space for each pool when a caller summarizes all of them; each action's key is built once.
 */
export function summarizePool(space: SpaceUsage, pool: UsagePoolFacts, poolRows?: readonly UsageRow[]): PoolUsageSummary {
  const rows = poolRows ?? space.rows.filter((r) => r.PoolId === pool.Id)
  const direct = new Set<string>()
  const variable = new Set<string>()
  const viaDefault = new Set<string>()
  const disabled = new Set<string>()
  const containers = new Set<string>()
  const projects = new Set<string>()
  let builtInWorker = false
  for (const row of rows) {
    const key = actionKey(row)
    if (row.Via === 'direct') direct.add(key)
    else if (row.Via === 'variable') variable.add(key)
    else if (row.Via === 'default') viaDefault.add(key)
    if (row.IsDisabled) disabled.add(key)
    if (row.Container !== null) containers.add(key)
    projects.add(row.ProjectId)
    if (row.BuiltInWorker) builtInWorker = true
  }
  return {
    SpaceId: space.space.Id,
    SpaceName: space.space.Name,
    PoolId: pool.Id,
    PoolName: pool.Name,
    IsDefault: pool.IsDefault,
    WorkerPoolType: workerPoolTypeOf(pool),
    Direct: direct.size,
    Variable: variable.size,
    Default: viaDefault.size,
    Disabled: disabled.size,
    Projects: projects.size,
    Containers: containers.size,
    BuiltInWorker: builtInWorker,
    Unused: rows.length === 0,
  }
}

/** Rows that make a pool unsafe to delete: actions that name it, directly or through a variable. */
export function blockingRows(space: SpaceUsage, poolId: string): UsageRow[] {
  return space.rows.filter((r) => r.PoolId === poolId && r.Via !== 'default')
}

/** "3 actions (2 direct, 1 via variable) in 2 projects" — one line for `pool view`. */
export function usageLine(summary: PoolUsageSummary): string {
  if (summary.Unused) return 'No deployment or runbook step uses this pool.'
  const actions = summary.Direct + summary.Variable + summary.Default
  const parts = [
    summary.Direct ? `${summary.Direct} direct` : '',
    summary.Variable ? `${summary.Variable} via variable` : '',
    summary.Default ? `${summary.Default} as the default pool` : '',
  ].filter(Boolean)
  const extras = [
    summary.Disabled ? `${summary.Disabled} of them disabled` : '',
    summary.Containers ? `${summary.Containers} in a container` : '',
    summary.BuiltInWorker ? 'they run on the built-in worker (no workers here)' : '',
  ].filter(Boolean)
  return `${plural(actions, 'action')} (${parts.join(', ')}) in ${plural(summary.Projects, 'project')}${extras.length ? `; ${extras.join('; ')}` : ''}.`
}

export interface ProjectOnPools {
  ProjectId: string
  ProjectName: string
  /** Distinct enabled actions of the project that run on the pools. */
  Actions: number
}

/**
 * The projects whose enabled steps run on any of these pools, in any way (direct, variable or
 * default): what a plan that drains or upgrades those pools' workers can name.
 */
export function projectsOnPools(space: SpaceUsage, poolIds: string[]): ProjectOnPools[] {
  const wanted = new Set(poolIds)
  const byProject = new Map<string, {name: string; actions: Set<string>}>()
  for (const row of space.rows) {
    if (!wanted.has(row.PoolId) || row.IsDisabled || row.ProjectDisabled) continue
    const entry = byProject.get(row.ProjectId) ?? {name: row.ProjectName, actions: new Set<string>()}
    entry.actions.add(actionKey(row))
    byProject.set(row.ProjectId, entry)
  }
  return [...byProject].map(([id, e]) => ({ProjectId: id, ProjectName: e.name, Actions: e.actions.size})).sort((a, b) => a.ProjectName.localeCompare(b.ProjectName))
}
