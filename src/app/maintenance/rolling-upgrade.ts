/**
 * Runs a rolling upgrade against a server: for each batch, check the floor again (workers may have
 * changed since the plan), record each worker as this run's (upgrade-claims.ts) and drain the batch,
 * start Octopus's own `Upgrade` (or `UpdateCalamari`) task for it, wait, put every worker back in
 * the state it had (enabled if it was), health-check the ones enabled, then the next batch.
 *
 * A worker is judged by this run's own upgrade task: what the task says failed is failed (and is
 * put back as it was, enabled if it was: a failed upgrade leaves the previous version running, and
 * a disabled worker helps nobody); a worker the task upgraded is upgraded, even if another command
 * disabled it meanwhile (that is reported, and left as the other command set it). The first
 * failure stops the roll: the rest are reported as not attempted, with the command that resumes.
 *
 * The floor (guard.ts): checked again before each batch, and verified on a fresh read once the
 * batch is disabled. A pool then below its floor means another command took workers out of
 * service at the same time: the batch's workers this run disabled are enabled again, the batch is
 * refused and the roll stops there (exit 5); the batches before it are done and reported so.
 *
 * Order note: Octopus does not health-check disabled workers, so the check runs after a worker is
 * enabled again.
 */
import {CliError} from '../../text/errors.js'
import type {SpaceContext} from '../../octopus/client.js'
import {createTask, getTask, listWorkerPools, listWorkers} from '../../octopus/repositories.js'
import type {TaskResource, WorkerResource} from '../../octopus/types.js'
import {isAvailable} from '../../domain/availability.js'
import {isTaskFinished} from '../workers/health.js'
import {backoff, type DrainWaitEvent} from './drain.js'
import {abortableSleep} from '../../text/sleep.js'
import {describeProcess} from '../../text/wording.js'
import {drainWorkers} from './drain-run.js'
import {describeViolation, type FloorPool} from '../../domain/pool-floors.js'
import {checkFloors, disableChange, enableChange, writeChange} from './guard.js'
import type {ClaimStore} from './upgrade-claims.js'
import {needsUpgrade, upgradeTaskBody, versionLabel, type UpgradeKind} from './upgrade-plan.js'

/**
 * `skipped`: another run on this machine is upgrading the worker now (its claim is live).
 * `refused`: its batch was disabled, another change had taken the pool below its floor meanwhile,
 * and the worker was put back as it was, not upgraded.
 */
export type WorkerUpgradeOutcome = 'upgraded' | 'failed' | 'not-attempted' | 'interrupted' | 'skipped' | 'refused'
export type RollOutcome = 'completed' | 'failed' | 'timed-out' | 'interrupted' | 'refused'

/** One worker's part in a rolling upgrade: its outcome, its versions and the state it was left in. */
export interface RolledWorker {
  Id: string
  Name: string
  WasEnabled: boolean
  Batch: number
  Outcome: WorkerUpgradeOutcome
  VersionBefore: string
  VersionAfter: string | null
  /** Left disabled by this run (timed out, interrupted, or disabled before). */
  LeftDisabled: boolean
  /** Another command disabled it while this run upgraded it; this run left it so. */
  DisabledByOther: boolean
  Message: string
}

export interface BatchResult {
  Batch: number
  WorkerIds: string[]
  UpgradeTaskId: string | null
  HealthTaskId: string | null
  Outcome: 'done' | 'failed' | 'timed-out' | 'interrupted' | 'refused'
}

export interface RollResult {
  Outcome: RollOutcome
  Message: string | null
  Batches: BatchResult[]
  Workers: RolledWorker[]
}

/** What a rolling upgrade reports as it goes, batch by batch. */
export type RollEvent =
  /** Every worker of the batch is being upgraded by another live run: the batch is left to it. */
  | {kind: 'batch-skipped'; batch: number; of: number; workers: WorkerResource[]}
  | {kind: 'batch-draining'; batch: number; of: number; workers: WorkerResource[]}
  | DrainWaitEvent
  | {kind: 'upgrade-task-started'; upgrade: UpgradeKind; taskId: string}
  | {kind: 'health-check'; taskId: string; workers: WorkerResource[]}
  | {kind: 'batch-done'; batch: number; workers: WorkerResource[]}

