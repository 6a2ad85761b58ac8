/** Rows and lines for the `pool` commands: list, view, create, delete (pure: the commands print them). */
import type {WorkerPoolResource} from '../octopus/types.js'
import {isDynamicPool, poolTypeFlag} from '../domain/pools.js'
import {HEALTH_STATUSES} from '../domain/availability.js'
import type {PoolWithCounts, WorkerCounts} from '../app/pools/counts.js'
import type {PoolWorkerSummary} from '../app/pools/view.js'
import type {PoolDeleteImpact} from '../app/pools/delete.js'
import {workerTypeLabel, workerTypeText} from '../domain/workers/endpoint-facts.js'
import {fallsBackToBuiltinWorker} from '../domain/builtin-worker.js'
import {shellQuote} from '../text/shell.js'
import {nounFor, plural, shortList} from '../text/wording.js'
import stringWidth from 'string-width'
import {terminalSafe} from '../ui/safe.js'
import {renderTable, type TableOptions} from '../ui/table.js'
import {wrapHelpText} from './help-text.js'
import {minimalTableWidth, naturalTableWidth, wrappedTable} from './wrapped-table.js'

/**
 * Every worker is in exactly one count column: DISABLED, or (enabled) its health. So HEALTHY +
 * WARNINGS + UNHEALTHY + UNAVAILABLE + UNKNOWN + DISABLED = WORKERS; AVAILABLE (what Octopus
 * leases: enabled, Healthy or HasWarnings) = HEALTHY + WARNINGS. Counts that must add up are
 * numeric columns of their own, never one text cell a narrow terminal would cut.
 */
export const POOL_LIST_HEAD = ['NAME', 'TYPE', 'DEFAULT', 'WORKERS', 'AVAILABLE', 'HEALTHY', 'WARNINGS', 'UNHEALTHY', 'UNAVAILABLE', 'UNKNOWN', 'DISABLED']

/** `pool list --all-spaces`: the same columns after the space's name. */
export const POOL_LIST_ALL_SPACES_HEAD = ['SPACE', ...POOL_LIST_HEAD]

/** One table row per pool (POOL_LIST_HEAD). Dynamic pools have no registered workers: their counts read n/a. */
export function poolListRow({pool, counts}: PoolWithCounts): string[] {
  const type = poolTypeFlag(pool.WorkerPoolType)
  const dynamic = isDynamicPool(pool)
  const count = (n: number) => (dynamic ? 'n/a' : String(n))
  return [
    pool.Name,
    dynamic && pool.WorkerType ? `${type} (${pool.WorkerType})` : type,
    pool.IsDefault ? 'yes' : 'no',
    count(counts.Total),
    count(counts.Available),
    ...HEALTH_STATUSES.map((s) => count(counts[s])),
    count(counts.Disabled),
  ]
}

/** A pool of `pool list`, with the space it is in. */
export type PoolListEntry = PoolWithCounts & {spaceName: string}

/**
 * How the table gives way in a terminal too narrow for every column, each step keeping the ones
 * before it: AVAILABLE goes first (it is HEALTHY + WARNINGS), then a dynamic pool's worker type,
 * then DEFAULT (the default pool is named under the table), then the longest count headings are
 * shortened, then TYPE goes (dynamic pools are named under the table). A name is never cut: when
 * even that is too wide, the names wrap under their rows, and only when the wrapped table is still
 * too wide does WORKERS go too (it is the sum of the count columns beside it).
 */
const NARROWING_STEPS: Array<{drop: string[]; shortType: boolean; shortHeads: boolean}> = [
  {drop: [], shortType: false, shortHeads: false},
  {drop: ['AVAILABLE'], shortType: false, shortHeads: false},
  {drop: ['AVAILABLE'], shortType: true, shortHeads: false},
  {drop: ['AVAILABLE', 'DEFAULT'], shortType: true, shortHeads: false},
  {drop: ['AVAILABLE', 'DEFAULT'], shortType: true, shortHeads: true},
  {drop: ['AVAILABLE', 'DEFAULT', 'TYPE'], shortType: true, shortHeads: true},
  {drop: ['AVAILABLE', 'DEFAULT', 'TYPE', 'WORKERS'], shortType: true, shortHeads: true},
]
/** The steps from which names may wrap: only once every column that says little is gone. */
const WRAP_FROM = 5
const SHORT_HEADS: Record<string, string> = {WARNINGS: 'WARN', UNAVAILABLE: 'UNAVAIL'}

