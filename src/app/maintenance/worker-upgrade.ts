/**
 * `worker upgrade` from parsed flags to outcome: select the workers, then either one Upgrade task
 * for all of them (the portal's big-bang way) or a rolling upgrade that keeps every pool's floor.
 * Notes, warnings and progress go to `deps` (stderr, --json or not); the typed result says what
 * happened and which exit code that is.
 */
import {CliError, ExitCode, type ExitCodeValue} from '../../text/errors.js'
import type {SpaceContext} from '../../octopus/client.js'
import {findAllByNameOrId} from '../../octopus/names.js'
import {createTask, getWorkerPoolsSummary, listWorkerPools, listWorkers} from '../../octopus/repositories.js'
import type {TaskResource, WorkerResource} from '../../octopus/types.js'
import type {PolicyConfig} from '../../config/octoworkers-yaml/load.js'
import {floorFunction} from '../../domain/floor.js'
import type {FloorPool, PoolFloor} from '../../domain/pool-floors.js'
import {enableChange, readAgainAfterPrompt, refusedAfterPrompt, writeChange} from './guard.js'
import {needsUpgrade, planBatches, selectUpgradeTargets, upgradeTaskBody, versionLabel, type BatchPlan, type UpgradeKind, type UpgradeSummaryFacts} from './upgrade-plan.js'
import {leftDisabledByRun, remainingWorkers, runRollingUpgrade, waitForTaskEnd, type RolledWorker, type RollEvent, type RollResult} from './rolling-upgrade.js'
import type {ClaimStore, UpgradeClaim} from './upgrade-claims.js'
import {describeProcess} from '../../text/wording.js'

export interface WorkerUpgradeRequest {
  names: string[]
  poolInputs: string[]
  kind: UpgradeKind
  rolling: boolean
  all: boolean
  keepHealthy?: number
  batchSize: number
  timeoutMs: number
  yes: boolean
  /** Plan Unavailable workers too (left out by default: their upgrade cannot reach them). */
  includeUnavailable?: boolean
}

export interface WorkerUpgradeDeps {
  connect: () => Promise<SpaceContext>
  config: () => Promise<PolicyConfig>
  /** Asked once the plan is shown (not with -y): the worker's name typed, or their number; throws to stop (nothing changed). */
  confirm: (targets: WorkerResource[]) => Promise<void>
  /** The plan, progress and, after a roll that stopped, what is left: stderr, --json or not. */
  progress: (event: WorkerUpgradeEvent) => void
  warn: (warning: WorkerUpgradeWarning) => void
  /** Called before each wait: from then on an interrupt stops the wait instead of the process. */
  startWaiting: () => AbortSignal
  debug?: (line: string) => void
  bin: string
  /** Where runs record the workers they take out of service (upgrade-claims.ts); none: nothing is recorded. */
  claims?: (space: SpaceContext) => ClaimStore
}

/** The batches as shown before asking: each worker's name, version and whether it is disabled, and the floors. */
export interface PlannedBatches {
  batches: Array<Array<{Name: string; Version: string; IsDisabled: boolean}>>
  floors: PoolFloor[]
}

/** What `worker upgrade` reports as it goes (src/views/maintenance-progress.ts words it). */
export type WorkerUpgradeEvent =
  | RollEvent
  /** A worker an earlier, stopped run disabled: finished (or, `upgraded` already, put back) by this one. */
  | {kind: 'resuming-stopped-run'; worker: WorkerResource; wasEnabled: boolean; upgraded: boolean}
  /** Workers an earlier, stopped run upgraded, enabled again, and the health check of them. */
  | {kind: 'restored-health-check'; workers: WorkerResource[]; taskId: string}
  | {kind: 'rolling-plan'; upgrade: UpgradeKind; plan: PlannedBatches}
  /** The pools changed while the confirmation was asked: the batches planned again. */
  | {kind: 'rolling-replanned'; upgrade: UpgradeKind; plan: PlannedBatches}
  | {kind: 'single-task-plan'; workers: Array<{Name: string; Version: string}>}
  | {kind: 'single-task-started'; taskName: string; taskId: string}
  | {kind: 'single-task-interrupted'; taskId: string; state: string}
  | {kind: 'single-task-timed-out'; taskId: string; state: string}
  | {kind: 'single-task-failed'; taskId: string; state: string; error?: string}
  /** A roll that did not complete: what it did, what it left disabled, what remains to resume. */
  | {kind: 'roll-stopped'; result: RollResult; request: Pick<WorkerUpgradeRequest, 'kind' | 'keepHealthy' | 'batchSize'>; spaceName: string; leftDisabled: RolledWorker[]; remaining: RolledWorker[]}

