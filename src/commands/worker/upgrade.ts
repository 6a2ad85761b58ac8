import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {type Rendered} from '../../cli/base-command.js'
import {MaintenanceCommand} from '../../cli/command-bases/maintenance-command.js'
import type {ExitCodeValue} from '../../text/errors.js'
import {loadConfig} from '../../config/octoworkers-yaml/load.js'
import {terminalSafeLines} from '../../ui/safe.js'
import {requireSelection} from '../../app/workers/bulk.js'
import {DEFAULT_WAIT, countFlag, durationFlag, keepHealthyFlag} from '../../cli/flags.js'
import {describeWorkerResult} from '../../views/maintenance.js'
import {upgradeClaimWarningLine, upgradeEventLines, upgradeWarningLine} from '../../views/maintenance-progress.js'
import {claimsRoot, claimStore} from '../../app/maintenance/upgrade-claims.js'
import {runWorkerUpgrade, upgradeJson, type WorkerUpgradeResult} from '../../app/maintenance/worker-upgrade.js'

export default class WorkerUpgrade extends MaintenanceCommand<typeof WorkerUpgrade> {
  static override summary = 'Upgrade workers\' Tentacles (or Calamari) with Octopus\'s own Upgrade task; --rolling keeps every pool above its floor.'
  static override description = `Which workers: the named ones, or the workers of --pool whose Tentacle (with --calamari: Calamari) the server says needs an upgrade (TentacleVersionDetails, HasLatestCalamari and the pool summary); --all includes those already current. SSH workers have no Tentacle and Kubernetes agents upgrade through Helm: they are named and skipped.
Shows the plan and asks for the worker's name (or the number of workers) to be typed, unless -y; with prompts off (--no-prompt, CI, no terminal) and no -y it refuses (exit 2) before any request.
Without --rolling: one Octopus Upgrade (or UpdateCalamari) task for all of them, as the portal does. That is the big-bang path: while it runs, deployments may find no worker to lease (Octopus leases each worker exclusively for its upgrade). It disables no worker, so no floor is checked.
With --rolling: batches of --batch K (default 1) chosen so that every affected pool keeps at least N available workers (enabled, Healthy or HasWarnings) at every moment; N is --keep-healthy, else minWorkers from .octoworkers.yaml, else 2. If even one worker at a time would go below the floor it refuses (exit 5), nothing changed. After the answer to the prompt the pools are read again and the batches planned again (exit 5, nothing changed, if another change took a pool down meanwhile). Each batch: drain it (disable, wait for its leases), start the upgrade task for it, wait, re-enable the workers that were enabled before, health-check them and confirm they are available and current (Octopus does not health-check disabled workers, hence this order), then the next batch. Each worker is read just before it is written, so another admin's change to it is kept. The floor is checked again before every batch and, once the batch is disabled, on the pools read again: if another change took a pool below its floor meanwhile, the roll stops at that batch and leaves it as it found it (the workers this run disabled are enabled again), saying another change was seen: exit 5 at the first batch (nothing was changed), exit 1 at a later one (the batches before it stay done and are reported).
Workers Unavailable at their last health check are left out (named, with the reason) unless --include-unavailable.
Each worker is judged by this run's own upgrade task. On the first failed upgrade or health check it stops (exit 1): the failed worker is put back as it was (enabled if it was), the lines say what succeeded, and the command to resume with the rest is printed. A worker another command disabled while this run upgraded it is reported so and left disabled. --wait-timeout bounds each wait (default 30m; e.g. 90s, 1h30m; a bare number is seconds); --timeout, as everywhere, bounds each HTTP request (before, --timeout was the wait here: scripts that meant the wait should say --wait-timeout). Ctrl-C (exit 130) or SIGTERM (exit 143) stops, leaving workers as they are, with the commands to undo and to resume.
Before disabling a worker a rolling run records it in a private file under $XDG_STATE_HOME/octoworkers/upgrade-claims (else ~/.local/state/...), per server and space, and removes the record once the worker is back as it was. A later run finds the workers a stopped run left disabled and finishes their upgrade, or, when they are upgraded already, enables them again; a worker another live run on this machine is upgrading is skipped.`
  static override examples = [
    '<%= config.bin %> worker upgrade --pool "Linux Workers" --rolling --keep-healthy 2 -y',
    '<%= config.bin %> worker upgrade --pool "Linux Workers" --rolling --batch 2 --calamari',
    '<%= config.bin %> worker upgrade build-01 build-02 -y --json',
  ]

