/**
 * `estate plan`: read the server, diff it with the files (src/domain/estate-file/diff.ts), then
 * evaluate the estate as it would be after the change with the guards the other commands use:
 * - the floor of every static pool a changed worker serves (src/domain/pool-floors.ts, the floor of
 *   src/domain/floor.ts), as `worker disable`, `drain` and `delete` apply it;
 * - no deleting a pool that deployment or runbook steps use (src/app/usage/guard.ts, as `pool delete`);
 * - no switching the built-in worker off while a space's default pool has no available worker of its
 *   own (src/domain/estate/builtin.ts, as `builtin-worker disable`);
 * - no new naming or redundancy finding of `check` at or above --fail-on (src/domain/policy/engine.ts).
 * A plan that breaks one is refused (exit 5) naming each reason and its override; nothing is written.
 *
 * Workers the plan creates are counted as available in the estate after the change: Octopus
 * health-checks a new worker when it registers, and the plan cannot know the result.
 */
import {createHash} from 'node:crypto'
import {CliError, ExitCode, notFoundError} from '../../text/errors.js'
import type {OctopusClient, SpaceContext} from '../../octopus/client.js'
import {isNotFoundOrForbidden} from '../../octopus/usage-repositories.js'
import type {PolicyConfig} from '../../config/octoworkers-yaml/load.js'
import {where, type DesiredEstate} from '../../domain/estate-file/desired.js'
import {diffEstate, type ActualEstate, type EstateDiff, type PlannedChange, type SpaceAfter, type Unmanaged} from '../../domain/estate-file/diff.js'
import {orderFingerprint, poolFingerprint, workerFingerprint} from '../../domain/estate-file/fingerprint.js'
import {describeViolation, floorViolations, poolFloors, type FloorPool} from '../../domain/pool-floors.js'
import {floorFunction} from '../../domain/floor.js'
import {isAtOrAbove, runCheck, type FailOn} from '../../domain/policy/engine.js'
import {spacesAtRiskIfDisabled} from '../../domain/estate/builtin.js'
import type {Snapshot, SpaceSnapshot} from '../../domain/estate/types.js'
import {computeUsage} from '../../domain/usage/resolve.js'
import {helmInstallCommand} from '../../domain/workers/kubernetes-agent.js'
import {poolsInUse} from '../usage/guard.js'
import {readUsageEstate} from '../usage/read.js'
import {readLeasesHeldBy} from '../workers/bulk.js'
import {readActualEstate, readSpaceEstate} from './read-server.js'
import {httpCause, type OnUnavailable} from '../unreadable-part.js'

export interface PlanOptions {
  prune: boolean
  /** Apply despite the floor, steps' use of a deleted pool, and the built-in worker's safety. */
  force: boolean
  failOn: FailOn
  /** --keep-healthy: the floor of every pool; else the config's minWorkers. */
  keepHealthy?: number
  config: PolicyConfig
  bin: string
  onUnavailable?: OnUnavailable
  /**
   * Told of each worker the plan deletes that holds a lease now, which `estate apply` refuses to
   * delete without --drain. Asking costs one read of the leases per space the plan deletes workers
   * from; `estate plan` asks, apply does not (it checks the leases itself, as `worker delete` does).
   */
  onLeasedDelete?: (leased: LeasedDelete) => void
}

/** A worker the plan deletes that holds a lease now (the lease may be stale: its task finished, the lease not yet cleared). */
export interface LeasedDelete {
  SpaceName: string
  WorkerName: string
  Leases: Array<{LeaseId: string; TaskId: string}>
}

export interface PlanSummary {
  Create: number
  Update: number
  Delete: number
  Reorder: number
  DefaultMoves: number
  AgentsToInstall: number
}

export interface EstatePlan {
  Server: string
  Prune: boolean
  Changes: PlannedChange[]
  Unmanaged: Unmanaged[]
  Summary: PlanSummary
  /** Anything apply would write (agents to install are not: a person runs Helm). */
  HasChanges: boolean
  /** A digest of what the plan read; a saved plan whose server no longer matches it is stale. */
  StateDigest: string
  HttpRequests: number
}

/** What apply needs beside the plan: the spaces' links, the estate after it, and the floor its guard keeps. */
export interface PlanContext {
  plan: EstatePlan
  spaces: SpaceContext[]
  actual: ActualEstate
  after: SpaceAfter[]
  /** Each pool's floor (0 with --force), for the out-of-service guard apply goes through (guarded.ts). */
  floorOf: (pool: FloorPool) => number
  bin: string
}

