import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {type Rendered} from '../../cli/base-command.js'
import {ServerCommand} from '../../cli/server-command.js'
import {terminalSafe} from '../../ui/safe.js'
import {requireSelection} from '../../app/workers/bulk.js'
import {renderWorkerBulk} from '../../views/bulk.js'
import {floorLines} from '../../views/maintenance.js'
import {keepHealthyFlag} from '../../cli/flags.js'
import {loadConfig} from '../../config/octoworkers-yaml/load.js'
import {requireSingleRename, updateWorkers, validateUpdateInput, type UpdateWorkersResult} from '../../app/workers/update.js'

export default class WorkerUpdate extends ServerCommand<typeof WorkerUpdate> {
  static override summary = 'Move workers between pools, change their machine policy, or rename a worker.'
  static override description = `Select workers by name or ID and with --pool (repeatable; every worker of the pool); each selected worker gets the same change. --name renames exactly one named worker.
Everything is resolved and every worker's change is planned before the first request that changes anything: an unknown name is exit 4, a change that would leave any worker in no pool is exit 2, and nothing is changed. A pool with no workers selects nothing (exit 0).
Each worker is read whole just before it is written, changed and written back (one PUT), so a change someone made to it meanwhile is kept; workers with nothing to change are reported as unchanged.
--remove-pool takes workers out of that pool's service, so it keeps the floor as worker disable does: every pool a worker leaves must keep at least N available workers (--keep-healthy, else minWorkers from .octoworkers.yaml, else 2), else exit 5 naming each pool with its available count now and after; --keep-healthy 0 or --force overrides. It asks for the worker's name (or the number of workers) to be typed unless -y (with prompts off and no -y: exit 2 before any request), checks the floor again after the answer, and after writing, if another change took the pool below its floor meanwhile, puts the workers back and refuses (exit 5). The first failure stops the run (the rest are not attempted), the whole result is printed, and the exit code is 1. --json gives the bulk result {Action, Results: [{Id, Name, Status, Message}], Done, Unchanged, Failed, NotAttempted} with Notes.`
  static override examples = [
    '<%= config.bin %> worker update build-01 build-02 --add-pool "Windows Workers" --remove-pool "Default Worker Pool" -y',
    '<%= config.bin %> worker update --pool "Old Pool" --add-pool "New Pool" --remove-pool "Old Pool" --force -y',
    '<%= config.bin %> worker update Workers-12 --name build-01-old --machine-policy "Transient workers"',
  ]

  static override strict = false

  static override args = {
    worker: Args.string({description: 'Worker names or IDs.'}),
  }

  static override flags = {
    pool: Flags.string({description: 'Also every worker of this pool (name or ID; repeatable).', multiple: true}),
    name: Flags.string({description: 'New name (one worker only).'}),
    'add-pool': Flags.string({description: 'Add the workers to this static pool (name or ID; repeatable).', multiple: true}),
    'remove-pool': Flags.string({description: 'Remove the workers from this pool (name or ID; repeatable).', multiple: true}),
    'machine-policy': Flags.string({description: 'Machine policy (name or ID).'}),
    'keep-healthy': keepHealthyFlag('With --remove-pool: available workers each pool left must keep (default: minWorkers of .octoworkers.yaml, else 2; 0 to override).'),
    force: Flags.boolean({description: 'With --remove-pool: remove even below the floor.'}),
    yes: Flags.boolean({char: 'y', description: 'With --remove-pool: remove without asking.'}),
  }

  async run(): Promise<UpdateWorkersResult> {
    const selection = {names: this.argValues, poolInputs: this.flags.pool ?? []}
    const input = validateUpdateInput({name: this.flags.name, addPool: this.flags['add-pool'], removePool: this.flags['remove-pool'], machinePolicy: this.flags['machine-policy']})
    // Bad usage is exit 2 before any request.
    requireSelection(selection.names, selection.poolInputs)
    requireSingleRename(input, selection)
    const keepHealthy = this.flags.force ? 0 : this.flags['keep-healthy']
    if ((input.removePool ?? []).length > 0) this.refuseUnconfirmable({yes: this.flags.yes, action: 'remove workers from a pool'})
    const {space} = await this.connectSpace()
    return updateWorkers(space, selection, input, {
      keepHealthy,
      yes: Boolean(this.flags.yes),
      config: () => loadConfig({cwd: this.context.cwd}),
      confirm: (targets) => this.confirmDestructive({action: `remove ${targets.length === 1 ? 'this worker' : `these ${targets.length} workers`} from the pool`, names: targets.map((w) => w.Name)}),
      showFloors: (floors) => this.noteLines(floorLines(floors, 'after the change')),
      bin: this.config.bin,
    })
  }

  protected override render(result: UpdateWorkersResult): Rendered {
    const notes = result.Notes.map((note) => terminalSafe(note))
    const rendered = renderWorkerBulk(result, 'updated')
    return {stdout: rendered.stdout, stderr: [...notes, ...rendered.stderr]}
  }
}
