/**
 * Runs a rolling upgrade against a server: for each batch, check the floor again (workers may have
 * changed since the plan), drain the batch, start Octopus's own `Upgrade` (or `UpdateCalamari`)
 * task for it, wait, put the workers that were enabled back in service, health-check them and
 * confirm they are available and current. The first failure stops the roll: the failed worker
 * stays disabled and the rest is reported as not attempted, with the command that resumes.
 *
 * Order note: Octopus does not health-check disabled workers, so the check runs after a worker is
 * enabled again; a worker the check finds unavailable (or still outdated) is disabled again.
 */
import type {SpaceContext} from '../octopus/client.js'
import {createTask, getTask, listWorkerPools, listWorkers, updateWorker} from '../octopus/repositories.js'
import type {TaskResource, WorkerResource} from '../octopus/types.js'
import {isAvailable} from '../workers/availability.js'
import {isTaskFinished} from '../workers/health.js'
import {abortableSleep, backoff, type DrainTarget} from './drain.js'
import {drainWorkers} from './drain-run.js'
import {floorViolations, poolFloors, describeViolation, type FloorPool} from './floor.js'
import {needsUpgrade, upgradeTaskBody, versionLabel, type UpgradeKind} from './upgrade-plan.js'

export type WorkerUpgradeOutcome = 'upgraded' | 'failed' | 'not-attempted' | 'interrupted'
export type RollOutcome = 'completed' | 'failed' | 'timed-out' | 'interrupted' | 'refused'

export interface WorkerUpgradeResult {
  Id: string
  Name: string
  WasEnabled: boolean
  Batch: number
  Outcome: WorkerUpgradeOutcome
  VersionBefore: string
  VersionAfter: string | null
  /** Left disabled by this run (failed, timed out, interrupted, or disabled before). */
  LeftDisabled: boolean
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
  Workers: WorkerUpgradeResult[]
}

