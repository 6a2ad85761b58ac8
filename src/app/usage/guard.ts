/**
 * `pool delete` and `pool view`: what the usage of a space says about one pool. Deleting a pool
 * that steps name (directly or through a pool variable) breaks them: "it's up to you to take care
 * to avoid deleting any worker pools" that processes use (Octopus docs), and a step whose pool is
 * gone fails. Steps that only reach the pool as the default are not counted: the default pool
 * cannot be deleted.
 */
import {CliError, ExitCode} from '../../text/errors.js'
import type {SpaceContext} from '../../octopus/client.js'
import {isNotFoundOrForbidden} from '../../octopus/usage-repositories.js'
import {readUsageEstate, type UsageReadNote} from './read.js'
import {computeUsage} from '../../domain/usage/resolve.js'
import {shellQuote} from '../../text/shell.js'
import {blockingRows, summarizePool, type PoolUsageSummary} from '../../domain/usage/summary.js'
import type {SpaceUsage, UsagePoolFacts, UsageRow} from '../../domain/usage/types.js'

/** How many steps a refusal names before it says "and N more". */
export const NAMED_STEPS_LIMIT = 5

export interface PoolInUse {
  pool: UsagePoolFacts
  rows: UsageRow[]
}

function distinctActions(rows: UsageRow[]): UsageRow[] {
  const seen = new Map<string, UsageRow>()
  for (const row of rows) {
    const key = `${row.ProjectId}|${row.RunbookId ?? ''}|${row.ActionId}`
    if (!seen.has(key)) seen.set(key, row)
  }
  return [...seen.values()]
}

export function poolsInUse(usage: SpaceUsage, targets: UsagePoolFacts[]): PoolInUse[] {
  return targets.map((pool) => ({pool, rows: distinctActions(blockingRows(usage, pool.Id))})).filter((p) => p.rows.length > 0)
}

function describe(row: UsageRow): string {
  const process = row.ProcessType === 'Runbook' ? `runbook '${row.ProcessName}'` : 'deployment'
  const how = row.Via === 'variable' ? `via ${row.Variable}` : 'direct'
  return `'${row.StepName}' (${row.ProjectName}, ${process}, ${how}${row.IsDisabled ? ', disabled' : ''})`
}

/** Exit 5 when steps use a pool being deleted, naming up to NAMED_STEPS_LIMIT of them and the count. */
export function refusePoolsInUse(inUse: PoolInUse[], bin: string, spaceName: string): void {
  if (inUse.length === 0) return
  const parts = inUse.map(({pool, rows}) => {
    const named = rows.slice(0, NAMED_STEPS_LIMIT).map(describe).join(', ')
    const more = rows.length > NAMED_STEPS_LIMIT ? ` and ${rows.length - NAMED_STEPS_LIMIT} more` : ''
    return `${rows.length} step action${rows.length === 1 ? ' uses' : 's use'} '${pool.Name}': ${named}${more}`
  })
  const first = inUse[0].pool.Name
  throw new CliError(`${parts.join('; ')}. Deleting ${inUse.length === 1 ? 'it' : 'them'} would make those steps fail; nothing was deleted.`, ExitCode.Unsafe, {
    hint: `See every use with \`${bin} pool usage ${shellQuote(first)} --space ${shellQuote(spaceName)}\`; move those steps to another pool first, or pass --force to delete anyway.`,
    code: 'pool-in-use',
    details: {pools: inUse.map(({pool, rows}) => ({Id: pool.Id, Name: pool.Name, Actions: rows.length, Steps: rows.slice(0, NAMED_STEPS_LIMIT).map((r) => ({Project: r.ProjectName, Process: r.ProcessName, Step: r.StepName, Via: r.Via, Variable: r.Variable, IsDisabled: r.IsDisabled}))}))},
  })
}

/** When the projects cannot be read, deleting blind is refused too (exit 5), unless --force. */
export function refuseUnknownUsage(why: string, bin: string): never {
  throw new CliError(`Cannot tell whether any step uses the pool: ${why}. Nothing was deleted.`, ExitCode.Unsafe, {
    hint: `Use a key that can read projects (ProjectView), check with \`${bin} pool usage\`, or pass --force to delete without this check.`,
    code: 'pool-usage-unknown',
  })
}

/**
 * Reads the space's usage (a fixed number of requests) and refuses (exit 5) to delete pools that
 * steps use, or any pool when the projects cannot be read.
 */
export async function refuseDeletingPoolsInUse(space: SpaceContext, targets: UsagePoolFacts[], bin: string, onNote?: (note: UsageReadNote) => void): Promise<void> {
  let usage: SpaceUsage
  try {
    usage = computeUsage(await readUsageEstate(space, {onNote}))
  } catch (error) {
    if (isNotFoundOrForbidden(error)) refuseUnknownUsage(`the projects could not be read (HTTP ${error.status})`, bin)
    throw error
  }
  refusePoolsInUse(poolsInUse(usage, targets), bin, space.space.Name)
}

/** `pool view`'s usage figures for one pool, or why they could not be read. */
export async function readPoolUsage(space: SpaceContext, pool: UsagePoolFacts, onNote?: (note: UsageReadNote) => void): Promise<{summary: PoolUsageSummary} | {unavailable: string}> {
  try {
    return {summary: summarizePool(computeUsage(await readUsageEstate(space, {onNote})), pool)}
  } catch (error) {
    if (isNotFoundOrForbidden(error)) return {unavailable: `the projects could not be read (HTTP ${error.status})`}
    throw error
  }
}
