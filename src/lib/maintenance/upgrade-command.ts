/**
 * `worker upgrade` from parsed flags to outcome: select the workers, then either one Upgrade task
 * for all of them (the portal's big-bang way) or a rolling upgrade that keeps every pool's floor.
 * Notes, warnings and progress go to `deps` (stderr, --json or not); the typed result says what
 * happened and which exit code that is.
 */
import {CliError, ExitCode, type ExitCodeValue} from '../errors.js'
import type {SpaceContext} from '../octopus/client.js'
import {findAllByNameOrId} from '../octopus/names.js'
import {createTask, getWorkerPoolsSummary, listWorkerPools, listWorkers} from '../octopus/repositories.js'
import type {TaskResource, WorkerResource} from '../octopus/types.js'
import type {PolicyConfig} from '../policy/config.js'
import {shellQuote} from '../render/shell.js'
import {floorFunction} from '../workers/floor.js'
import type {PoolFloor} from './floor.js'
import {needsUpgrade, planBatches, planLines, selectUpgradeTargets, upgradeTaskBody, versionLabel, type UpgradeKind, type UpgradeSummaryFacts} from './upgrade-plan.js'
import {leftDisabledByRun, remainingWorkers, runRollingUpgrade, waitForTaskEnd, type RollResult} from './upgrade-run.js'

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
}

export interface WorkerUpgradeDeps {
  connect: () => Promise<SpaceContext>
  config: () => Promise<PolicyConfig>
  confirm: (question: string) => Promise<boolean>
  note: (line: string) => void
  warn: (line: string) => void
  /** Called before each wait: from then on an interrupt stops the wait instead of the process. */
  startWaiting: () => AbortSignal
  debug?: (line: string) => void
  bin: string
}

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

export type WorkerUpgradeResult =
  | {Mode: 'nothing-to-do'; Message: string; Skipped: SkippedWorker[]}
  | {Mode: 'single-task'; Kind: UpgradeKind; Outcome: string; Task: TaskResource; Skipped: SkippedWorker[]; Workers: SingleTaskRow[]; exitCode: ExitCodeValue}
  | ({Mode: 'rolling'; Kind: UpgradeKind; Floors: PoolFloor[]; Skipped: SkippedWorker[]; exitCode: ExitCodeValue} & RollResult)

export async function runWorkerUpgrade(request: WorkerUpgradeRequest, deps: WorkerUpgradeDeps): Promise<WorkerUpgradeResult> {
  const {kind} = request
  const config = await deps.config()
  const space = await deps.connect()
  const [workers, pools, summary] = await Promise.all([
    listWorkers(space), listWorkerPools(space),
    getWorkerPoolsSummary(space).then((s) => s as unknown as UpgradeSummaryFacts).catch(() => undefined),
  ])
  const selection = selectUpgradeTargets({
    named: findAllByNameOrId(workers, request.names, 'worker'), pools: findAllByNameOrId(pools, request.poolInputs, 'worker pool'), workers, kind, all: request.all, summary,
  })
  for (const {worker, reason} of selection.skipped) deps.warn(`skipping '${worker.Name}': ${reason}.`)
  const skipped = selection.skipped.map((s) => ({Id: s.worker.Id, Name: s.worker.Name, Reason: s.reason}))
  if (selection.targets.length === 0) {
    const message = `Nothing to upgrade: ${selection.current.length ? `${selection.current.length} worker(s) already run a current ${kind}` : 'no worker needs it'}${selection.skipped.length ? `; ${selection.skipped.length} skipped` : ''}. Use --all to include current workers.`
    return {Mode: 'nothing-to-do', Message: message, Skipped: skipped}
  }
  if (!request.rolling) return bigBang(space, selection.targets, request, deps, skipped)

  const floorOf = floorFunction(request.keepHealthy, config)
  const plan = planBatches({targets: selection.targets, workers, pools, floorOf, batchSize: request.batchSize})
  for (const line of planLines(plan, kind)) deps.note(line)
  if (!request.yes && !(await deps.confirm('Start the rolling upgrade?'))) throw new CliError('Not confirmed; nothing was changed.', ExitCode.Usage)
  const result = await runRollingUpgrade(space, {
    kind, batches: plan.batches, floorOf, timeoutMs: request.timeoutMs, signal: deps.startWaiting(), debug: deps.debug,
    onProgress: (line) => deps.note(line),
  })
  const exitCode = result.Outcome === 'completed' ? ExitCode.Success : reportStopped(result, request, deps, space.space.Name)
  return {Mode: 'rolling', Kind: kind, Floors: plan.floors, Skipped: skipped, ...result, exitCode}
}