  static override strict = false
  protected static override timeoutUsedToBeTheWait = true

  static override args = {
    worker: Args.string({description: 'Worker names or IDs.'}),
  }

  static override flags = {
    pool: Flags.string({description: 'The workers of this pool that need the upgrade (name or ID; repeatable).', multiple: true}),
    rolling: Flags.boolean({description: 'Upgrade in batches that keep every pool at or above its floor.'}),
    'keep-healthy': keepHealthyFlag('With --rolling: available workers each affected pool must keep (default: minWorkers of .octoworkers.yaml, else 2).', {dependsOn: ['rolling']}),
    // No default: oclif's dependsOn counts a defaulted flag as given.
    batch: countFlag({description: 'With --rolling: workers per batch (default 1).', min: 1, of: 'workers', dependsOn: ['rolling']}),
    calamari: Flags.boolean({description: 'Update Calamari (the UpdateCalamari task) instead of the Tentacle.'}),
    all: Flags.boolean({description: 'Include workers that are already current.'}),
    'include-unavailable': Flags.boolean({description: 'Include workers that were Unavailable at their last health check (left out by default: the upgrade cannot reach them).'}),
    'wait-timeout': durationFlag({description: 'How long each wait (leases, upgrade task, health check) may take (e.g. 90s, 30m, 1h30m; a bare number is seconds).', default: DEFAULT_WAIT}),
    yes: Flags.boolean({char: 'y', description: 'Upgrade without asking.'}),
  }

  async run(): Promise<WorkerUpgradeResult> {
    const names = this.argValues
    const flags = this.flags
    const poolInputs = flags.pool ?? []
    requireSelection(names, poolInputs)
    const request = {
      names, poolInputs, kind: flags.calamari ? 'Calamari' as const : 'Tentacle' as const, rolling: Boolean(flags.rolling), all: Boolean(flags.all),
      keepHealthy: flags['keep-healthy'], batchSize: flags.batch ?? 1, timeoutMs: flags['wait-timeout'], yes: Boolean(flags.yes),
      includeUnavailable: Boolean(flags['include-unavailable']),
    }
    this.refuseUnconfirmable({yes: flags.yes, action: 'upgrade workers'})
    const result = await runWorkerUpgrade(request, {
      config: () => loadConfig({cwd: this.context.cwd}),
      connect: async () => (await this.connectSpace()).space,
      confirm: (targets) => this.confirmDestructive({action: `upgrade ${targets.length === 1 ? 'this worker' : `these ${targets.length} workers`}`, names: targets.map((w) => w.Name)}),
      progress: (event) => this.noteLines(upgradeEventLines(event, {bin: this.config.bin})),
      warn: (warning) => this.warnUser(upgradeWarningLine(warning)),
      startWaiting: () => this.startWaiting(),
      debug: this.debugLine,
      bin: this.config.bin,
      claims: (space) => claimStore({root: claimsRoot(this.env), server: space.client.server, spaceId: space.spaceId, installationId: space.client.root.InstallationId, warn: (warning) => this.warnUser(upgradeClaimWarningLine(warning))}),
    })
    this.stopWaiting()
    return result
  }

  protected override toJson(result: WorkerUpgradeResult): unknown {
    return upgradeJson(result)
  }

  protected override render(result: WorkerUpgradeResult): Rendered {
    switch (result.Mode) {
      case 'nothing-to-do': return {stdout: terminalSafeLines([...restoredLines(result.Restored), result.Message])}
      case 'single-task': return {stdout: terminalSafeLines([...restoredLines(result.Restored), ...result.Workers.map((r) => `${r.Name}: ${r.VersionBefore} -> ${r.VersionAfter}${r.Current ? '' : ' (still needs the upgrade)'}`)])}
      case 'rolling': return {stdout: terminalSafeLines([...restoredLines(result.Restored), ...result.Workers.map(describeWorkerResult)])}
    }
  }

  protected override exitCodeFor(result: WorkerUpgradeResult): ExitCodeValue {
    return this.signalAware(result.exitCode)
  }
}

function restoredLines(restored: Array<{Name: string; Message: string}>): string[] {
  return restored.map((r) => `${r.Name}: ${r.Message}`)
}