/** What `worker upgrade` warns of. */
export type WorkerUpgradeWarning =
  /** A worker an earlier, stopped run left disabled, outside this run's selection: left as it is. */
  | {kind: 'stopped-run-outside-selection'; worker: WorkerResource; owner: UpgradeClaim}
  | {kind: 'skipping'; worker: WorkerResource; reason: string}
  /** Without --rolling: one task for every worker, with no floor. */
  | {kind: 'single-task'; workers: number; upgrade: UpgradeKind}

export interface SkippedWorker {
  Id: string
  Name: string
  Reason: string
}

export interface SingleTaskRow {
  Id: string
  Name: string
  VersionBefore: string
  VersionAfter: string
  Current: boolean
}

/** A worker an earlier, stopped run left disabled after upgrading it, put back in its state before that run. */
export interface RestoredWorker {
  Id: string
  Name: string
  WasEnabled: boolean
  Message: string
}

export type WorkerUpgradeResult =
  | {Mode: 'nothing-to-do'; Message: string; Skipped: SkippedWorker[]; Restored: RestoredWorker[]; exitCode: ExitCodeValue}
  | {Mode: 'single-task'; Kind: UpgradeKind; Outcome: string; Task: TaskResource; Skipped: SkippedWorker[]; Restored: RestoredWorker[]; Workers: SingleTaskRow[]; exitCode: ExitCodeValue}
  | ({Mode: 'rolling'; Kind: UpgradeKind; Floors: PoolFloor[]; Skipped: SkippedWorker[]; Restored: RestoredWorker[]; exitCode: ExitCodeValue} & RollResult)

/** What the claims of earlier runs mean for this one (see upgrade-claims.ts). */
export interface ClaimReview {
  /** Workers an earlier, stopped run disabled and did not finish: whether each was enabled before it. */
  enabledBefore: Map<string, boolean>
  /** Of those, the ones already current: to restore, not to upgrade again. */
  restore: WorkerResource[]
  /** Of those, the ones still to upgrade: planned even when already disabled or not otherwise selected. */
  finish: WorkerResource[]
  /** Workers another live run is upgrading now: left to it. */
  busy: Array<{worker: WorkerResource; owner: UpgradeClaim}>
  /** Claims to forget: the worker is gone, or was put back in service meanwhile. */
  forget: string[]
  /** Orphans outside this selection, left as they are (with a warning). */
  outside: Array<{worker: WorkerResource; claim: UpgradeClaim}>
}

/**
 * Sorts the claims of other runs for this selection (pure). An orphan (its process is gone) whose
 * worker is still disabled was left by a stopped run: finish its upgrade, or, if it is current
 * already, restore it. A worker enabled again since, or gone, needs nothing.
 */
export function reviewClaims(opts: {claims: UpgradeClaim[]; isOrphan: (c: UpgradeClaim) => boolean; isMine: (c: UpgradeClaim) => boolean; workers: WorkerResource[]; inScope: (w: WorkerResource) => boolean; kind: UpgradeKind; all: boolean; summary?: UpgradeSummaryFacts}): ClaimReview {
  const review: ClaimReview = {enabledBefore: new Map(), restore: [], finish: [], busy: [], forget: [], outside: []}
  const byId = new Map(opts.workers.map((w) => [w.Id, w]))
  for (const claim of opts.claims) {
    if (opts.isMine(claim)) continue
    const worker = byId.get(claim.WorkerId)
    if (!opts.isOrphan(claim)) {
      if (worker && opts.inScope(worker)) review.busy.push({worker, owner: claim})
      continue
    }
    if (!worker || !worker.IsDisabled) {
      review.forget.push(claim.WorkerId)
      continue
    }
    if (!opts.inScope(worker)) {
      review.outside.push({worker, claim})
      continue
    }
    review.enabledBefore.set(worker.Id, claim.WasEnabled)
    if (opts.all || needsUpgrade(worker, opts.kind, opts.summary)) review.finish.push(worker)
    else review.restore.push(worker)
  }
  return review
}