/**
 * `pool list` as text: piped (or with `wide`), every column, tab-separated when piped; on a
 * terminal, the first narrowing step whose table fits, and a line under it that names what the
 * left-out columns said and how to see them.
 */
export function poolListText(pools: PoolListEntry[], opts: {allSpaces: boolean; wide: boolean; table: TableOptions}): string {
  const fullHead = opts.allSpaces ? POOL_LIST_ALL_SPACES_HEAD : POOL_LIST_HEAD
  const fullRows = pools.map((p) => [...(opts.allSpaces ? [p.spaceName] : []), ...poolListRow(p)])
  const wrap = ['NAME', 'SPACE']
  if (!opts.table.isTTY || opts.wide) return renderTable(fullHead, fullRows, {...opts.table, keep: fullHead})
  const width = opts.table.width ?? 80
  const layouts = NARROWING_STEPS.map((step) => {
    const keep = fullHead.map((h) => !step.drop.includes(h))
    const typeAt = fullHead.indexOf('TYPE')
    const rows = fullRows.map((row) => row.map((cell, i) => (i === typeAt && step.shortType ? cell.replace(/ \(.*\)$/, '') : cell)).filter((_, i) => keep[i]))
    const head = fullHead.filter((_, i) => keep[i]).map((h) => (step.shortHeads ? SHORT_HEADS[h] ?? h : h))
    return {step, head, rows}
  })
  const chosen = layouts.slice(0, WRAP_FROM + 1).find((l) => naturalTableWidth(l.head, l.rows) <= width) ??
    layouts.slice(WRAP_FROM).find((l) => minimalTableWidth(l.head, l.rows, wrap) <= width) ?? layouts.at(-1)!
  const table = wrappedTable(chosen.head, chosen.rows, {table: opts.table, wrap})
  const notes = leftOutNotes(pools, chosen.step, opts.allSpaces)
  return notes.length ? `${table}\n${wrapHelpText(notes.join(' '), width)}\n` : table
}

/** What the dropped columns said, in words: the default pools, the dynamic ones, and --wide. */
function leftOutNotes(pools: PoolListEntry[], step: {drop: string[]; shortType: boolean}, allSpaces: boolean): string[] {
  const name = (p: PoolListEntry, ...more: string[]) => {
    const detail = [...(allSpaces ? [p.spaceName] : []), ...more].map(terminalSafe)
    return `'${terminalSafe(p.pool.Name)}'${detail.length ? ` (${detail.join(', ')})` : ''}`
  }
  const notes: string[] = []
  if (step.drop.includes('DEFAULT')) {
    const defaults = pools.filter((p) => p.pool.IsDefault)
    if (defaults.length) notes.push(`Default ${nounFor(defaults.length, 'pool')}: ${defaults.map((p) => name(p)).join(', ')}.`)
  }
  if (step.drop.includes('TYPE')) {
    const dynamic = pools.filter((p) => isDynamicPool(p.pool))
    if (dynamic.length) notes.push(`Dynamic: ${dynamic.map((p) => name(p, ...(p.pool.WorkerType ? [p.pool.WorkerType] : []))).join(', ')}; the rest are static.`)
  } else if (step.shortType && pools.some((p) => isDynamicPool(p.pool) && p.pool.WorkerType)) {
    notes.push('A dynamic pool\'s worker type is left out.')
  }
  if (step.drop.length || step.shortType) {
    const sums = [step.drop.includes('WORKERS') ? 'WORKERS (the sum of the counts)' : '', step.drop.includes('AVAILABLE') ? 'AVAILABLE (= HEALTHY + WARNINGS)' : ''].filter(Boolean)
    notes.push(`${sums.length ? `${sums.join(' and ')} ${sums.length === 1 ? 'is' : 'are'} left out; ` : ''}--wide shows every column.`)
  }
  return notes
}

/** The same columns, in the same order and with the same cells, as `worker list` (less POOLS). */
export const POOL_WORKERS_HEAD = ['NAME', 'TYPE', 'HEALTH', 'DISABLED', 'ENDPOINT']

export function poolWorkerRow(w: PoolWorkerSummary): string[] {
  return [w.Name, workerTypeText(w.Type), w.HealthStatus, w.IsDisabled ? 'yes' : 'no', w.Endpoint]
}