export interface RollOptions {
  kind: UpgradeKind
  batches: WorkerResource[][]
  floorOf: (pool: FloorPool) => number
  /** Each wait (leases, the upgrade task, the health check) gives up after this long. */
  timeoutMs: number
  signal?: AbortSignal
  intervalMs?: number
  debug?: (line: string) => void
  /** Progress for stderr. */
  onProgress?: (line: string) => void
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

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

export async function runRollingUpgrade(space: SpaceContext, opts: RollOptions): Promise<RollResult> {
  const intervalMs = opts.intervalMs ?? 1000
  const progress = opts.onProgress ?? (() => {})
  const results = new Map<string, WorkerUpgradeResult>()
  opts.batches.forEach((batch, i) => {
    for (const w of batch) {
      results.set(w.Id, {Id: w.Id, Name: w.Name, WasEnabled: !w.IsDisabled, Batch: i + 1, Outcome: 'not-attempted', VersionBefore: versionLabel(w, opts.kind), VersionAfter: null, LeftDisabled: Boolean(w.IsDisabled), Message: 'not attempted'})
    }
  })
  const batches: BatchResult[] = []
  const finish = (outcome: RollOutcome, message: string | null): RollResult => ({Outcome: outcome, Message: message, Batches: batches, Workers: [...results.values()]})
  const taskWord = opts.kind === 'Tentacle' ? 'Upgrade' : 'UpdateCalamari'

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
    const fresh = planned.map((w) => byId.get(w.Id)).filter((w): w is WorkerResource => w !== undefined)
    const violations = floorViolations(poolFloors({pools, workers, out: fresh.map((w) => w.Id), floorOf: opts.floorOf}))
    if (violations.length > 0) {
      batch.Outcome = 'refused'
      return finish('refused', `Stopped before batch ${number}: ${violations.map((v) => describeViolation(v, 'upgrading this batch')).join('; ')}.`)
    }
    for (const w of fresh) results.get(w.Id)!.WasEnabled = !w.IsDisabled

    // 2. Drain.
    progress(`Batch ${number}/${opts.batches.length}: draining ${fresh.map((w) => w.Name).join(', ')}...`)
    let drainedTargets: DrainTarget[] = []
    const drain = await drainWorkers(space, fresh, {
      timeoutMs: opts.timeoutMs, intervalMs, signal: opts.signal, debug: opts.debug,
      onDisabled: (targets) => {
        drainedTargets = targets
        for (const t of targets) results.get(t.Id)!.LeftDisabled = true
      },
      onProgress: (waiting) => {
        if (waiting.length) progress(`  waiting for ${waiting.map((w) => `${w.Name} (${plural(w.Leases.length, 'lease')}: ${[...new Set(w.Leases.map((l) => l.TaskId))].join(', ')})`).join('; ')}`)
      },
    })
    if (drain.Outcome !== 'drained') {
      batch.Outcome = drain.Outcome === 'interrupted' ? 'interrupted' : 'timed-out'
      for (const t of drainedTargets) Object.assign(results.get(t.Id)!, {Outcome: drain.Outcome === 'interrupted' ? 'interrupted' : 'failed', Message: 'drain did not finish; left disabled'})
      const held = [...new Set(drain.Workers.flatMap((w) => w.Leases.map((l) => l.TaskId)))]
      return finish(drain.Outcome === 'interrupted' ? 'interrupted' : 'timed-out', `Batch ${number} did not drain${drain.Outcome === 'timed-out' ? ' in time' : ''}: leases still held by ${held.join(', ')}.`)
    }

    // 3. Octopus's own upgrade task for the batch.
    const description = `Rolling ${opts.kind === 'Tentacle' ? 'Tentacle upgrade' : 'Calamari update'} by octoworkers, batch ${number} of ${opts.batches.length}: ${fresh.map((w) => w.Name).join(', ')}`
    const upgradeTask = await createTask(space, upgradeTaskBody(opts.kind, fresh, description))
    batch.UpgradeTaskId = upgradeTask.Id
    progress(`  ${taskWord} task ${upgradeTask.Id} started`)
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
    for (const w of fresh.filter((x) => failedIds.has(x.Id))) {
      Object.assign(results.get(w.Id)!, {Outcome: 'failed', LeftDisabled: true, VersionAfter: versionLabel(afterUpgrade.get(w.Id) ?? w, opts.kind), Message: `${taskWord} task ${upgradeTask.Id} ${upgraded.task.State}${taskError}; left disabled`})
    }
    const succeeded = fresh.filter((w) => !failedIds.has(w.Id))

    // 4. Back in service (only those that were enabled), then a health check of them.
    const toEnable = succeeded.filter((w) => results.get(w.Id)!.WasEnabled)
    for (const w of toEnable) {
      await updateWorker(space, {...(afterUpgrade.get(w.Id) ?? w), IsDisabled: false})
      results.get(w.Id)!.LeftDisabled = false
    }
    let checkedById = afterUpgrade
    if (toEnable.length > 0) {
      const health = await createTask(space, {Name: 'Health', Description: `Health check after octoworkers rolling upgrade, batch ${number}`, Arguments: {Timeout: '00:05:00', MachineTimeout: '00:01:00', MachineIds: toEnable.map((w) => w.Id), RestrictedTo: 'Workers'}})
      batch.HealthTaskId = health.Id
      progress(`  health check ${health.Id} of ${toEnable.map((w) => w.Name).join(', ')}`)
      const checked = await waitForTaskEnd(space, health.Id, {timeoutMs: opts.timeoutMs, intervalMs, signal: opts.signal})
      if (checked.outcome !== 'finished') {
        batch.Outcome = checked.outcome
        for (const w of toEnable) Object.assign(results.get(w.Id)!, {Outcome: checked.outcome === 'interrupted' ? 'interrupted' : 'failed', Message: `upgraded; health check ${health.Id} still ${checked.task.State}; enabled again`})
        return finish(checked.outcome, `Health check ${health.Id} is still ${checked.task.State}${checked.outcome === 'timed-out' ? ' at the timeout' : ''}.`)
      }
      checkedById = new Map((await listWorkers(space)).map((w) => [w.Id, w]))
    }
    for (const w of succeeded) {
      const now = checkedById.get(w.Id) ?? w
      const result = results.get(w.Id)!
      result.VersionAfter = versionLabel(now, opts.kind)
      if (!result.WasEnabled) {
        Object.assign(result, {Outcome: 'upgraded', LeftDisabled: true, Message: 'upgraded; left disabled as it was (Octopus does not health-check disabled workers)'})
        continue
      }
      const problem = !isAvailable(now) ? `not available after the upgrade (${now.IsDisabled ? 'disabled' : now.HealthStatus})` : needsUpgrade(now, opts.kind) ? `still reports ${versionLabel(now, opts.kind)} after the upgrade` : undefined
      if (problem) {
        await updateWorker(space, {...now, IsDisabled: true})
        failedIds.add(w.Id)
        Object.assign(result, {Outcome: 'failed', LeftDisabled: true, Message: `${problem}; disabled again`})
      } else {
        Object.assign(result, {Outcome: 'upgraded', Message: `upgraded (${result.VersionBefore} -> ${result.VersionAfter}); available again`})
      }
    }
    if (failedIds.size > 0) {
      batch.Outcome = 'failed'
      const failedNames = fresh.filter((w) => failedIds.has(w.Id)).map((w) => w.Name)
      return finish('failed', `Stopped at batch ${number}: ${failedNames.join(', ')} failed.`)
    }
    progress(`  batch ${number} done: ${succeeded.map((w) => w.Name).join(', ')} upgraded`)
  }
  return finish('completed', null)
}

/** The workers of the roll still to do (not attempted), for the resume command. */
export function remainingWorkers(result: RollResult): WorkerUpgradeResult[] {
  return result.Workers.filter((w) => w.Outcome === 'not-attempted' || w.Outcome === 'interrupted')
}

/** One stdout line per worker. */
export function describeWorkerResult(w: WorkerUpgradeResult): string {
  if (w.Outcome === 'not-attempted') return `${w.Name}: not attempted (batch ${w.Batch})`
  return `${w.Name}: ${w.Outcome === 'failed' ? 'FAILED: ' : w.Outcome === 'interrupted' ? 'interrupted: ' : ''}${w.Message} (batch ${w.Batch})`
}

/** Workers this run left disabled that were enabled before it: what an undo re-enables. */
export function leftDisabledByRun(result: RollResult): WorkerUpgradeResult[] {
  return result.Workers.filter((w) => w.WasEnabled && w.LeftDisabled)
}