export async function runWorkerUpgrade(request: WorkerUpgradeRequest, deps: WorkerUpgradeDeps): Promise<WorkerUpgradeResult> {
  const {kind} = request
  const config = await deps.config()
  const space = await deps.connect()
  const [workers, pools, summary] = await Promise.all([
    listWorkers(space), listWorkerPools(space),
    getWorkerPoolsSummary(space).then((s) => s as unknown as UpgradeSummaryFacts).catch(() => undefined),
  ])
  const named = findAllByNameOrId(workers, request.names, 'worker')
  const selectedPools = findAllByNameOrId(pools, request.poolInputs, 'worker pool')
  const poolIds = new Set(selectedPools.map((p) => p.Id))
  const namedIds = new Set(named.map((w) => w.Id))
  const claims = deps.claims?.(space)
  const review = reviewClaims({
    claims: claims ? await claims.list() : [], isOrphan: (c) => claims!.isOrphan(c), isMine: (c) => claims!.isMine(c), workers, kind, all: request.all, summary,
    inScope: (w) => namedIds.has(w.Id) || (w.WorkerPoolIds ?? []).some((id) => poolIds.has(id)),
  })
  for (const id of review.forget) await claims?.release(id)
  for (const {worker, claim} of review.outside) deps.warn({kind: 'stopped-run-outside-selection', worker, owner: claim})
  for (const w of [...review.finish, ...review.restore]) deps.progress({kind: 'resuming-stopped-run', worker: w, wasEnabled: Boolean(review.enabledBefore.get(w.Id)), upgraded: review.restore.includes(w)})

  const selection = selectUpgradeTargets({
    named: [...named, ...review.finish.filter((w) => !namedIds.has(w.Id))], pools: selectedPools, workers, kind, all: request.all, summary, includeUnavailable: request.includeUnavailable,
  })
  const restoreIds = new Set(review.restore.map((w) => w.Id))
  const busyIds = new Map(review.busy.map((b) => [b.worker.Id, b.owner]))
  const busySkips = selection.targets.filter((w) => busyIds.has(w.Id)).map((worker) => ({worker, reason: `being upgraded by another octoworkers run (${describeProcess(busyIds.get(worker.Id)!)})`}))
  const targets = selection.targets.filter((w) => !restoreIds.has(w.Id) && !busyIds.has(w.Id))
  const skippedRaw = [...selection.skipped, ...busySkips]
  for (const {worker, reason} of skippedRaw) deps.warn({kind: 'skipping', worker, reason})
  const skipped = skippedRaw.map((s) => ({Id: s.worker.Id, Name: s.worker.Name, Reason: s.reason}))

  const restored = await restoreWorkers(space, review.restore, review.enabledBefore, {claims, timeoutMs: request.timeoutMs, startWaiting: deps.startWaiting, progress: deps.progress})
  if (restored.interrupted) {
    return {Mode: 'nothing-to-do', Message: 'Stopped while checking the restored workers\' health; they are enabled again.', Skipped: skipped, Restored: restored.workers, exitCode: ExitCode.Interrupted}
  }
  if (targets.length === 0) {
    const current = selection.current.filter((w) => !restoreIds.has(w.Id)).length
    const message = `Nothing to upgrade: ${current ? `${current} worker(s) already run a current ${kind}` : 'no worker needs it'}${skipped.length ? `; ${skipped.length} skipped` : ''}${restored.workers.length ? `; ${restored.workers.length} put back in service after an earlier stopped run` : ''}. Use --all to include current workers.`
    return {Mode: 'nothing-to-do', Message: message, Skipped: skipped, Restored: restored.workers, exitCode: ExitCode.Success}
  }
  if (!request.rolling) return bigBang(space, targets, request, deps, skipped, restored.workers, {claims, enabledBefore: review.enabledBefore})

  const floorOf = floorFunction(request.keepHealthy, config)
  let plan = planBatches({targets, workers, pools, floorOf, batchSize: request.batchSize})
  deps.progress({kind: 'rolling-plan', upgrade: kind, plan: plannedBatches(plan, kind)})
  if (!request.yes) {
    await deps.confirm(plan.batches.flat())
    plan = await replanAfterPrompt(space, plan, {floorOf, batchSize: request.batchSize, kind, progress: deps.progress})
  }
  const result = await runRollingUpgrade(space, {
    kind, batches: plan.batches, floorOf, timeoutMs: request.timeoutMs, signal: deps.startWaiting(), debug: deps.debug,
    onProgress: deps.progress, claims, enabledBefore: review.enabledBefore, bin: deps.bin,
  })
  if (result.Outcome !== 'completed') {
    deps.progress({kind: 'roll-stopped', result, request, spaceName: space.space.Name, leftDisabled: leftDisabledByRun(result), remaining: remainingWorkers(result)})
  }
  const exitCode = rollExitCode(result)
  return {Mode: 'rolling', Kind: kind, Floors: plan.floors, Skipped: skipped, Restored: restored.workers, ...result, exitCode}
}

