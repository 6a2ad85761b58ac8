/** `pool usage`'s forms: tables of the rows or of the pools, CSV of either, the problems as lines for stderr. */
import {csvField} from '../ui/csv.js'
import {wrappedTable} from './wrapped-table.js'
import {wrapHelpText} from './help-text.js'
import {terminalSafe} from '../ui/safe.js'
import {plural} from '../text/wording.js'
import {isDynamicPool} from '../domain/pools.js'
import type {UsageProblem, UsageRow} from '../domain/usage/types.js'
import type {PoolUsageRequest, UsageReport} from '../app/usage/report.js'
import type {UsageReadNote} from '../app/usage/read.js'
import {NO_RUNBOOKS_NOTE} from '../domain/usage/summary.js'
import {jsonDocument, outputFormats, type Rendered, type ViewContext} from './format.js'

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
    row.IsDisabled ? 'step disabled' : '',
    row.ProjectDisabled ? 'project disabled' : '',
    row.BuiltInWorker ? 'built-in worker' : '',
    row.RunsOnWorker === 'likely' ? 'likely on a worker' : '',
    row.VersionControlled ? `git ${row.GitRef}` : '',
  ].filter(Boolean).join(', ')
}

/**
 * The rows of the pools asked for. On a terminal, one pool (in one space) is named once above the
 * table instead of on every row (`onePoolNamed`): the SPACE and POOL columns are left out and the
 * text columns get their room. Piped, the columns stay the same whatever was asked, for scripts.
 */
export function usageTable(report: UsageReport, withSpace: boolean, onePoolNamed = false): {head: string[]; rows: string[][]} {
  const onePool = onePoolNamed && report.Pools.length === 1
  const space = withSpace && !onePool
  const head = [...(space ? ['SPACE'] : []), ...(onePool ? [] : ['POOL']), 'PROJECT', 'PROCESS', 'STEP', 'VIA', 'ENVIRONMENTS', 'CONTAINER', 'NOTES']
  const rows = report.Usage.map((r) => [...(space ? [r.SpaceName] : []), ...(onePool ? [] : [r.PoolName]), r.ProjectName, where(r), stepAction(r), via(r), scope(r), container(r), notes(r)])
  return {head, rows}
}

/** The text columns of the rows table: names, all of them, so they wrap on a terminal rather than being cut. */
const USAGE_TEXT_COLUMNS = ['PROJECT', 'SPACE', 'POOL', 'PROCESS', 'STEP', 'VIA', 'ENVIRONMENTS', 'CONTAINER', 'NOTES']

/**
 * The summary of every pool. NOTES names what needs attention in words `check` uses: a pool
 * nothing uses (UNUSED), a used static pool with no worker (NO WORKERS, `check`'s
 * usage/pool-without-workers error: those steps fail), and disabled steps as steps.
 */
export function poolsTable(report: UsageReport, withSpace: boolean, withoutWorkers: ReadonlySet<string> = new Set()): {head: string[]; rows: Array<Array<string | number>>} {
  const head = [...(withSpace ? ['SPACE'] : []), 'POOL', 'DIRECT', 'VARIABLE', 'DEFAULT', 'PROJECTS', 'CONTAINERS', 'NOTES']
  const rows = report.Pools.map((p) => {
    const empty = withoutWorkers.has(`${p.SpaceId}|${p.PoolId}`) && !p.BuiltInWorker
    return [
      ...(withSpace ? [p.SpaceName] : []), p.PoolName, p.Direct, p.Variable, p.Default, p.Projects, p.Containers,
      [
        p.IsDefault ? 'default pool' : '',
        isDynamicPool(p) ? 'dynamic' : '',
        p.BuiltInWorker ? 'runs on the built-in worker (no workers)' : '',
        p.Unused ? 'UNUSED' : '',
        empty ? (p.Unused ? 'no workers' : 'NO WORKERS: its steps fail') : '',
        p.Disabled ? plural(p.Disabled, 'disabled step') : '',
      ].filter(Boolean).join(', '),
    ]
  })
  return {head, rows}
}

const USAGE_CSV_HEAD = ['SpaceId', 'SpaceName', 'PoolId', 'PoolName', 'ProjectId', 'ProjectName', 'ProcessType', 'ProcessName', 'StepName', 'ActionId', 'ActionName', 'ActionType',
  'Via', 'Variable', 'VariableSource', 'Environments', 'Channels', 'ExcludedEnvironments', 'IsDisabled', 'RunsOnWorker', 'BuiltInWorker', 'ContainerImage', 'ContainerFeed', 'VersionControlled', 'GitRef']