export interface RollOptions {
  kind: UpgradeKind
  batches: WorkerResource[][]
  floorOf: (pool: FloorPool) => number
  /** Each wait (leases, the upgrade task, the health check) gives up after this long. */
  timeoutMs: number
  signal?: AbortSignal
  intervalMs?: number
  debug?: (line: string) => void
  /** Progress for stderr (src/views/maintenance-progress.ts words it). */
  onProgress?: (event: RollEvent) => void
  /** Where the run records the workers it takes out of service (so a rerun can finish or restore them). */
  claims?: ClaimStore
  /** The CLI's name, for the command that puts a worker back when the automatic undo could not. */
  bin: string
  /**
   * Workers an earlier, stopped run disabled, with whether they were enabled before it: their
   * state now (disabled) is not the state to restore.
   */
  enabledBefore?: ReadonlyMap<string, boolean>
}

type TaskWait = {task: TaskResource; outcome: 'finished' | 'timed-out' | 'interrupted'}

/** Polls a task until it finishes, the timeout passes, or the signal aborts (the task goes on). */
export async function waitForTaskEnd(space: SpaceContext, taskId: string, opts: {timeoutMs: number; intervalMs: number; signal?: AbortSignal}): Promise<TaskWait> {
  const started = Date.now()
  for (let poll = 0; ; poll++) {
    const task = await getTask(space, taskId)
    if (isTaskFinished(task)) return {task, outcome: 'finished'}
    if (opts.signal?.aborted) return {task, outcome: 'interrupted'}
    if (Date.now() - started >= opts.timeoutMs) return {task, outcome: 'timed-out'}
    await abortableSleep(backoff(poll, opts.intervalMs), opts.signal)
  }
}