export async function planEstate(client: OctopusClient, desired: DesiredEstate, options: PlanOptions): Promise<PlanContext> {
  const spaces = await resolveSpaces(client, desired)
  const actual = await readActualEstate(client, spaces, desired.builtInWorker ? options.onUnavailable : undefined)
  const diff = diffEstate(desired, actual, {prune: options.prune})
  for (const change of diff.changes) {
    if (change.Action === 'install-agent') change.Hint = `install the agent first: ${helmInstallCommand({server: client.server, spaceName: change.SpaceName ?? '', poolId: change.Worker?.PoolNames[0] ?? 'POOL', name: change.Name})}`
  }
  const writes = diff.changes.filter((c) => c.Action !== 'install-agent')
  if (writes.length > 0) await refuseUnsafe(client, spaces, actual, diff, options)
  if (options.onLeasedDelete) await reportLeasedDeletes(spaces, actual, diff.changes, options.onLeasedDelete, options.onUnavailable)
  const count = (f: (c: PlannedChange) => boolean) => diff.changes.filter(f).length
  const plan: EstatePlan = {
    Server: client.server,
    Prune: options.prune,
    Changes: diff.changes,
    Unmanaged: diff.unmanaged,
    Summary: {
      Create: count((c) => c.Action === 'create'),
      Update: count((c) => c.Action === 'update'),
      Delete: count((c) => c.Action === 'delete'),
      Reorder: count((c) => c.Action === 'reorder'),
      DefaultMoves: count((c) => c.Action === 'set-default'),
      AgentsToInstall: count((c) => c.Action === 'install-agent'),
    },
    HasChanges: writes.length > 0,
    StateDigest: stateDigest(actual),
    HttpRequests: client.requestCount,
  }
  // A pool the plan deletes keeps no floor: its workers leaving it is the plan's point.
  const floor = floorFunction(options.force ? 0 : options.keepHealthy, options.config)
  const deletedPools = new Set(diff.after.flatMap((a) => a.deletedPools.map((p) => p.Id)))
  return {plan, spaces, actual, after: diff.after, floorOf: (pool) => (deletedPools.has(pool.Id) ? 0 : floor(pool)), bin: options.bin}
}

/** The spaces the files name (an unknown one is exit 4 at its line), with their links. */
async function resolveSpaces(client: OctopusClient, desired: DesiredEstate): Promise<SpaceContext[]> {
  const all = await client.listSpaces()
  const found = desired.spaces.map((space) => {
    const match = all.find((s) => s.Name.toLowerCase() === space.name.trim().toLowerCase() || s.Id.toLowerCase() === space.name.trim().toLowerCase())
    if (!match) {
      throw notFoundError(`${where(space)}: no space '${space.name}' on the server. Spaces: ${all.map((s) => s.Name).join(', ') || '(none)'}.`, {code: 'unknown-name', details: {File: space.file, Line: space.line ?? null}})
    }
    return match
  })
  return Promise.all(found.map((s) => client.spaceContext(s)))
}

/** The leases held now by the workers the plan deletes: one read per space that loses workers, none otherwise. */
async function reportLeasedDeletes(spaces: SpaceContext[], actual: ActualEstate, changes: PlannedChange[], report: (leased: LeasedDelete) => void, onUnavailable: PlanOptions['onUnavailable']): Promise<void> {
  for (const space of actual.spaces) {
    const deleted = new Set(changes.filter((c) => c.SpaceId === space.Id && c.Resource === 'worker' && c.Action === 'delete').map((c) => c.Id))
    if (deleted.size === 0) continue
    let held: Awaited<ReturnType<typeof readLeasesHeldBy>>
    try {
      held = await readLeasesHeldBy(spaces.find((s) => s.spaceId === space.Id)!, space.workers.filter((w) => deleted.has(w.Id)))
    } catch (error) {
      // A plan only reads: a key that may not read leases still gets its plan, and apply checks again.
      if (!isNotFoundOrForbidden(error)) throw error
      onUnavailable?.({part: 'worker-leases', space: space.Name}, httpCause(error.status))
      continue
    }
    for (const [worker, leases] of held ?? []) report({SpaceName: space.Name, WorkerName: worker.Name, Leases: leases.map((l) => ({LeaseId: l.Id, TaskId: l.ServerTaskId}))})
  }
}

/** Everything the plan read that a write could change, in one digest. */
export function stateDigest(actual: ActualEstate): string {
  const parts = actual.spaces.map((s) => ({
    space: s.Id,
    order: orderFingerprint(s.pools.map((p) => p.Id)),
    pools: s.pools.map((p) => `${p.Id}=${poolFingerprint(p)}`).sort(),
    workers: s.workers.map((w) => `${w.Id}=${workerFingerprint(w)}`).sort(),
  }))
  return createHash('sha256').update(JSON.stringify({builtIn: actual.builtInWorkerEnabled ?? null, spaces: parts})).digest('hex')
}

