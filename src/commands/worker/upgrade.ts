import {Args, Flags} from '@oclif/core'
import {EXIT_CODES_HELP} from '../../base-command.js'
import {ServerCommand} from '../../server-command.js'
import {CliError, ExitCode, usageError} from '../../lib/errors.js'
import {findAllByNameOrId} from '../../lib/octopus/names.js'
import {createTask, getWorkerPoolsSummary, listWorkerPools, listWorkers} from '../../lib/octopus/repositories.js'
import {loadConfig} from '../../lib/policy/config.js'
import {shellQuote} from '../../lib/render/shell.js'
import {promptConfirm} from '../../lib/render/prompt.js'
import {requireSelection} from '../../lib/workers/bulk.js'
import type {SpaceContext} from '../../lib/octopus/client.js'
import type {WorkerResource} from '../../lib/octopus/types.js'
import {floorFunction} from '../../lib/maintenance/drain-run.js'
import {parseKeepHealthy, parseWaitDuration} from '../../lib/maintenance/floor.js'
import {needsUpgrade, parseBatchSize, planBatches, planLines, selectUpgradeTargets, upgradeTaskBody, versionLabel, type UpgradeKind, type UpgradeSummaryFacts} from '../../lib/maintenance/upgrade-plan.js'
import {describeWorkerResult, leftDisabledByRun, remainingWorkers, runRollingUpgrade, waitForTaskEnd, type RollResult} from '../../lib/maintenance/upgrade-run.js'