export async function runRollingUpgrade(space: SpaceContext, opts: RollOptions): Promise<RollResult> {
  const intervalMs = opts.intervalMs ?? 1000
  const progress = opts.onProgress ?? (() => {})
  const results = new Map<string, RolledWorker>()
  const enabledBefore = (w: WorkerResource) => opts.enabledBefore?.get(w.Id) ?? !w.IsDisabled
  opts.batches.forEach((batch, i) => {
    for (const w of batch) {
      results.set(w.Id, {Id: w.Id, Name: w.Name, WasEnabled: enabledBefore(w), Batch: i + 1, Outcome: 'not-attempted', VersionBefore: versionLabel(w, opts.kind), VersionAfter: null, LeftDisabled: Boolean(w.IsDisabled), DisabledByOther: false, Message: 'not attempted'})
    }
  })
  const batches: BatchResult[] = []
  const finish = (outcome: RollOutcome, message: string | null): RollResult => ({Outcome: outcome, Message: message, Batches: batches, Workers: [...results.values()]})
  const taskWord = opts.kind === 'Tentacle' ? 'Upgrade' : 'UpdateCalamari'
  const release = async (ids: string[]) => {
    for (const id of ids) await opts.claims?.release(id)
  }

  for (const [index, planned] of opts.batches.entries()) {
    const number = index + 1
    const batch: BatchResult = {Batch: number, WorkerIds: planned.map((w) => w.Id), UpgradeTaskId: null, HealthTaskId: null, Outcome: 'done'}
    batches.push(batch)
    if (opts.signal?.aborted) {
      batch.Outcome = 'interrupted'
      return finish('interrupted', `Interrupted before batch ${number}.`)
    }
    // 1. The floor again, on what the server says now.
    const [workers, pools] = await Promise.all([listWorkers(space), listWorkerPools(space)])
    const byId = new Map(workers.map((w) => [w.Id, w]))
    const present = planned.map((w) => byId.get(w.Id)).filter((w): w is WorkerResource => w !== undefined)
    const {violations} = checkFloors({workers, pools, targets: present, change: disableChange, floorOf: opts.floorOf})
    if (violations.length > 0) {
      batch.Outcome = 'refused'
      return finish('refused', `Stopped before batch ${number}: ${violations.map((v) => describeViolation(v, 'upgrading this batch')).join('; ')}.`)
    }
    // 2. Record each worker as this run's before changing it; one another live run is upgrading is left to it.
    const fresh: WorkerResource[] = []
    for (const w of present) {
      const result = results.get(w.Id)!
      result.WasEnabled = enabledBefore(w)
      const claimed = opts.claims ? await opts.claims.claim(w, result.WasEnabled) : {claimed: true as const}
      if (claimed.claimed) fresh.push(w)
      else Object.assign(result, {Outcome: 'skipped', LeftDisabled: false, Message: `being upgraded by another octoworkers run (${describeProcess(claimed.owner)}); left to it`})
    }
    batch.WorkerIds = fresh.map((w) => w.Id)
    if (fresh.length === 0) {
      progress({kind: 'batch-skipped', batch: number, of: opts.batches.length, workers: present})
      continue
    }

    // 3. Drain; once the batch is disabled, the floor verified on a fresh read (guard.ts, step 4).
    progress({kind: 'batch-draining', batch: number, of: opts.batches.length, workers: fresh})
    const drain = await drainWorkers(space, fresh, {
      timeoutMs: opts.timeoutMs, intervalMs, signal: opts.signal, debug: opts.debug, verifyFloor: {floorOf: opts.floorOf, bin: opts.bin},
      onDisabled: (targets) => {
        // What to put back is decided by this run's own write, read just before it: a worker another
        // run or admin had disabled meanwhile is theirs to enable, one this run disabled is its own.
        // An earlier stopped run of this tool counts as this run (its claim says what it found).
        for (const t of targets) Object.assign(results.get(t.Id)!, {LeftDisabled: true, WasEnabled: t.WasEnabled || (opts.enabledBefore?.get(t.Id) ?? false)})
      },
      onStale: (worker, lease) => progress({kind: 'stale-lease', worker, lease}),
      onProgress: (waiting, elapsedMs) => progress({kind: 'waiting', waiting, elapsedMs}),
    }).catch((error: unknown) => {
      if (error instanceof CliError && error.code === 'concurrent-change') return error
      throw error
    })
    if (drain instanceof CliError) {
      batch.Outcome = 'refused'
      await refuseBatch(drain, fresh, results, {release, enabledBefore: opts.enabledBefore})
      return finish('refused', `Stopped at batch ${number}: ${drain.message.replace(/^Refusing: a/, 'a')}`)
    }
    if (drain.Outcome !== 'drained') {
      batch.Outcome = drain.Outcome === 'interrupted' ? 'interrupted' : 'timed-out'
      for (const w of fresh) Object.assign(results.get(w.Id)!, {Outcome: drain.Outcome === 'interrupted' ? 'interrupted' : 'failed', Message: 'drain did not finish; left disabled'})
      const held = [...new Set(drain.Workers.flatMap((w) => w.Leases.map((l) => l.TaskId)))]
      return finish(drain.Outcome === 'interrupted' ? 'interrupted' : 'timed-out', `Batch ${number} did not drain${drain.Outcome === 'timed-out' ? ' in time' : ''}: leases still held by ${held.join(', ')}.`)
    }

    // 4. Octopus's own upgrade task for the batch.
    const description = `Rolling ${opts.kind === 'Tentacle' ? 'Tentacle upgrade' : 'Calamari update'} by octoworkers, batch ${number} of ${opts.batches.length}: ${fresh.map((w) => w.Name).join(', ')}`
    const upgradeTask = await createTask(space, upgradeTaskBody(opts.kind, fresh, description))
    batch.UpgradeTaskId = upgradeTask.Id
    progress({kind: 'upgrade-task-started', upgrade: opts.kind, taskId: upgradeTask.Id})
    const upgraded = await waitForTaskEnd(space, upgradeTask.Id, {timeoutMs: opts.timeoutMs, intervalMs, signal: opts.signal})
    if (upgraded.outcome !== 'finished') {
      batch.Outcome = upgraded.outcome
      for (const w of fresh) Object.assign(results.get(w.Id)!, {Outcome: upgraded.outcome === 'interrupted' ? 'interrupted' : 'failed', Message: `${taskWord} task ${upgradeTask.Id} still ${upgraded.task.State}; left disabled`})
      return finish(upgraded.outcome, `${taskWord} task ${upgradeTask.Id} is still ${upgraded.task.State}${upgraded.outcome === 'timed-out' ? ' at the timeout' : ''} (the task goes on).`)
    }
    const afterUpgrade = new Map((await listWorkers(space)).map((w) => [w.Id, w]))
    // A failed task: the workers that still need the upgrade are the ones it failed on; if none
    // visibly does (e.g. --all on current workers), every worker of the batch counts as failed.
    const stillOld = upgraded.task.State === 'Success' ? [] : fresh.filter((w) => needsUpgrade(afterUpgrade.get(w.Id) ?? w, opts.kind))
    const failedIds = new Set(upgraded.task.State === 'Success' ? [] : (stillOld.length ? stillOld : fresh).map((w) => w.Id))
    const taskError = upgraded.task.ErrorMessage ? `: ${String(upgraded.task.ErrorMessage).replace(/\.$/, '')}` : ''

    // 5. Every worker back in the state it had: enabled if it was, failed or not.
    const toEnable = fresh.filter((w) => results.get(w.Id)!.WasEnabled)
    for (const w of toEnable) {
      await writeChange(space, w.Id, enableChange)
      results.get(w.Id)!.LeftDisabled = false
    }
    for (const w of fresh.filter((x) => failedIds.has(x.Id))) {
      const result = results.get(w.Id)!
      Object.assign(result, {Outcome: 'failed', VersionAfter: versionLabel(afterUpgrade.get(w.Id) ?? w, opts.kind), Message: `${taskWord} task ${upgradeTask.Id} ${upgraded.task.State}${taskError}; ${result.WasEnabled ? 'enabled again, as it was before' : 'left disabled, as it was before'}`})
    }
    const succeeded = fresh.filter((w) => !failedIds.has(w.Id))
    const checkable = succeeded.filter((w) => results.get(w.Id)!.WasEnabled)
    let checkedById = afterUpgrade
    if (checkable.length > 0) {
      const health = await createTask(space, {Name: 'Health', Description: `Health check after octoworkers rolling upgrade, batch ${number}`, Arguments: {Timeout: '00:05:00', MachineTimeout: '00:01:00', MachineIds: checkable.map((w) => w.Id), RestrictedTo: 'Workers'}})
      batch.HealthTaskId = health.Id
      progress({kind: 'health-check', taskId: health.Id, workers: checkable})
      const checked = await waitForTaskEnd(space, health.Id, {timeoutMs: opts.timeoutMs, intervalMs, signal: opts.signal})
      if (checked.outcome !== 'finished') {
        batch.Outcome = checked.outcome
        await release(fresh.map((w) => w.Id))
        for (const w of checkable) Object.assign(results.get(w.Id)!, {Outcome: checked.outcome === 'interrupted' ? 'interrupted' : 'failed', Message: `upgraded; health check ${health.Id} still ${checked.task.State}; enabled again`})
        return finish(checked.outcome, `Health check ${health.Id} is still ${checked.task.State}${checked.outcome === 'timed-out' ? ' at the timeout' : ''}.`)
      }
      checkedById = new Map((await listWorkers(space)).map((w) => [w.Id, w]))
    }
    for (const w of succeeded) {
      const now = checkedById.get(w.Id) ?? w
      const result = results.get(w.Id)!
      result.VersionAfter = versionLabel(now, opts.kind)
      const change = `${result.VersionBefore} -> ${result.VersionAfter}`
      if (!result.WasEnabled) {
        Object.assign(result, {Outcome: 'upgraded', LeftDisabled: true, Message: `upgraded (${change}); left disabled as it was (Octopus does not health-check disabled workers)`})
      } else if (needsUpgrade(now, opts.kind)) {
        failedIds.add(w.Id)
        Object.assign(result, {Outcome: 'failed', Message: `${taskWord} task ${upgradeTask.Id} succeeded but the worker still reports ${result.VersionAfter}; enabled again, as it was before`})
      } else if (now.IsDisabled) {
        // This run enabled it after its task succeeded: another command has disabled it since.
        Object.assign(result, {Outcome: 'upgraded', DisabledByOther: true, Message: `upgraded (${change}); disabled meanwhile by another change, left so`})
      } else if (!isAvailable(now)) {
        failedIds.add(w.Id)
        Object.assign(result, {Outcome: 'failed', Message: `upgraded (${change}), but health check ${batch.HealthTaskId} found it ${now.HealthStatus}; enabled again, as it was before`})
      } else {
        Object.assign(result, {Outcome: 'upgraded', Message: `upgraded (${change}); available again`})
      }
    }
    await release(fresh.map((w) => w.Id))
    if (failedIds.size > 0) {
      batch.Outcome = 'failed'
      const failedNames = fresh.filter((w) => failedIds.has(w.Id)).map((w) => w.Name)
      return finish('failed', `Stopped at batch ${number}: ${failedNames.join(', ')} failed.`)
    }
    progress({kind: 'batch-done', batch: number, workers: succeeded})
  }
  return finish('completed', null)
}

