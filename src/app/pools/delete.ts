/**
 * `pool delete`: what deleting the chosen pools would do, worked out before anything is sent.
 * Refusals (nothing changed):
 * - the default pool (exit 5, unsafe): Octopus always has one and steps with no pool run there;
 *   another pool must be made the default first.
 * - a pool holding a worker that is in no other pool being kept (exit 2): a worker must belong to
 *   at least one pool (Octopus docs), so the server refuses that delete. Checking first avoids a
 *   half-done run. `--move-workers-to POOL` adds those workers to POOL first instead.
 * - a pool that steps use (exit 5, usage/guard.ts), unless --force.
 * Every reason that applies is reported in one error (`refuseAll`), the unsafe ones first.
 */
import {toBulkResult, runBulk, type BulkResult} from '../../domain/bulk.js'
import {CliError, ExitCode, unsafeError, usageError} from '../../text/errors.js'
import type {SpaceContext} from '../../octopus/client.js'
import {findAllByNameOrId, findByNameOrId} from '../../octopus/names.js'
import {deleteWorkerPool, getWorker, listWorkerPools, listWorkers, updateWorker} from '../../octopus/repositories.js'
import type {WorkerPoolResource, WorkerResource} from '../../octopus/types.js'
import {refuseDeletingPoolsInUse} from '../usage/guard.js'
import type {UsageReadNote} from '../usage/read.js'
import {isDynamicPool} from '../../domain/pools.js'
import {shellQuote} from '../../text/shell.js'
import {plural, shortList} from '../../text/wording.js'

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

/** Exit 5 (unsafe) if a default pool is among the targets, naming a pool to make the default first. */
export function refuseDefaultPool(allPools: WorkerPoolResource[], targets: WorkerPoolResource[], bin: string): void {
  const defaultTarget = targets.find((p) => p.IsDefault)
  if (!defaultTarget) return
  const doomed = new Set(targets.map((p) => p.Id))
  const candidate = allPools.find((p) => !doomed.has(p.Id)) ?? allPools.find((p) => p.Id !== defaultTarget.Id)
  const hint = candidate && !doomed.has(candidate.Id)
    ? `Make another pool the default first, e.g. \`${bin} pool set-default ${shellQuote(candidate.Name)}\`, then delete '${defaultTarget.Name}'.`
    : `Create another pool and make it the default first (\`${bin} pool create <name> --default\`), then delete '${defaultTarget.Name}'.`
  throw unsafeError(`'${defaultTarget.Name}' is the default worker pool and cannot be deleted; nothing was deleted.`, {
    hint,
    code: 'default-pool',
    details: {pool: defaultTarget.Id, suggestedDefault: candidate && !doomed.has(candidate.Id) ? candidate.Name : null},
  })
}

/** Exit 2 if deleting would leave a worker in no pool, naming the workers and the way out. */
export function refuseStrandedWorkers(impacts: PoolDeleteImpact[], bin: string, allPools: WorkerPoolResource[]): void {
  const blocked = impacts.filter((i) => i.stranded.length > 0)
  if (blocked.length === 0) return
  const parts = blocked.map((i) => `'${i.pool.Name}' is the only pool of ${describeWorkers(i.stranded)}`)
  const example = blocked[0].stranded[0]
  const doomed = new Set(impacts.map((i) => i.pool.Id))
  // A pool the workers can go to: the default if it stays, else any static pool that stays.
  const kept = allPools.filter((p) => !doomed.has(p.Id) && !isDynamicPool(p))
  const other = kept.find((p) => p.IsDefault) ?? kept[0]
  const otherPool = other ? shellQuote(other.Name) : '<other pool>'
  const deleting = impacts.map((i) => shellQuote(i.pool.Name)).join(' ')
  throw usageError(`${parts.join('; ')}: a worker must stay in at least one pool, so nothing was deleted.`, {
    hint: `Add --move-workers-to to move them to another pool first (\`${bin} pool delete ${deleting} --move-workers-to ${otherPool}\`), or move them yourself (\`${bin} worker update ${shellQuote(example.Name)} --add-pool ${otherPool}\`) or delete them.`,
    code: 'worker-in-no-pool',
    details: {pools: blocked.map((i) => ({Id: i.pool.Id, Name: i.pool.Name, Workers: i.stranded.map((w) => w.Name)}))},
  })
}