function spaceSnapshot(space: {Id: string; Name: string}, pools: SpaceSnapshot['pools'], workers: SpaceSnapshot['workers']): SpaceSnapshot {
  return {space: {Id: space.Id, Name: space.Name}, pools, workers}
}

async function refuseUnsafe(client: OctopusClient, spaces: SpaceContext[], actual: ActualEstate, diff: EstateDiff, options: PlanOptions): Promise<void> {
  const reasons: string[] = []
  const overridable: string[] = []
  const floorOf = floorFunction(options.keepHealthy, options.config)
  for (const after of diff.after) {
    const deleted = new Set(after.deletedPools.map((p) => p.Id))
    const floors = poolFloors({pools: after.space.pools.filter((p) => !deleted.has(p.Id)), workers: after.space.workers, after: after.changedWorkers, floorOf})
    for (const violation of floorViolations(floors)) overridable.push(`${describeViolation(violation, 'this plan')} (space '${after.space.Name}')`)
    if (after.deletedPools.length > 0 && !options.force) {
      const context = spaces.find((s) => s.spaceId === after.space.Id)!
      try {
        const usage = computeUsage(await readUsageEstate(context))
        for (const {pool, rows} of poolsInUse(usage, after.deletedPools.map((p) => ({Id: p.Id, Name: p.Name, IsDefault: p.IsDefault, WorkerPoolType: p.WorkerPoolType})))) {
          overridable.push(`${rows.length} step action${rows.length === 1 ? ' uses' : 's use'} pool '${pool.Name}' (space '${after.space.Name}'), which this plan deletes (see \`${options.bin} pool usage\`)`)
        }
      } catch (error) {
        if (!isNotFoundOrForbidden(error)) throw error
        overridable.push(`cannot tell whether steps use the pools this plan deletes in space '${after.space.Name}': the projects could not be read (HTTP ${error.status})`)
      }
    }
  }
  if (actual.builtInWorkerEnabled === true && diff.builtInWorkerAfter === false) {
    // The built-in worker serves every space, so every space is looked at, not only the files'.
    const others = await Promise.all((await client.listSpaces()).filter((s) => !diff.after.some((a) => a.space.Id === s.Id)).map(async (s) => readSpaceEstate(await client.spaceContext(s))))
    const afterSpaces = [...diff.after.map((a) => spaceSnapshot(a.space, a.pools, a.workers)), ...others.map((s) => spaceSnapshot(s, s.pools, s.workers))]
    for (const risk of spacesAtRiskIfDisabled(afterSpaces)) {
      overridable.push(`switching the built-in worker off leaves space '${risk.SpaceName}' with no available worker in its default pool${risk.DefaultPoolName ? ` '${risk.DefaultPoolName}'` : ''}`)
    }
  }
  // New naming and redundancy findings: the same rules `check` runs, before and after.
  const snapshotOf = (spacesOf: SpaceSnapshot[], builtIn: boolean | undefined): Snapshot => ({server: client.server, spaces: spacesOf, builtInWorkerEnabled: builtIn})
  const before = runCheck(snapshotOf(diff.after.map((a) => spaceSnapshot(a.space, a.space.pools, a.space.workers)), actual.builtInWorkerEnabled), options.config)
  const afterReport = runCheck(snapshotOf(diff.after.map((a) => spaceSnapshot(a.space, a.pools, a.workers)), diff.builtInWorkerAfter), options.config)
  // By ID where there is one, so that renaming a pool is not a new finding about it.
  const key = (f: {RuleId: string; SpaceId: string | null; Subject: string; SubjectId: string | null}) => `${f.RuleId}\u0000${f.SpaceId ?? ''}\u0000${f.SubjectId ?? f.Subject}`
  const had = new Set(before.Findings.map(key))
  for (const finding of afterReport.Findings) {
    if (!/^(naming|redundancy)\//.test(finding.RuleId) || !isAtOrAbove(finding.Severity, options.failOn) || had.has(key(finding))) continue
    reasons.push(`a new ${finding.Severity} finding ${finding.RuleId}: ${finding.Message}`)
  }
  const all = [...(options.force ? [] : overridable), ...reasons]
  if (all.length === 0) return
  const overrides = [overridable.length && !options.force ? '--force applies it anyway (floors, steps\' pools, the built-in worker)' : '', reasons.length ? `--fail-on ${options.failOn === 'warning' ? 'error or never' : 'never'} lets new findings through, or fix the file` : ''].filter(Boolean)
  throw new CliError(`Refusing this plan: ${all.join('; ')}. Nothing was changed.`, ExitCode.Unsafe, {
    code: 'unsafe-plan',
    hint: `Available means enabled and Healthy or HasWarnings. ${overrides.join('; ')}.`,
    details: {Reasons: all},
  })
}