export default class WorkerUpgrade extends ServerCommand<typeof WorkerUpgrade> {
  static override summary = 'Upgrade workers\' Tentacles (or Calamari) with Octopus\'s own Upgrade task; --rolling keeps every pool above its floor.'
  static override description = `Which workers: the named ones, or the workers of --pool whose Tentacle (with --calamari: Calamari) the server says needs an upgrade (TentacleVersionDetails, HasLatestCalamari and the pool summary); --all includes those already current. SSH workers have no Tentacle and Kubernetes agents upgrade through Helm: they are named and skipped.
Shows the plan and asks, unless -y; with prompts off (--no-prompt, CI, no terminal) and no -y it refuses (exit 2) before any request.
Without --rolling: one Octopus Upgrade (or UpdateCalamari) task for all of them, as the portal does. That is the big-bang path: while it runs, deployments may find no worker to lease.
With --rolling: batches of --batch K (default 1) chosen so that every affected pool keeps at least N available workers (enabled, Healthy or HasWarnings) at every moment; N is --keep-healthy, else minWorkers from .octoworkers.yaml, else 2. If even one worker at a time would go below the floor it refuses (exit 5), nothing changed. Each batch: drain it (disable, wait for its leases), start the upgrade task for it, wait, re-enable the workers that were enabled before, health-check them and confirm they are available and current (Octopus does not health-check disabled workers, hence this order), then the next batch. The floor is checked again before every batch: if the pool has lost workers meanwhile, the roll stops there (exit 5 before the first batch, else exit 1).
On the first failed upgrade or health check it stops (exit 1): the failed worker stays disabled, the lines say what succeeded, and the command to resume with the rest is printed. --timeout bounds each wait (default 30m); each HTTP request keeps the default 30 s timeout. Ctrl-C stops (exit 130) leaving workers as they are, with the commands to undo and to resume.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> worker upgrade --pool "Linux Workers" --rolling --keep-healthy 2 -y',
    '<%= config.bin %> worker upgrade --pool "Linux Workers" --rolling --batch 2 --calamari',
    '<%= config.bin %> worker upgrade build-01 build-02 -y --json',
  ]

  static override strict = false

  static override args = {
    worker: Args.string({description: 'Worker names or IDs.'}),
  }

  static override flags = {
    pool: Flags.string({description: 'The workers of this pool that need the upgrade (name or ID; repeatable).', multiple: true}),
    rolling: Flags.boolean({description: 'Upgrade in batches that keep every pool at or above its floor.'}),
    'keep-healthy': Flags.string({description: 'With --rolling: available workers each affected pool must keep (default: minWorkers of .octoworkers.yaml, else 2).'}),
    batch: Flags.string({description: 'With --rolling: workers per batch (default 1).'}),
    calamari: Flags.boolean({description: 'Update Calamari (the UpdateCalamari task) instead of the Tentacle.'}),
    all: Flags.boolean({description: 'Include workers that are already current.'}),
    // A wait, not an HTTP timeout (parsed to milliseconds); each request keeps the default timeout (httpTimeoutFlag).
    timeout: Flags.custom<number>({description: 'How long each wait (leases, upgrade task, health check) may take (e.g. 90s, 30m, 1h). (default 30m)', parse: async (input) => parseWaitDuration(input)})(),
    yes: Flags.boolean({char: 'y', description: 'Upgrade without asking.'}),
  }

  private abort?: AbortController

  protected override httpTimeoutFlag(): number | undefined {
    return undefined
  }

  protected override onInterrupt(): void {
    if (this.abort && !this.abort.signal.aborted) this.abort.abort()
    else super.onInterrupt()
  }

  async run(): Promise<void> {
    const {argv} = await this.parse(WorkerUpgrade)
    const names = argv as string[]
    const flags = this.flags
    const poolInputs = flags.pool ?? []
    requireSelection(names, poolInputs)
    if (!flags.rolling && (flags.batch !== undefined || flags['keep-healthy'] !== undefined)) throw usageError(`${flags.batch === undefined ? '--keep-healthy' : '--batch'} only goes with --rolling.`, {hint: 'Add --rolling to upgrade in batches that keep each pool at its floor.'})
    const keepHealthy = parseKeepHealthy(flags['keep-healthy'])
    const batchSize = parseBatchSize(flags.batch)
    const timeoutMs = flags.timeout ?? parseWaitDuration('30m')
    const kind: UpgradeKind = flags.calamari ? 'Calamari' : 'Tentacle'
    this.refuseUnconfirmable({yes: flags.yes, action: 'upgrade workers'})
    const config = await loadConfig({cwd: process.cwd()})
    const {space} = await this.connectSpace()
    const [workers, pools, summary] = await Promise.all([
      listWorkers(space), listWorkerPools(space),
      getWorkerPoolsSummary(space).then((s) => s as unknown as UpgradeSummaryFacts).catch(() => undefined),
    ])
    const selection = selectUpgradeTargets({
      named: findAllByNameOrId(workers, names, 'worker'), pools: findAllByNameOrId(pools, poolInputs, 'worker pool'), workers, kind, all: Boolean(flags.all), summary,
    })
    for (const {worker, reason} of selection.skipped) this.warnUser(`skipping '${worker.Name}': ${reason}.`)
    if (selection.targets.length === 0) {
      const message = `Nothing to upgrade: ${selection.current.length ? `${selection.current.length} worker(s) already run a current ${kind}` : 'no worker needs it'}${selection.skipped.length ? `; ${selection.skipped.length} skipped` : ''}. Use --all to include current workers.`
      if (this.isJson) this.printJson({Outcome: 'nothing-to-do', Message: message, Skipped: selection.skipped.map((s) => ({Id: s.worker.Id, Name: s.worker.Name, Reason: s.reason})), Workers: []})
      else this.print(message)
      return
    }
    const skippedJson = selection.skipped.map((s) => ({Id: s.worker.Id, Name: s.worker.Name, Reason: s.reason}))
    if (!flags.rolling) return this.bigBang(space, selection.targets, kind, timeoutMs, skippedJson)

    const floorOf = floorFunction(keepHealthy, config)
    const plan = planBatches({targets: selection.targets, workers, pools, floorOf, batchSize})
    for (const line of planLines(plan, kind)) this.note(line)
    if (!flags.yes && !(await promptConfirm('Start the rolling upgrade?'))) throw new CliError('Not confirmed; nothing was changed.', ExitCode.Usage)
    this.abort = new AbortController()
    const result = await runRollingUpgrade(space, {
      kind, batches: plan.batches, floorOf, timeoutMs, signal: this.abort.signal, debug: this.debugLine,
      onProgress: (line) => this.note(line),
    })
    this.abort = undefined
    if (this.isJson) this.printJson({Mode: 'rolling', Kind: kind, Floors: plan.floors, Skipped: skippedJson, ...result})
    else this.print(result.Workers.map(describeWorkerResult).join('\n'))
    if (result.Outcome === 'completed') return
    this.reportStopped(result, {kind, keepHealthy, batchSize, spaceName: space.space.Name})
  }

  /** The portal's way: one task for every worker, then each worker's version afterwards. */
  private async bigBang(space: SpaceContext, full: WorkerResource[], kind: UpgradeKind, timeoutMs: number, skipped: unknown[]): Promise<void> {
    this.warnUser(`this upgrades all ${full.length} worker(s) in one ${kind === 'Tentacle' ? 'Upgrade' : 'UpdateCalamari'} task, as the portal does: the big-bang path, with no floor. Deployments may find no worker to lease meanwhile. Use --rolling to keep each pool's floor.`)
    this.note(`Upgrade ${full.map((w) => `${w.Name} (${versionLabel(w, kind)})`).join(', ')}.`)
    if (!this.flags.yes && !(await promptConfirm('Start the upgrade task?'))) throw new CliError('Not confirmed; nothing was changed.', ExitCode.Usage)
    const task = await createTask(space, upgradeTaskBody(kind, full, `${kind === 'Tentacle' ? 'Upgrade' : 'Calamari update'} of ${full.length} worker(s) by octoworkers`))
    this.note(`Started ${task.Name} task ${task.Id}; waiting...`)
    this.abort = new AbortController()
    const waited = await waitForTaskEnd(space, task.Id, {timeoutMs, intervalMs: 1000, signal: this.abort.signal})
    this.abort = undefined
    const after = new Map((await listWorkers(space)).map((w) => [w.Id, w]))
    const rows = full.map((w) => {
      const now = after.get(w.Id) ?? w
      return {Id: w.Id, Name: w.Name, VersionBefore: versionLabel(w, kind), VersionAfter: versionLabel(now, kind), Current: !needsUpgrade(now, kind)}
    })
    if (this.isJson) this.printJson({Mode: 'single-task', Kind: kind, Outcome: waited.outcome === 'finished' ? waited.task.State : waited.outcome, Task: waited.task, Skipped: skipped, Workers: rows})
    else this.print(rows.map((r) => `${r.Name}: ${r.VersionBefore} -> ${r.VersionAfter}${r.Current ? '' : ' (still needs the upgrade)'}`).join('\n'))
    if (waited.outcome === 'interrupted') {
      this.note(`Stopped waiting; task ${task.Id} goes on (${waited.task.State}).`)
      process.exitCode = ExitCode.Interrupted
    } else if (waited.outcome === 'timed-out') {
      this.note(`Task ${task.Id} is still ${waited.task.State} at the timeout; it goes on.`)
      process.exitCode = ExitCode.Failure
    } else if (waited.task.State !== 'Success') {
      this.note(`Task ${task.Id} ended ${waited.task.State}${waited.task.ErrorMessage ? `: ${String(waited.task.ErrorMessage).replace(/\.$/, '')}` : ''}.`)
      process.exitCode = ExitCode.Failure
    }
  }

  /** After a roll that did not complete: what happened, the state workers are in, how to undo and resume. */
  private reportStopped(result: RollResult, opts: {kind: UpgradeKind; keepHealthy?: number; batchSize: number; spaceName: string}): void {
    const bin = this.config.bin
    const space = `--space ${shellQuote(opts.spaceName)}`
    if (result.Message) this.note(result.Message)
    const done = result.Workers.filter((w) => w.Outcome === 'upgraded').map((w) => w.Name)
    this.note(`Upgraded: ${done.length ? done.join(', ') : 'none'}.`)
    const failed = result.Workers.filter((w) => w.Outcome === 'failed')
    if (failed.length) {
      this.note(`Left disabled: ${failed.map((w) => `'${w.Name}'`).join(', ')}. Once fixed, put ${failed.length === 1 ? 'it' : 'them'} back: ${bin} worker enable ${failed.map((w) => shellQuote(w.Name)).join(' ')} ${space}`)
    }
    const undo = leftDisabledByRun(result).filter((w) => w.Outcome !== 'failed')
    if (undo.length) this.note(`Disabled by this run and not re-enabled: ${undo.map((w) => `'${w.Name}'`).join(', ')}. To undo: ${bin} worker enable ${undo.map((w) => shellQuote(w.Name)).join(' ')} ${space}`)
    const rest = remainingWorkers(result)
    if (rest.length) {
      const flags = ['--rolling', ...(opts.keepHealthy === undefined ? [] : [`--keep-healthy ${opts.keepHealthy}`]), ...(opts.batchSize === 1 ? [] : [`--batch ${opts.batchSize}`]), ...(opts.kind === 'Calamari' ? ['--calamari'] : [])]
      this.note(`To resume with the rest: ${bin} worker upgrade ${rest.map((w) => shellQuote(w.Name)).join(' ')} ${flags.join(' ')} ${space} -y`)
    }
    // Exit 5 promises that nothing was changed: only a refusal before the first batch gives it.
    const nothingChanged = result.Batches.length === 1 && result.Batches[0].Outcome === 'refused'
    process.exitCode = result.Outcome === 'interrupted' ? ExitCode.Interrupted : result.Outcome === 'refused' && nothingChanged ? ExitCode.Unsafe : ExitCode.Failure
  }
}
