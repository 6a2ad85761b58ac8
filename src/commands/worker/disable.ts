import * as Flags from '@oclif/core/flags'
import {WorkerToggleCommand, toggleDescription, toggleExamples} from '../../cli/command-bases/worker-toggle-command.js'
import type {BulkResult} from '../../domain/bulk.js'
import {runWorkerDisable} from '../../app/maintenance/disable-run.js'
import {keepHealthyFlag} from '../../cli/flags.js'
import {loadConfig} from '../../config/octoworkers-yaml/load.js'
import {requireSelection} from '../../app/workers/bulk.js'
import {floorLines} from '../../views/maintenance.js'

export default class WorkerDisable extends WorkerToggleCommand<typeof WorkerDisable> {
  static override summary = 'Disable workers so no new task leases them (running tasks go on).'
  static override description = `${toggleDescription('disabled')}
The floor: while disabled, every pool a selected worker serves (each of its pools, not only the one given with --pool) must keep at least N available workers (enabled, and Healthy or HasWarnings). N is --keep-healthy, else minWorkers from .octoworkers.yaml (per-pool overrides apply), else 2. Below it the command refuses (exit 5) naming each pool, its available count now and what disabling would leave; nothing is changed. A pool already below its floor may not lose an available worker either. --keep-healthy 0 or --force overrides.
Each affected pool is listed on stderr, then the command asks for the worker's name (or the number of workers) to be typed, unless -y; with prompts off (--no-prompt, CI, no terminal) and no -y it refuses (exit 2) before any request. After the answer the floor is checked again.
After writing, the pools are read again: if one is below its floor because another change ran at the same time, the workers this command disabled are enabled again and it refuses (exit 5).`
  static override examples = toggleExamples('disable')

  static override flags = {
    ...WorkerToggleCommand.flags,
    'keep-healthy': keepHealthyFlag('Available workers each affected pool must keep (default: minWorkers of .octoworkers.yaml, else 2; 0 to override).'),
    force: Flags.boolean({description: 'Disable even below the floor.'}),
    yes: Flags.boolean({char: 'y', description: 'Disable without asking.'}),
  }

  protected readonly targetState = 'disabled'

  async run(): Promise<BulkResult> {
    const selection = this.selection
    // Bad usage is exit 2 before any request (even before credentials are looked for).
    requireSelection(selection.names, selection.poolInputs)
    const keepHealthy = this.flags.force ? 0 : this.flags['keep-healthy']
    this.refuseUnconfirmable({yes: this.flags.yes, action: 'disable workers'})
    const {space} = await this.connectSpace()
    return runWorkerDisable(space, {...selection, keepHealthy, yes: Boolean(this.flags.yes)}, {
      config: () => loadConfig({cwd: this.context.cwd}),
      confirm: (targets) => this.confirmDestructive({action: `disable ${targets.length === 1 ? 'this worker' : `these ${targets.length} workers`}`, names: targets.map((w) => w.Name)}),
      showFloors: (floors) => this.noteLines(floorLines(floors, 'while disabled')),
      bin: this.config.bin,
    })
  }
}