/**
 * One boolean spelling a file: `true`/`false`, as the flags are. RunsOnWorker's `yes` (the --json
 * value) is written `true` beside them; `likely` stays `likely`.
 */
export function usageCsv(report: UsageReport): string {
  const rows = report.Usage.map((r) => [r.SpaceId, r.SpaceName, r.PoolId, r.PoolName, r.ProjectId, r.ProjectName, r.ProcessType, r.ProcessName, r.StepName, r.ActionId, r.ActionName, r.ActionType,
    r.Via, r.Variable, r.VariableSource, (r.Environments ?? r.RestrictedToEnvironments).join('; '), (r.Channels ?? r.RestrictedToChannels).join('; '), r.ExcludedEnvironments.join('; '),
    r.IsDisabled, r.RunsOnWorker === 'yes' ? true : r.RunsOnWorker, r.BuiltInWorker, r.Container?.Image ?? r.Container?.Dockerfile ?? r.Container?.GitUrl ?? '', r.Container?.FeedName ?? r.Container?.FeedId ?? '', r.VersionControlled, r.GitRef])
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

/** What `pool usage`'s formats print: the report (with the run's request count, as --json shows it) and the request. */
export interface PoolUsageOutcome {
  report: UsageReport & {HttpRequests: number}
  request: PoolUsageRequest
  /** `SpaceId|PoolId` of the static pools with no worker. */
  poolsWithoutWorkers: string[]
}

/** The text forms' stdout: the rows of the pools named, or the summary of every pool. */
function usageTableText({report, request, poolsWithoutWorkers}: PoolUsageOutcome, {table}: ViewContext<PoolUsageOutcome>): string {
  if (!request.names.length) {
    const summary = poolsTable(report, request.withSpace, new Set(poolsWithoutWorkers))
    return wrappedTable(summary.head, summary.rows, {table, wrap: ['POOL', 'SPACE', 'NOTES']}).trimEnd()
  }
  if (report.Usage.length === 0) {
    return `No step ${request.environment ? `that runs in ${request.environment} ` : ''}uses ${report.Pools.map((p) => `'${terminalSafe(p.PoolName)}'`).join(', ')}.`
  }
  const only = table.isTTY && report.Pools.length === 1 ? report.Pools[0] : undefined
  const rows = usageTable(report, request.withSpace, only !== undefined)
  const heading = only ? `Pool '${terminalSafe(only.PoolName)}'${request.withSpace ? ` (space '${terminalSafe(only.SpaceName)}')` : ''}: ${plural(report.Usage.length, 'row')}\n` : ''
  return heading + wrappedTable(rows.head, rows.rows, {table, wrap: USAGE_TEXT_COLUMNS}).trimEnd()
}

/** The text forms' stderr: the problems found, then what the report cannot see. */
function problemsAndGaps({report}: PoolUsageOutcome, {paint, table}: ViewContext<PoolUsageOutcome>): string[] {
  const stderr: string[] = []
  if (report.Problems.length) {
    stderr.push(`${paint.yellow('Warning:')} ${plural(report.Problems.length, 'problem')} found:`)
    stderr.push(...problemLines(report.Problems))
  }
  stderr.push(`Note: ${report.Gaps.Note}`)
  // Prose wraps to the terminal (a continuation hangs under its line's text); piped, one line each.
  return table.isTTY ? stderr.flatMap((line) => wrapHelpText(line, table.width ?? 80).split('\n')) : stderr
}

function textForm(stdout: (result: PoolUsageOutcome, context: ViewContext<PoolUsageOutcome>) => string) {
  return (result: PoolUsageOutcome, context: ViewContext<PoolUsageOutcome>): Rendered => ({stdout: stdout(result, context), stderr: problemsAndGaps(result, context)})
}

export const POOL_USAGE_FORMATS = outputFormats<PoolUsageOutcome, ViewContext<PoolUsageOutcome>, 'table' | 'json' | 'csv'>({
  table: textForm(usageTableText),
  // The document holds the problems and the gaps itself: nothing on stderr.
  json: jsonDocument,
  csv: textForm(({report, request}) => (request.names.length ? usageCsv(report) : poolsCsv(report))),
}, {default: 'table'})

/**
 * The stderr line of a fact the usage rests on (`check`, `pool view`, `pool delete`). It holds no
 * server string; the commands write it through their note writer all the same.
 */
export function usageReadNoteLine(note: UsageReadNote): string {
  switch (note.kind) {
    case 'no-runbooks': return `Note: ${NO_RUNBOOKS_NOTE}.`
  }
}