/**
 * After the confirmation (which may have waited for minutes): the workers and pools read again and
 * the batches planned again on them, so the floor is checked on what the server says now (exit 5,
 * nothing changed, when another change took a pool down meanwhile). A plan that changed is shown.
 */
async function replanAfterPrompt(space: SpaceContext, shown: BatchPlan, opts: {floorOf: (pool: FloorPool) => number; batchSize: number; kind: UpgradeKind; progress: (event: WorkerUpgradeEvent) => void}): Promise<BatchPlan> {
  const fresh = await readAgainAfterPrompt(space, shown.batches.flat())
  let plan: BatchPlan
  try {
    plan = planBatches({targets: fresh.targets, workers: fresh.workers, pools: fresh.pools, floorOf: opts.floorOf, batchSize: opts.batchSize})
  } catch (error) {
    throw error instanceof CliError && error.exitCode === ExitCode.Unsafe ? refusedAfterPrompt(error) : error
  }
  const batchesOf = (p: BatchPlan) => JSON.stringify(p.batches.map((b) => b.map((w) => w.Id)))
  if (batchesOf(plan) !== batchesOf(shown)) {
    opts.progress({kind: 'rolling-replanned', upgrade: opts.kind, plan: plannedBatches(plan, opts.kind)})
  }
  return plan
}

/** The batches as the plan shows them: names, versions, disabled or not, and the floors. */
function plannedBatches(plan: BatchPlan, kind: UpgradeKind): PlannedBatches {
  return {batches: plan.batches.map((batch) => batch.map((w) => ({Name: w.Name, Version: versionLabel(w, kind), IsDisabled: Boolean(w.IsDisabled)}))), floors: plan.floors}
}

/**
 * Puts back workers an earlier, stopped run upgraded and left disabled: enabled again if they were
 * enabled before that run, then one health check of them (Octopus does not check disabled ones).
 */
async function restoreWorkers(space: SpaceContext, workers: WorkerResource[], enabledBefore: ReadonlyMap<string, boolean>, opts: {claims?: ClaimStore; timeoutMs: number; startWaiting: () => AbortSignal; progress: (event: WorkerUpgradeEvent) => void}): Promise<{workers: RestoredWorker[]; interrupted: boolean}> {
  const out: RestoredWorker[] = []
  const enabled: WorkerResource[] = []
  if (workers.length === 0) return {workers: out, interrupted: false}
  const signal = opts.startWaiting()
  for (const w of workers) {
    const wasEnabled = enabledBefore.get(w.Id) ?? false
    const claimed = opts.claims ? await opts.claims.claim(w, wasEnabled) : {claimed: true as const}
    if (!claimed.claimed) continue
    if (wasEnabled) {
      await writeChange(space, w.Id, enableChange)
      enabled.push(w)
    }
    await opts.claims?.release(w.Id)
    out.push({Id: w.Id, Name: w.Name, WasEnabled: wasEnabled, Message: wasEnabled ? 'upgraded by an earlier run that was stopped; enabled again' : 'upgraded by an earlier run that was stopped; left disabled as it was before'})
  }
  if (enabled.length === 0) return {workers: out, interrupted: false}
  const health = await createTask(space, {Name: 'Health', Description: 'Health check of workers octoworkers put back in service', Arguments: {Timeout: '00:05:00', MachineTimeout: '00:01:00', MachineIds: enabled.map((w) => w.Id), RestrictedTo: 'Workers'}})
  opts.progress({kind: 'restored-health-check', workers: enabled, taskId: health.Id})
  const waited = await waitForTaskEnd(space, health.Id, {timeoutMs: opts.timeoutMs, intervalMs: 1000, signal})
  return {workers: out, interrupted: waited.outcome === 'interrupted'}
}