/**
 * `--move-workers-to POOL`: POOL must exist (exit 4, checked before the pools to delete), be
 * static (a dynamic pool holds no registered workers) and not be one of the pools being deleted
 * (both exit 2).
 */
export function resolveMoveDestination(pools: WorkerPoolResource[], input: string, targets: WorkerPoolResource[]): WorkerPoolResource {
  const destination = findPool(pools, input, '--move-workers-to')
  if (targets.some((t) => t.Id === destination.Id)) {
    throw usageError(`--move-workers-to '${destination.Name}' is one of the pools being deleted; nothing was deleted.`, {hint: 'Move the workers to a pool you keep.'})
  }
  if (isDynamicPool(destination)) {
    throw usageError(`--move-workers-to '${destination.Name}' is a dynamic pool, which holds no registered workers; nothing was deleted.`, {hint: 'Give a static pool.'})
  }
  return destination
}

/** findByNameOrId, with the option named in the not-found message so the user knows which name was wrong. */
function findPool(pools: WorkerPoolResource[], input: string, option: string): WorkerPoolResource {
  try {
    return findByNameOrId(pools, input, 'worker pool')
  } catch (error) {
    if (error instanceof CliError && error.exitCode === ExitCode.NotFound) error.message = `${option}: ${error.message}`
    throw error
  }
}

/** `--move-workers-to` as typed: an empty value (a script's unset variable) is exit 2 before any request. */
export function parseMoveWorkersTo(input: string): string {
  if (input.trim() === '') throw usageError('--move-workers-to needs a worker pool name or ID, not an empty string.')
  return input
}

/** The new pools of a worker that moves to `destination`; undefined when it is there already. */
export function poolsAfterMove(worker: Pick<WorkerResource, 'WorkerPoolIds'>, destination: Pick<WorkerPoolResource, 'Id'>): string[] | undefined {
  const current = worker.WorkerPoolIds ?? []
  return current.includes(destination.Id) ? undefined : [...current, destination.Id]
}

export interface DeletePoolsRequest {
  /** Pool names or IDs, as typed. */
  names: string[]
  /** `--move-workers-to`: the pool the deleted pools' workers are added to first. */
  moveWorkersTo?: string
  /** `--force`: delete even pools that steps use. */
  force?: boolean
  /** Told what the in-use check rests on (a server without runbooks). */
  onNote?: (note: UsageReadNote) => void
  bin: string
  /** Shown what will happen to each pool's workers; asks for confirmation and throws to stop. Nothing is changed before it returns. */
  confirm: (targets: WorkerPoolResource[], impacts: PoolDeleteImpact[], moveTo?: WorkerPoolResource) => Promise<void>
}

/**
 * `pool delete`: every name (and --move-workers-to) is resolved and every refusal checked before
 * anything changes; then pool by pool, its workers are added to the destination (if any) and the
 * pool is deleted. The first failure stops the run (the one bulk rule): the result says which
 * pools were deleted, which failed and which were not attempted.
 */
