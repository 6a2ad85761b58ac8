import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {type Rendered} from '../../cli/base-command.js'
import {MaintenanceCommand} from '../../cli/command-bases/maintenance-command.js'
import type {ExitCodeValue} from '../../text/errors.js'
import {loadConfig} from '../../config/octoworkers-yaml/load.js'
import {terminalSafeLines} from '../../ui/safe.js'
import {requireSelection} from '../../app/workers/bulk.js'
import {drainExitCode, runWorkerDrain, type WorkerDrainResult} from '../../app/maintenance/drain-run.js'
import {DEFAULT_WAIT, durationFlag, keepHealthyFlag} from '../../cli/flags.js'
import {drainJson, floorLines} from '../../views/maintenance.js'
import {describeDrainStatus, drainEventLines} from '../../views/maintenance-progress.js'

export default class WorkerDrain extends MaintenanceCommand<typeof WorkerDrain> {
  static override summary = 'Take workers out of service: disable them, then wait until no task holds a lease on them.'
  static override description = `Every name (and --pool) is resolved first; an unknown one is exit 4 and nothing is changed.
Then the floor: while drained, every pool a drained worker serves must keep at least N available workers (enabled, and Healthy or HasWarnings). N is --keep-healthy, else minWorkers from .octoworkers.yaml (per-pool overrides apply), else 2. Below the floor it refuses (exit 5) naming each pool, its available count and what the drain would leave; nothing is changed. --keep-healthy 0 or --force overrides.
Shows the plan and asks for the worker's name (or the number of workers) to be typed, unless -y; with prompts off (--no-prompt, CI, no terminal) and no -y it refuses (exit 2) before any request. After the answer the floor is checked again on a fresh read.
It disables the workers (Octopus leases no disabled worker), each read just before it is written so that another admin's change to it is kept. Then the pools are read again: if one is below its floor because another change ran at the same time, the drain enables the workers it disabled and refuses (exit 5). Then it waits until none holds an active lease: through the server's lease API where it has one (2024.2+), else through executing tasks' logs. Workers already disabled are waited on too, and reported as such. Progress goes to stderr (with --json too).
--wait-timeout is how long to wait (default 30m; e.g. 90s, 10m, 1h30m; a bare number is seconds); --timeout, as everywhere, bounds each HTTP request (before, --timeout was the wait here: scripts that meant the wait should say --wait-timeout). On timeout: exit 1 naming the tasks still holding leases; the workers stay disabled and the command that re-enables them is printed. Ctrl-C (exit 130) or SIGTERM (exit 143, what \`timeout\` and a cancelled CI job send) stops waiting and leaves the workers as they are, with the same report. A worker that another change enabled again during the wait is reported as not drained (exit 1).
A lease whose task has finished (stale: Octopus keeps such rows after a failed release, until it restarts) holds nothing: it is named and not waited on.
--json: per worker, whether it was enabled before, its leases at the start, seconds waited and the outcome (drained, timed-out, interrupted).`
  static override examples = [
    '<%= config.bin %> worker drain build-01 -y',
    '<%= config.bin %> worker drain build-01 build-02 --keep-healthy 1 --wait-timeout 10m',
    '<%= config.bin %> worker drain --pool "Linux Workers" --force -y --json',
  ]

  static override strict = false
  protected static override timeoutUsedToBeTheWait = true

  static override args = {
    worker: Args.string({description: 'Worker names or IDs.'}),
  }

  static override flags = {
    pool: Flags.string({description: 'Also every worker of this pool (name or ID; repeatable).', multiple: true}),
    'keep-healthy': keepHealthyFlag('Available workers each affected pool must keep (default: minWorkers of .octoworkers.yaml, else 2; 0 to override).'),
    'wait-timeout': durationFlag({description: 'How long to wait for leases to end (e.g. 90s, 30m, 1h30m; a bare number is seconds).', default: DEFAULT_WAIT}),
    force: Flags.boolean({description: 'Drain even below the floor.'}),
    yes: Flags.boolean({char: 'y', description: 'Drain without asking.'}),
  }

  async run(): Promise<WorkerDrainResult> {
    const names = this.argValues
    const poolInputs = this.flags.pool ?? []
    const keepHealthy = this.flags.force ? 0 : this.flags['keep-healthy']
    const timeoutMs = this.flags['wait-timeout']
    requireSelection(names, poolInputs)
    this.refuseUnconfirmable({yes: this.flags.yes, action: 'drain workers'})
    const result = await runWorkerDrain({names, poolInputs, keepHealthy, timeoutMs, yes: Boolean(this.flags.yes)}, {
      config: () => loadConfig({cwd: this.context.cwd}),
      connect: async () => (await this.connectSpace()).space,
      confirm: (targets) => this.confirmDestructive({action: `drain ${targets.length === 1 ? 'this worker' : `these ${targets.length} workers`}`, names: targets.map((w) => w.Name)}),
      progress: (event) => this.noteLines(drainEventLines(event, {bin: this.config.bin})),
      showFloors: (floors) => this.noteLines(floorLines(floors, 'while drained')),
      startWaiting: () => this.startWaiting(),
      debug: this.debugLine,
      bin: this.config.bin,
    })
    // The wait is over: Ctrl-C exits again.
    this.stopWaiting()
    return result
  }

  protected override toJson(result: WorkerDrainResult): unknown {
    return drainJson(result.drain, result.floors)
  }

  protected override render(result: WorkerDrainResult): Rendered {
    return {stdout: terminalSafeLines(result.drain.Workers.map(describeDrainStatus))}
  }

  protected override exitCodeFor(result: WorkerDrainResult): ExitCodeValue {
    return this.signalAware(drainExitCode(result))
  }
}
