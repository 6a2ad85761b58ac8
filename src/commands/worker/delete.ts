import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {type Rendered} from '../../cli/base-command.js'
import {MaintenanceCommand} from '../../cli/command-bases/maintenance-command.js'
import type {BulkResult} from '../../domain/bulk.js'
import {requireSelection} from '../../app/workers/bulk.js'
import {renderWorkerBulk} from '../../views/bulk.js'
import {floorLines} from '../../views/maintenance.js'
import {deleteEventLines} from '../../views/maintenance-progress.js'
import {loadConfig} from '../../config/octoworkers-yaml/load.js'
import {runWorkerDelete} from '../../app/maintenance/delete-run.js'
import {DEFAULT_WAIT_MS, durationFlag, keepHealthyFlag} from '../../cli/flags.js'

export default class WorkerDelete extends MaintenanceCommand<typeof WorkerDelete> {
  static override summary = 'Delete workers (deregister them from the server).'
  static override description = `Select workers by name or ID and with --pool (repeatable; every worker of the pool). The whole selection is resolved first; an unknown name is exit 4 and nothing is deleted. A pool with no workers selects nothing (exit 0).
The floor: after the delete, every pool a deleted worker serves must keep at least N available workers (enabled, and Healthy or HasWarnings). N is --keep-healthy, else minWorkers from .octoworkers.yaml (per-pool overrides apply), else 2. Below it the delete is refused (exit 5) naming each pool, its available count and what the delete would leave; nothing is changed. --keep-healthy 0 or --force overrides.
A selected worker that holds an active task lease refuses the whole delete as unsafe (exit 5, nothing deleted), naming the task, using the server's lease API; on servers without it (before 2022) the server's own refusal is that worker's failure.
Asks for the name to be typed unless -y/--yes; with prompts off (--no-prompt, CI, no terminal) and no --yes it refuses (exit 2) before any request. After the answer the floor is checked again on a fresh read.
The workers are disabled first (each read just before it is written), and the pools read again: if one is below its floor because another change ran at the same time, they are enabled again and the delete is refused (exit 5). Then they are deleted one by one; the first failure stops the run (the rest are not attempted, and are enabled again), the whole result is printed, and the exit code is 1. --json gives the bulk result {Action, Results: [{Id, Name, Status, Message}], Done, Unchanged, Failed, NotAttempted}.
--drain first drains the workers as \`worker drain\` does (disable; wait for their leases, up to --wait-timeout, default 30m), then deletes them; if the wait runs out, or another change enables a worker again meanwhile, nothing is deleted (exit 1). Ctrl-C (exit 130) or SIGTERM (exit 143) during that wait deletes nothing and prints what was left disabled and the command that re-enables it.
A lease whose task has finished (stale: Octopus keeps such rows until it restarts) is not a reason to refuse; it is named, and the server may still refuse the delete until it clears the lease.`
  static override examples = [
    '<%= config.bin %> worker delete build-01',
    '<%= config.bin %> worker delete build-01 Workers-12 -y --no-prompt',
    '<%= config.bin %> worker delete --pool "Old Pool" --drain --force -y',
  ]

  static override strict = false

  static override args = {
    worker: Args.string({description: 'Worker names or IDs.'}),
  }

  static override flags = {
    pool: Flags.string({description: 'Also every worker of this pool (name or ID; repeatable).', multiple: true}),
    yes: Flags.boolean({char: 'y', description: 'Delete without asking.'}),
    drain: Flags.boolean({description: 'Drain first (disable, wait for leases to end), then delete.'}),
    'keep-healthy': keepHealthyFlag('Available workers each affected pool must keep (default: minWorkers of .octoworkers.yaml, else 2; 0 to override).'),
    force: Flags.boolean({description: 'Delete even below the floor.'}),
    // --drain-timeout: another spelling that scripts use; hidden from --help, and noted on stderr when used.
    'wait-timeout': durationFlag({
      description: 'With --drain: how long to wait for leases to end (default 30m; e.g. 90s, 1h30m; a bare number is seconds).',
      dependsOn: ['drain'],
      aliases: ['drain-timeout'],
    }),
  }

  async run(): Promise<BulkResult> {
    const selection = {names: this.argValues, poolInputs: this.flags.pool ?? []}
    requireSelection(selection.names, selection.poolInputs)
    this.refuseUnconfirmable({yes: this.flags.yes, action: 'delete workers'})
    const {space} = await this.connectSpace()
    return runWorkerDelete(space, {
      ...selection,
      drain: Boolean(this.flags.drain),
      drainTimeoutMs: this.flags['wait-timeout'] ?? DEFAULT_WAIT_MS,
      keepHealthy: this.flags.force ? 0 : this.flags['keep-healthy'],
      yes: Boolean(this.flags.yes),
    }, {
      config: () => loadConfig({cwd: this.context.cwd}),
      confirm: (targets) => this.confirmDestructive({action: `delete ${targets.length === 1 ? 'this worker' : `these ${targets.length} workers`}`, names: targets.map((w) => w.Name)}),
      progress: (event) => this.noteLines(deleteEventLines(event, {bin: this.config.bin})),
      showFloors: (floors) => this.noteLines(floorLines(floors, 'after the delete')),
      startWaiting: () => this.startWaiting(),
      stopWaiting: () => this.stopWaiting(),
      interrupted: (message, details) => this.interruptedError(message, details),
      debug: this.debugLine,
      bin: this.config.bin,
    })
  }

  protected override render(result: BulkResult): Rendered {
    return renderWorkerBulk(result, 'deleted')
  }
}