/** The key/value header of `pool view` (before the workers table). */
export function poolViewLines(pool: WorkerPoolResource, counts: WorkerCounts, webUrl: string): string[] {
  const dynamic = isDynamicPool(pool)
  const lines = [
    `Name:         ${terminalSafe(pool.Name)}`,
    `ID:           ${pool.Id}`,
    `Type:         ${poolTypeFlag(pool.WorkerPoolType)}${dynamic ? ` (worker type ${terminalSafe(pool.WorkerType ?? 'unknown')})` : ''}`,
    `Default:      ${pool.IsDefault ? 'yes' : 'no'}`,
    `Sort order:   ${pool.SortOrder ?? ''}`,
    `Description:  ${terminalSafe(pool.Description || '(none)')}`,
  ]
  if (dynamic) {
    lines.push('Workers:      n/a (Octopus provides the workers of a dynamic pool on demand)')
  } else {
    const health = HEALTH_STATUSES.map((s) => `${s} ${counts[s]}`).join(', ')
    const endpoints = Object.entries(counts.ByEndpointType).map(([style, n]) => `${workerTypeText(workerTypeLabel({CommunicationStyle: style}))} ${n}`).join(', ')
    lines.push(`Workers:      ${counts.Total} (${counts.Total - counts.Disabled} enabled, ${counts.Disabled} disabled)`)
    lines.push(`By health:    ${health} (enabled workers only)`)
    lines.push(`By endpoint:  ${endpoints || '(none)'}`)
  }
  lines.push(`Web portal:   ${webUrl}`)
  return lines
}

const LABEL_WIDTH = 14

/**
 * `pool view`'s label/value lines fitted to a terminal of `width`: a value wraps under itself; a
 * URL, never wrapped, goes on a line of its own when it does not fit beside its label.
 */
export function fitLabelledLines(lines: string[], width: number): string[] {
  return lines.flatMap((line) => {
    if (stringWidth(line) <= width || !/^[A-Z][\w ]*: /.test(line)) return [line]
    const label = line.slice(0, LABEL_WIDTH)
    const value = line.slice(LABEL_WIDTH)
    if (/^https?:\/\/\S+$/.test(value)) return [label.trimEnd(), `  ${value}`]
    return wrapHelpText(`${' '.repeat(LABEL_WIDTH)}${value}`, width).split('\n').map((l, i) => (i === 0 ? label + l.slice(LABEL_WIDTH) : l))
  })
}

/** The workers of `pool view` as a table whose names and endpoints wrap rather than being cut. */
export function poolWorkersTable(workers: PoolWorkerSummary[], table: TableOptions): string {
  return wrappedTable(POOL_WORKERS_HEAD, workers.map(poolWorkerRow), {table, wrap: ['NAME', 'ENDPOINT']})
}

/** `pool create`'s outcome: created, or found by --if-not-exists. */
export function poolCreatedLine(result: WorkerPoolResource & {Created: boolean}): string {
  return result.Created
    ? `Created ${poolTypeFlag(result.WorkerPoolType)} worker pool '${terminalSafe(result.Name)}' (${result.Id})${result.IsDefault ? ', the default pool' : ''}.`
    : `Worker pool '${terminalSafe(result.Name)}' (${result.Id}) already exists as a ${poolTypeFlag(result.WorkerPoolType)} pool; nothing changed.`
}

/**
 * A new pool has no workers: made the default (and static: dynamic pools get their workers from
 * Octopus), every step with no pool of its own has no worker of its own until workers are
 * registered in it.
 */
export function emptyDefaultWarning(pool: Pick<WorkerPoolResource, 'Name' | 'IsDefault' | 'WorkerPoolType'>, bin: string): string | undefined {
  if (!fallsBackToBuiltinWorker(pool, 0)) return undefined
  return `'${terminalSafe(pool.Name)}' is now the default worker pool but has no workers: steps that use the default pool have none to run on until you register some ` +
    `(e.g. \`${bin} worker register listening <name> --pool ${shellQuote(pool.Name)} ...\`).`
}

/** `pool delete`: what happens to each pool's workers, shown before the confirmation. */
export function impactLines(impacts: PoolDeleteImpact[], moveTo?: Pick<WorkerPoolResource, 'Id' | 'Name'>): string[] {
  return impacts.map(({pool, workers}) => {
    if (workers.length === 0) return `'${pool.Name}' (${pool.Id}) holds no workers.`
    const held = `'${pool.Name}' (${pool.Id}) holds ${plural(workers.length, 'worker')} (${shortList(workers.map((w) => w.Name))}); `
    if (moveTo) return `${held}${workers.length === 1 ? 'it moves' : 'they move'} to '${moveTo.Name}' (${moveTo.Id}) first.`
    return `${held}${workers.length === 1 ? 'it stays registered and is' : 'they stay registered and are'} removed from this pool (each is in another pool).`
  })
}
