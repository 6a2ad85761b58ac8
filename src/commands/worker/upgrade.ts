import {Args, Flags} from '@oclif/core'
import {type Rendered} from '../../base-command.js'
import {MaintenanceCommand} from '../../command-bases/maintenance-command.js'
import {usageError, type ExitCodeValue} from '../../lib/errors.js'
import {loadConfig} from '../../lib/policy/config.js'
import {terminalSafeLines} from '../../lib/render/safe.js'
import {requireSelection} from '../../lib/workers/bulk.js'
import {parseKeepHealthy, parseWaitDuration} from '../../lib/maintenance/floor.js'
import {parseBatchSize} from '../../lib/maintenance/upgrade-plan.js'
import {describeWorkerResult} from '../../lib/maintenance/upgrade-run.js'
import {claimsRoot, claimStore} from '../../lib/maintenance/upgrade-claims.js'
import {runWorkerUpgrade, upgradeJson, type WorkerUpgradeResult} from '../../lib/maintenance/upgrade-command.js'

export default class WorkerUpgrade extends MaintenanceCommand<typeof WorkerUpgrade> {
  static override summary = 'Upgrade workers\' Tentacles (or Calamari) with Octopus\'s own Upgrade task; --rolling keeps every pool above its floor.'
  static override description = `Which workers: the named ones, or the workers of --pool whose Tentacle (with --calamari: Calamari) the server says needs an upgrade (TentacleVersionDetails, HasLatestCalamari and the pool summary); --all includes those already current. SSH workers have no Tentacle and Kubernetes agents upgrade through Helm: they are named and skipped.
Shows the plan and asks, unless -y; with prompts off (--no-prompt, CI, no terminal) and no -y it refuses (exit 2) before any request.
Without --rolling: one Octopus Upgrade (or UpdateCalamari) task for all of them, as the portal does. That is the big-bang path: while it runs, deployments may find no worker to lease.
With --rolling: batches of --batch K (default 1) chosen so that every affected pool keeps at least N available workers (enabled, Healthy or HasWarnings) at every moment; N is --keep-healthy, else minWorkers from .octoworkers.yaml, else 2. If even one worker at a time would go below the floor it refuses (exit 5), nothing changed. Each batch: drain it (disable, wait for its leases), start the upgrade task for it, wait, re-enable the workers that were enabled before, health-check them and confirm they are available and current (Octopus does not health-check disabled workers, hence this order), then the next batch. The floor is checked again before every batch: if the pool has lost workers meanwhile, the roll stops there (exit 5 before the first batch, else exit 1).
Workers Unavailable at their last health check are left out (named, with the reason) unless --include-unavailable.
Each worker is judged by this run's own upgrade task. On the first failed upgrade or health check it stops (exit 1): the failed worker is put back as it was (enabled if it was), the lines say what succeeded, and the command to resume with the rest is printed. A worker another command disabled while this run upgraded it is reported so and left disabled. --timeout bounds each wait (default 30m); each HTTP request keeps the default 30 s timeout. Ctrl-C (exit 130) or SIGTERM (exit 143) stops, leaving workers as they are, with the commands to undo and to resume.
Before disabling a worker a rolling run records it in a private file under $XDG_STATE_HOME/octoworkers/upgrade-claims (else ~/.local/state/...), per server and space, and removes the record once the worker is back as it was. A later run finds the workers a stopped run left disabled and finishes their upgrade, or, when they are upgraded already, enables them again; a worker another live run on this machine is upgrading is skipped.`
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
    'include-unavailable': Flags.boolean({description: 'Include workers that were Unavailable at their last health check (left out by default: the upgrade cannot reach them).'}),
    // A wait, not an HTTP timeout (parsed to milliseconds); each request keeps the default timeout (httpTimeoutFlag).
    timeout: Flags.custom<number>({description: 'How long each wait (leases, upgrade task, health check) may take (e.g. 90s, 30m, 1h). (default 30m)', parse: async (input) => parseWaitDuration(input)})(),
    yes: Flags.boolean({char: 'y', description: 'Upgrade without asking.'}),
  }

  async run(): Promise<WorkerUpgradeResult> {
    const names = this.argValues
    const flags = this.flags
    const poolInputs = flags.pool ?? []
    requireSelection(names, poolInputs)
    if (!flags.rolling && (flags.batch !== undefined || flags['keep-healthy'] !== undefined)) throw usageError(`${flags.batch === undefined ? '--keep-healthy' : '--batch'} only goes with --rolling.`, {hint: 'Add --rolling to upgrade in batches that keep each pool at its floor.'})
    const request = {
      names, poolInputs, kind: flags.calamari ? 'Calamari' as const : 'Tentacle' as const, rolling: Boolean(flags.rolling), all: Boolean(flags.all),
      keepHealthy: parseKeepHealthy(flags['keep-healthy']), batchSize: parseBatchSize(flags.batch), timeoutMs: flags.timeout ?? parseWaitDuration('30m'), yes: Boolean(flags.yes),
      includeUnavailable: Boolean(flags['include-unavailable']),
    }
    this.refuseUnconfirmable({yes: flags.yes, action: 'upgrade workers'})
    const result = await runWorkerUpgrade(request, {
      config: () => loadConfig({cwd: this.context.cwd}),
      connect: async () => (await this.connectSpace()).space,
      confirm: (question) => this.context.prompter.confirm(question),
      note: (line) => this.note(line),
      warn: (line) => this.warnUser(line),
      startWaiting: () => this.startWaiting(),
      debug: this.debugLine,
      bin: this.config.bin,
      claims: (space) => claimStore({root: claimsRoot(this.env), server: space.client.server, spaceId: space.spaceId, installationId: space.client.root.InstallationId, warn: (line) => this.warnUser(line)}),
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
