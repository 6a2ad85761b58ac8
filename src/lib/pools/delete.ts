/**
 * `pool delete`: what deleting the chosen pools would do, worked out before anything is sent.
 * Refusals (exit 2, nothing changed):
 * - the default pool: Octopus always has one and will not delete it; another pool must be made
 *   the default first.
 * - a pool holding a worker that is in no other pool being kept: a worker must belong to at
 *   least one pool (Octopus docs), so the server refuses that delete. Checking first avoids a
 *   half-done run.
 */
import {usageError} from '../errors.js'
import type {WorkerPoolResource, WorkerResource} from '../octopus/types.js'
import {shellQuote} from '../render/shell.js'

export interface PoolDeleteImpact {
  pool: WorkerPoolResource
  /** Workers in this pool; they stay registered and are only removed from it. */
  workers: Array<Pick<WorkerResource, 'Id' | 'Name'>>
  /** Workers whose every pool is being deleted: they would be left in no pool. */
  stranded: Array<Pick<WorkerResource, 'Id' | 'Name'>>
}

export function deleteImpacts(targets: WorkerPoolResource[], workers: Array<Pick<WorkerResource, 'Id' | 'Name' | 'WorkerPoolIds'>>): PoolDeleteImpact[] {
  const doomed = new Set(targets.map((p) => p.Id))
  return targets.map((pool) => {
    const members = workers.filter((w) => (w.WorkerPoolIds ?? []).includes(pool.Id))
    return {
      pool,
      workers: members.map(({Id, Name}) => ({Id, Name})),
      stranded: members.filter((w) => w.WorkerPoolIds.every((id) => doomed.has(id))).map(({Id, Name}) => ({Id, Name})),
    }
  })
}

/** Exit 2 if a default pool is among the targets, naming a pool to make the default first. */
export function refuseDefaultPool(allPools: WorkerPoolResource[], targets: WorkerPoolResource[], bin: string): void {
  const defaultTarget = targets.find((p) => p.IsDefault)
  if (!defaultTarget) return
  const doomed = new Set(targets.map((p) => p.Id))
  const candidate = allPools.find((p) => !doomed.has(p.Id)) ?? allPools.find((p) => p.Id !== defaultTarget.Id)
  const hint = candidate && !doomed.has(candidate.Id)
    ? `Make another pool the default first, e.g. \`${bin} pool set-default ${shellQuote(candidate.Name)}\`, then delete '${defaultTarget.Name}'.`
    : `Create another pool and make it the default first (\`${bin} pool create <name> --default\`), then delete '${defaultTarget.Name}'.`
  throw usageError(`'${defaultTarget.Name}' is the default worker pool and cannot be deleted; nothing was deleted.`, {
    hint,
    code: 'default-pool',
    details: {pool: defaultTarget.Id, suggestedDefault: candidate && !doomed.has(candidate.Id) ? candidate.Name : null},
  })
}

/** Exit 2 if deleting would leave a worker in no pool, naming the workers and the way out. */
export function refuseStrandedWorkers(impacts: PoolDeleteImpact[], bin: string): void {
  const blocked = impacts.filter((i) => i.stranded.length > 0)
  if (blocked.length === 0) return
  const parts = blocked.map((i) => `'${i.pool.Name}' is the only pool of ${describeWorkers(i.stranded)}`)
  const example = blocked[0].stranded[0]
  throw usageError(`${parts.join('; ')}: a worker must stay in at least one pool, so nothing was deleted.`, {
    hint: `Move those workers to another pool first (e.g. \`${bin} worker update ${shellQuote(example.Name)} --add-pool <other pool>\`) or delete them.`,
    code: 'worker-in-no-pool',
    details: {pools: blocked.map((i) => ({Id: i.pool.Id, Name: i.pool.Name, Workers: i.stranded.map((w) => w.Name)}))},
  })
}

/** What happens to each pool's workers, shown before the confirmation. */
export function impactLines(impacts: PoolDeleteImpact[]): string[] {
  return impacts.map(({pool, workers}) => {
    if (workers.length === 0) return `'${pool.Name}' (${pool.Id}) holds no workers.`
    return `'${pool.Name}' (${pool.Id}) holds ${plural(workers.length, 'worker')} (${shortList(workers.map((w) => w.Name))}); ` +
      `${workers.length === 1 ? 'it stays registered and is' : 'they stay registered and are'} removed from this pool (each is in another pool).`
  })
}

function describeWorkers(workers: Array<{Name: string}>): string {
  return `${plural(workers.length, 'worker')} (${shortList(workers.map((w) => w.Name))})`
}

function shortList(names: string[], limit = 5): string {
  return names.length <= limit ? names.join(', ') : `${names.slice(0, limit).join(', ')} and ${names.length - limit} more`
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
