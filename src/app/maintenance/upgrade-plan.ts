/**
 * `worker upgrade`: which workers, in which batches. Pure functions over worker and pool documents.
 * A batch may take workers out of service only while every affected pool keeps its floor of
 * available workers (floor.ts), so a rolling upgrade never takes a pool below it.
 */
import {CliError, ExitCode} from '../../text/errors.js'
import type {WorkerPoolResource, WorkerResource} from '../../octopus/types.js'
import {isAvailable} from '../../domain/availability.js'
import {upgradeEligibility, type UpgradeKind, type UpgradeSummaryFacts} from '../../domain/workers/upgrade-eligibility.js'
import {describeViolation, floorViolations, poolFloors, type FloorPool, type PoolFloor} from '../../domain/pool-floors.js'

export type {UpgradeKind, UpgradeSummaryFacts} from '../../domain/workers/upgrade-eligibility.js'

/** The Octopus server task for each kind (Octopus's BuiltInTasks names and arguments). */
export function upgradeTaskBody(kind: UpgradeKind, workers: Array<{Id: string; Name: string}>, description: string): {Name: string; Description: string; Arguments: Record<string, unknown>} {
  const MachineIds = workers.map((w) => w.Id)
  return kind === 'Tentacle'
    ? {Name: 'Upgrade', Description: description, Arguments: {MachineIds, RestrictedTo: 'Workers'}}
    : {Name: 'UpdateCalamari', Description: description, Arguments: {Timeout: '00:05:00', MachineIds}}
}

/** Why a worker cannot be upgraded by `worker upgrade` (its kind, or a locked Tentacle), if it cannot: the rule `check` shares. */
export function upgradeSkipReason(worker: WorkerResource, kind: UpgradeKind): string | undefined {
  return upgradeEligibility(worker, kind).blockedBecause
}

/**
 * Why a worker is left out unless --include-unavailable: Octopus could not contact it at its last
 * health check, so its upgrade task would fail ("could not be contacted") after the roll had
 * taken it out of service, and the roll would stop there.
 */
export function unreachableReason(worker: WorkerResource): string | undefined {
  if (worker.HealthStatus !== 'Unavailable') return undefined
  return 'Unavailable at its last health check (Octopus could not contact it); pass --include-unavailable to upgrade it anyway'
}

/** Whether the server says this worker's Tentacle (or Calamari) needs an upgrade: the rule `check` shares. */
export function needsUpgrade(worker: WorkerResource, kind: UpgradeKind, summary?: UpgradeSummaryFacts): boolean {
  return upgradeEligibility(worker, kind, summary).needed
}

/** What a worker runs now: `Tentacle 6.3.417`, `Calamari out of date`. */
export function versionLabel(worker: WorkerResource, kind: UpgradeKind): string {
  if (kind === 'Calamari') return worker.HasLatestCalamari ? 'Calamari current' : 'Calamari out of date'
  return `Tentacle ${worker.Endpoint?.TentacleVersionDetails?.Version ?? 'unknown'}`
}

export interface UpgradeSelection {
  targets: WorkerResource[]
  /** Selected but not upgradable by a task (SSH for Tentacle, Kubernetes agents...), or unreachable. */
  skipped: Array<{worker: WorkerResource; reason: string}>
  /** Pool members left out because they are already current (without --all). */
  current: WorkerResource[]
}

/**
 * Named workers are upgraded as asked (current or not); a pool's workers only when they need it,
 * unless `all`. Workers that no task can upgrade are set aside with the reason.
 */
export function selectUpgradeTargets(opts: {named: WorkerResource[]; pools: WorkerPoolResource[]; workers: WorkerResource[]; kind: UpgradeKind; all: boolean; summary?: UpgradeSummaryFacts; includeUnavailable?: boolean}): UpgradeSelection {
  const chosen = new Map<string, WorkerResource>()
  const current: WorkerResource[] = []
  for (const w of opts.named) chosen.set(w.Id, w)
  const poolIds = new Set(opts.pools.map((p) => p.Id))
  for (const w of opts.workers) {
    if (chosen.has(w.Id) || !(w.WorkerPoolIds ?? []).some((id) => poolIds.has(id))) continue
    if (opts.all || upgradeSkipReason(w, opts.kind) || needsUpgrade(w, opts.kind, opts.summary)) chosen.set(w.Id, w)
    else current.push(w)
  }
  const targets: WorkerResource[] = []
  const skipped: UpgradeSelection['skipped'] = []
  for (const w of chosen.values()) {
    const reason = upgradeSkipReason(w, opts.kind) ?? (opts.includeUnavailable ? undefined : unreachableReason(w))
    if (reason) skipped.push({worker: w, reason})
    else targets.push(w)
  }
  return {targets, skipped, current}
}

export interface BatchPlan {
  batches: WorkerResource[][]
  /** Each affected pool's floor, with the fewest available workers it has during any batch. */
  floors: PoolFloor[]
}

/**
 * Batches of at most `batchSize` in the given order (workers that are not available now first:
 * taking them out costs no pool anything). A worker joins the current batch only if every pool
 * keeps its floor with the whole batch out; otherwise it starts the next batch. A worker that
 * alone would take a pool below its floor makes the plan impossible: exit 5, nothing changed.
 */
export function planBatches(opts: {targets: WorkerResource[]; workers: WorkerResource[]; pools: FloorPool[]; floorOf: (pool: FloorPool) => number; batchSize: number}): BatchPlan {
  const ordered = [...opts.targets.filter((w) => !isAvailable(w)), ...opts.targets.filter(isAvailable)]
  const check = (ids: string[]) => floorViolations(poolFloors({pools: opts.pools, workers: opts.workers, out: ids, floorOf: opts.floorOf}))
  const impossible = ordered.map((w) => ({w, violations: check([w.Id])})).filter((x) => x.violations.length > 0)
  if (impossible.length > 0) {
    const violations = [...new Map(impossible.flatMap((x) => x.violations).map((v) => [v.PoolId, v])).values()]
    throw new CliError(`Refusing: ${violations.map((v) => describeViolation(v, 'upgrading even one of its workers at a time')).join('; ')}. Nothing was changed.`, ExitCode.Unsafe, {
      code: 'below-floor',
      hint: 'Available means enabled and Healthy or HasWarnings. Add or repair workers first, or pass --keep-healthy with a lower number (0 to override).',
      details: {pools: violations},
    })
  }
  const batches: WorkerResource[][] = []
  let current: WorkerResource[] = []
  for (const w of ordered) {
    const candidate = [...current, w]
    if (current.length < opts.batchSize && check(candidate.map((c) => c.Id)).length === 0) current = candidate
    else {
      batches.push(current)
      current = [w]
    }
  }
  if (current.length) batches.push(current)
  const worst = new Map<string, PoolFloor>()
  for (const batch of batches) {
    for (const f of poolFloors({pools: opts.pools, workers: opts.workers, out: batch.map((w) => w.Id), floorOf: opts.floorOf})) {
      const seen = worst.get(f.PoolId)
      if (!seen || f.AvailableAfter < seen.AvailableAfter) worst.set(f.PoolId, f)
    }
  }
  return {batches, floors: opts.pools.map((p) => worst.get(p.Id)).filter((f): f is PoolFloor => f !== undefined)}
}