/** The portal's way: one task for every worker, then each worker's version afterwards. */
async function bigBang(space: SpaceContext, full: WorkerResource[], request: WorkerUpgradeRequest, deps: WorkerUpgradeDeps, skipped: SkippedWorker[]): Promise<WorkerUpgradeResult> {
  const {kind} = request
  deps.warn(`this upgrades all ${full.length} worker(s) in one ${kind === 'Tentacle' ? 'Upgrade' : 'UpdateCalamari'} task, as the portal does: the big-bang path, with no floor. Deployments may find no worker to lease meanwhile. Use --rolling to keep each pool's floor.`)
  deps.note(`Upgrade ${full.map((w) => `${w.Name} (${versionLabel(w, kind)})`).join(', ')}.`)
  if (!request.yes && !(await deps.confirm('Start the upgrade task?'))) throw new CliError('Not confirmed; nothing was changed.', ExitCode.Usage)
  const task = await createTask(space, upgradeTaskBody(kind, full, `${kind === 'Tentacle' ? 'Upgrade' : 'Calamari update'} of ${full.length} worker(s) by octoworkers`))
  deps.note(`Started ${task.Name} task ${task.Id}; waiting...`)
  const waited = await waitForTaskEnd(space, task.Id, {timeoutMs: request.timeoutMs, intervalMs: 1000, signal: deps.startWaiting()})
  const after = new Map((await listWorkers(space)).map((w) => [w.Id, w]))
  const rows = full.map((w) => {
    const now = after.get(w.Id) ?? w
    return {Id: w.Id, Name: w.Name, VersionBefore: versionLabel(w, kind), VersionAfter: versionLabel(now, kind), Current: !needsUpgrade(now, kind)}
  })
  let exitCode: ExitCodeValue = ExitCode.Success
  if (waited.outcome === 'interrupted') {
    deps.note(`Stopped waiting; task ${task.Id} goes on (${waited.task.State}).`)
    exitCode = ExitCode.Interrupted
  } else if (waited.outcome === 'timed-out') {
    deps.note(`Task ${task.Id} is still ${waited.task.State} at the timeout; it goes on.`)
    exitCode = ExitCode.Failure
  } else if (waited.task.State !== 'Success') {
    deps.note(`Task ${task.Id} ended ${waited.task.State}${waited.task.ErrorMessage ? `: ${String(waited.task.ErrorMessage).replace(/\.$/, '')}` : ''}.`)
    exitCode = ExitCode.Failure
  }
  return {Mode: 'single-task', Kind: kind, Outcome: waited.outcome === 'finished' ? waited.task.State : waited.outcome, Task: waited.task, Skipped: skipped, Workers: rows, exitCode}
}

/** After a roll that did not complete: what happened, the state workers are in, how to undo and resume; its exit code. */
function reportStopped(result: RollResult, request: WorkerUpgradeRequest, deps: WorkerUpgradeDeps, spaceName: string): ExitCodeValue {
  const bin = deps.bin
  const space = `--space ${shellQuote(spaceName)}`
  if (result.Message) deps.note(result.Message)
  const done = result.Workers.filter((w) => w.Outcome === 'upgraded').map((w) => w.Name)
  deps.note(`Upgraded: ${done.length ? done.join(', ') : 'none'}.`)
  const failed = result.Workers.filter((w) => w.Outcome === 'failed')
  if (failed.length) {
    deps.note(`Left disabled: ${failed.map((w) => `'${w.Name}'`).join(', ')}. Once fixed, put ${failed.length === 1 ? 'it' : 'them'} back: ${bin} worker enable ${failed.map((w) => shellQuote(w.Name)).join(' ')} ${space}`)
  }
  const undo = leftDisabledByRun(result).filter((w) => w.Outcome !== 'failed')
  if (undo.length) deps.note(`Disabled by this run and not re-enabled: ${undo.map((w) => `'${w.Name}'`).join(', ')}. To undo: ${bin} worker enable ${undo.map((w) => shellQuote(w.Name)).join(' ')} ${space}`)
  const rest = remainingWorkers(result)
  if (rest.length) {
    const flags = ['--rolling', ...(request.keepHealthy === undefined ? [] : [`--keep-healthy ${request.keepHealthy}`]), ...(request.batchSize === 1 ? [] : [`--batch ${request.batchSize}`]), ...(request.kind === 'Calamari' ? ['--calamari'] : [])]
    deps.note(`To resume with the rest: ${bin} worker upgrade ${rest.map((w) => shellQuote(w.Name)).join(' ')} ${flags.join(' ')} ${space} -y`)
  }
  // Exit 5 promises that nothing was changed: only a refusal before the first batch gives it.
  const nothingChanged = result.Batches.length === 1 && result.Batches[0].Outcome === 'refused'
  return result.Outcome === 'interrupted' ? ExitCode.Interrupted : result.Outcome === 'refused' && nothingChanged ? ExitCode.Unsafe : ExitCode.Failure
}

/** The --json document: each mode's shape as before (the exit code is not part of it). */
export function upgradeJson(result: WorkerUpgradeResult): unknown {
  switch (result.Mode) {
    case 'nothing-to-do': return {Outcome: 'nothing-to-do', Message: result.Message, Skipped: result.Skipped, Workers: []}
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
