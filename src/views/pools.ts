/** Rows and lines for the `pool` commands: list, view, create, delete (pure: the commands print them). */
import type {WorkerPoolResource} from '../octopus/types.js'
import {isDynamicPool, poolTypeFlag} from '../domain/pools.js'
import {HEALTH_STATUSES} from '../domain/availability.js'
import type {PoolWithCounts, WorkerCounts} from '../app/pools/counts.js'
import type {PoolWorkerSummary} from '../app/pools/view.js'
import type {PoolDeleteImpact} from '../app/pools/delete.js'
import {workerTypeLabel} from '../domain/workers/endpoint-facts.js'
import {fallsBackToBuiltinWorker} from '../domain/builtin-worker.js'
import {shellQuote} from '../text/shell.js'
import {plural, shortList} from '../text/wording.js'
import {terminalSafe} from '../ui/safe.js'

/**
 * Every worker is in exactly one count column: DISABLED, or (enabled) its health. So HEALTHY +
 * WARNINGS + UNHEALTHY + UNAVAILABLE + UNKNOWN + DISABLED = WORKERS; the available ones (what
 * Octopus leases) are HEALTHY + WARNINGS.
 */
/**
 * AVAILABLE is the one definition (enabled, Healthy or HasWarnings: what Octopus leases). HEALTH
 * breaks the enabled workers down by status, so HEALTH's counts plus DISABLED add up to WORKERS.
 * One text column instead of five count columns keeps the table inside an 80-column terminal
 * (a text column can be cut with …; --json has every count).
 */
export const POOL_LIST_HEAD = ['NAME', 'TYPE', 'DEFAULT', 'WORKERS', 'AVAILABLE', 'HEALTH', 'DISABLED']

/** `pool list --all-spaces`: the same columns after the space's name. */
export const POOL_LIST_ALL_SPACES_HEAD = ['SPACE', ...POOL_LIST_HEAD]

/** One table row per pool. Dynamic pools have no registered workers: their counts read n/a. */
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
    dynamic ? 'n/a' : healthBreakdown(counts),
    count(counts.Disabled),
  ]
}

/** "2 Healthy, 1 HasWarnings": the enabled workers by health status, zeros left out ("none" when there are none). */
export function healthBreakdown(counts: WorkerCounts): string {
  const parts = HEALTH_STATUSES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`)
  return parts.length > 0 ? parts.join(', ') : 'none'
}

/** The same columns, in the same order and with the same cells, as `worker list` (less POOLS). */
export const POOL_WORKERS_HEAD = ['NAME', 'TYPE', 'HEALTH', 'DISABLED', 'ENDPOINT']

export function poolWorkerRow(w: PoolWorkerSummary): string[] {
  return [w.Name, w.Type, w.HealthStatus, w.IsDisabled ? 'yes' : 'no', w.Endpoint]
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
    const endpoints = Object.entries(counts.ByEndpointType).map(([style, n]) => `${workerTypeLabel({CommunicationStyle: style})} ${n}`).join(', ')
    lines.push(`Workers:      ${counts.Total} (disabled ${counts.Disabled})`)
    lines.push(`By health:    ${health}`)
    lines.push(`By endpoint:  ${endpoints || '(none)'}`)
  }
  lines.push(`Web portal:   ${webUrl}`)
  return lines
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