/**
 * A batch the floor verification refused (drainWorkers has put back the workers this run disabled,
 * and says which it could not): each worker's result, and its claim released unless the worker is
 * still disabled by this run or by an earlier stopped one (a rerun then finishes or restores it).
 */
async function refuseBatch(refusal: CliError, batch: WorkerResource[], results: Map<string, RolledWorker>, opts: {release: (ids: string[]) => Promise<void>; enabledBefore?: ReadonlyMap<string, boolean>}): Promise<void> {
  const ids = (key: string) => new Set(((refusal.details?.[key] ?? []) as Array<{Id: string}>).map((r) => r.Id))
  const putBack = ids('restored')
  const notPutBack = ids('notRestored')
  const why = 'another change took the pool below its floor while this batch was disabled'
  const released: string[] = []
  for (const w of batch) {
    const result = results.get(w.Id)!
    if (putBack.has(w.Id)) {
      Object.assign(result, {Outcome: 'refused', WasEnabled: true, LeftDisabled: false, Message: `not upgraded: ${why}; enabled again, as it was before`})
      released.push(w.Id)
    } else if (notPutBack.has(w.Id)) {
      Object.assign(result, {Outcome: 'failed', WasEnabled: true, LeftDisabled: true, Message: `not upgraded: ${why}, and it could not be enabled again`})
    } else if (opts.enabledBefore?.has(w.Id)) {
      // Disabled by an earlier stopped run of this tool: its claim stays, so a rerun finishes or restores it.
      Object.assign(result, {Outcome: 'refused', WasEnabled: opts.enabledBefore.get(w.Id)!, LeftDisabled: true, Message: `not upgraded: ${why}; left disabled, as an earlier stopped run left it`})
    } else {
      // Already disabled when this run came to write it: not this run's to enable.
      Object.assign(result, {Outcome: 'refused', WasEnabled: false, LeftDisabled: true, Message: `not upgraded: ${why}; left disabled, as it was`})
      released.push(w.Id)
    }
  }
  await opts.release(released)
}

/** The workers of the roll still to do (not attempted, interrupted, or refused with their batch), for the resume command. */
export function remainingWorkers(result: RollResult): RolledWorker[] {
  return result.Workers.filter((w) => w.Outcome === 'not-attempted' || w.Outcome === 'interrupted' || w.Outcome === 'refused')
}

/** Workers this run left disabled that were enabled before it: what an undo re-enables. */
export function leftDisabledByRun(result: RollResult): RolledWorker[] {
  return result.Workers.filter((w) => w.WasEnabled && w.LeftDisabled)
}