export async function deletePools(space: SpaceContext, request: DeletePoolsRequest): Promise<BulkResult> {
  const pools = await listWorkerPools(space)
  // The destination first: a wrong --move-workers-to is reported as such even when a pool name is wrong too.
  if (request.moveWorkersTo !== undefined) findPool(pools, request.moveWorkersTo, '--move-workers-to')
  const targets = findAllByNameOrId(pools, request.names, 'worker pool')
  const destination = request.moveWorkersTo === undefined ? undefined : resolveMoveDestination(pools, request.moveWorkersTo, targets)
  const workers = await listWorkers(space, {workerPoolIds: targets.map((p) => p.Id)})
  const impacts = deleteImpacts(targets, workers)
  // Every reason to refuse at once, so that one run tells the user everything to fix.
  await refuseAll([
    () => refuseDefaultPool(pools, targets, request.bin),
    () => (destination ? undefined : refuseStrandedWorkers(impacts, request.bin, pools)),
    () => (request.force ? undefined : refuseDeletingPoolsInUse(space, targets, request.bin, request.onNote)),
  ])
  await request.confirm(targets, impacts, destination)

  // Moving a worker is a read-merge-write of its document as it is now: a change someone made to
  // it since the list was read (another pool added, a rename) is kept. No other pool loses a
  // worker (each keeps its other pools and gains none but the destination), so no floor applies;
  // the deleted pool's own users are the in-use refusal's.
  const moved = new Map<string, number>()
  const report = await runBulk(targets, async (pool) => {
    if (destination) {
      for (const listed of workers.filter((w) => (w.WorkerPoolIds ?? []).includes(pool.Id))) {
        const worker = await getWorker(space, listed.Id)
        if (!(worker.WorkerPoolIds ?? []).includes(pool.Id)) continue
        const next = poolsAfterMove(worker, destination)
        if (!next) continue
        await updateWorker(space, {...worker, WorkerPoolIds: next})
        moved.set(pool.Id, (moved.get(pool.Id) ?? 0) + 1)
      }
    }
    await deleteWorkerPool(space, pool.Id)
    return {result: pool.Id}
  })
  const result = toBulkResult(report, 'deleted')
  if (destination) {
    for (const item of result.Results) {
      const count = moved.get(item.Id) ?? 0
      if (item.Status === 'done' && count > 0) item.Message = `deleted (${plural(count, 'worker')} moved to '${destination.Name}' first)`
      // A failure after some workers moved says so: those moves are kept, and a re-run finds them done.
      if (item.Status === 'failed' && count > 0) item.Message = `${item.Message} (${plural(count, 'worker')} already moved to '${destination.Name}')`
    }
  }
  return result
}

/**
 * Runs every refusal check and throws once: the one error when a single check refuses, else one
 * error that lists every reason, the unsafe ones first (exit 5 when any reason is unsafe, else the checks' own exit code),
 * with each reason's code, message and hint under `Reasons` in --json.
 */
export async function refuseAll(checks: Array<() => void | Promise<void>>): Promise<void> {
  const refusals: CliError[] = []
  for (const check of checks) {
    try {
      await check()
    } catch (error) {
      if (!(error instanceof CliError)) throw error
      refusals.push(error)
    }
  }
  if (refusals.length === 0) return
  // The greater reason first: what is unsafe (exit 5) before what is only a usage matter (exit 2).
  refusals.sort((a, b) => Number(b.exitCode === ExitCode.Unsafe) - Number(a.exitCode === ExitCode.Unsafe))
  if (refusals.length === 1) throw refusals[0]
  const exitCode = refusals.some((r) => r.exitCode === ExitCode.Unsafe) ? ExitCode.Unsafe : refusals[0].exitCode
  const message = `Refusing for ${refusals.length} reasons; nothing was deleted: ${refusals.map((r, i) => `(${i + 1}) ${r.message.replace(/(?:[;:]|,? so)? *nothing was deleted\.?$/i, '').replace(/[.;,]$/, '')}`).join('; ')}.`
  throw new CliError(message, exitCode, {
    code: 'several-refusals',
    hint: refusals.map((r) => r.hint).filter(Boolean).join(' '),
    details: {reasons: refusals.map((r) => ({Code: r.code, ExitCode: r.exitCode, Message: r.message, Hint: r.hint ?? null, ...r.details}))},
  })
}

function describeWorkers(workers: Array<{Name: string}>): string {
  return `${plural(workers.length, 'worker')} (${shortList(workers.map((w) => w.Name))})`
}