/** The portal's way: one task for every worker, then each worker's version afterwards. */
async function bigBang(space: SpaceContext, full: WorkerResource[], request: WorkerUpgradeRequest, deps: WorkerUpgradeDeps, skipped: SkippedWorker[], restored: RestoredWorker[], adopted: {claims?: ClaimStore; enabledBefore: ReadonlyMap<string, boolean>}): Promise<WorkerUpgradeResult> {
  const {kind} = request
  deps.warn({kind: 'single-task', workers: full.length, upgrade: kind})
  deps.progress({kind: 'single-task-plan', workers: full.map((w) => ({Name: w.Name, Version: versionLabel(w, kind)}))})
  // It disables no worker (the task leases each one for its upgrade), so there is no floor to check again after the answer.
  if (!request.yes) await deps.confirm(full)
  const task = await createTask(space, upgradeTaskBody(kind, full, `${kind === 'Tentacle' ? 'Upgrade' : 'Calamari update'} of ${full.length} worker(s) by octoworkers`))
  deps.progress({kind: 'single-task-started', taskName: task.Name, taskId: task.Id})
  const waited = await waitForTaskEnd(space, task.Id, {timeoutMs: request.timeoutMs, intervalMs: 1000, signal: deps.startWaiting()})
  if (waited.outcome === 'finished') {
    // Workers an earlier, stopped rolling run left disabled go back to their state before it.
    for (const w of full.filter((x) => adopted.enabledBefore.has(x.Id))) {
      if (adopted.enabledBefore.get(w.Id)) await writeChange(space, w.Id, enableChange)
      await adopted.claims?.release(w.Id)
    }
  }
  const after = new Map((await listWorkers(space)).map((w) => [w.Id, w]))
  const rows = full.map((w) => {
    const now = after.get(w.Id) ?? w
    return {Id: w.Id, Name: w.Name, VersionBefore: versionLabel(w, kind), VersionAfter: versionLabel(now, kind), Current: !needsUpgrade(now, kind)}
  })
  let exitCode: ExitCodeValue = ExitCode.Success
  if (waited.outcome === 'interrupted') {
    deps.progress({kind: 'single-task-interrupted', taskId: task.Id, state: waited.task.State})
    exitCode = ExitCode.Interrupted
  } else if (waited.outcome === 'timed-out') {
    deps.progress({kind: 'single-task-timed-out', taskId: task.Id, state: waited.task.State})
    exitCode = ExitCode.Failure
  } else if (waited.task.State !== 'Success') {
    deps.progress({kind: 'single-task-failed', taskId: task.Id, state: waited.task.State, ...(waited.task.ErrorMessage ? {error: String(waited.task.ErrorMessage)} : {})})
    exitCode = ExitCode.Failure
  }
  return {Mode: 'single-task', Kind: kind, Outcome: waited.outcome === 'finished' ? waited.task.State : waited.outcome, Task: waited.task, Skipped: skipped, Restored: restored, Workers: rows, exitCode}
}

/**
 * The exit code of a roll: 0 completed; 130 interrupted; 5 refused at a batch (the floor, checked
 * before it or verified once it was disabled), which is left as this run found it, the batches
 * before it being done and reported; 1 otherwise, including a refusal that could not put a worker
 * back (the undo is printed).
 */
export function rollExitCode(result: RollResult): ExitCodeValue {
  if (result.Outcome === 'completed') return ExitCode.Success
  if (result.Outcome === 'interrupted') return ExitCode.Interrupted
  // Exit 5 promises that nothing was changed: a roll refused after a batch was upgraded changed
  // something, so it is a failure (1) that names the refusal, as is one that could not put a worker back.
  const changed = result.Workers.some((w) => w.Outcome === 'upgraded' || w.Outcome === 'failed')
  return result.Outcome === 'refused' && !changed ? ExitCode.Unsafe : ExitCode.Failure
}

/** The --json document: each mode's shape as before (the exit code is not part of it). */
export function upgradeJson(result: WorkerUpgradeResult): unknown {
  switch (result.Mode) {
    case 'nothing-to-do': return {Outcome: 'nothing-to-do', Message: result.Message, Skipped: result.Skipped, Restored: result.Restored, Workers: []}
    case 'single-task': {
      const {exitCode: _exitCode, ...doc} = result
      return doc
    }
    case 'rolling': {
      const {exitCode: _exitCode, ...doc} = result
      return doc
    }
  }
}
