import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {flagParser} from '../../cli/flags.js'
import {ServerCommand} from '../../cli/server-command.js'
import type {BulkResult} from '../../domain/bulk.js'
import {deletePools, parseMoveWorkersTo} from '../../app/pools/delete.js'
import {impactLines} from '../../views/pools.js'
import {usageReadNoteLine} from '../../views/usage-report.js'

export default class PoolDelete extends ServerCommand<typeof PoolDelete> {
  static override summary = 'Delete worker pools (their workers stay registered and are removed from them, or move to --move-workers-to).'

  static override description = `Every name (and --move-workers-to) is resolved first; an unknown one is exit 4 and nothing is deleted. Before asking, it says how many workers each pool holds and what happens to them.

--move-workers-to POOL adds each deleted pool's workers to POOL before deleting it (a static pool that is not being deleted, else exit 2), so a worker whose only pool is deleted stays in a pool.

Refused with exit 5 (unsafe), before anything is deleted:
  - the default pool (steps with no pool run there; make another pool the default first: pool set-default);
  - a pool that deployment or runbook steps use, directly or through a worker pool variable (it names them and their count; see pool usage). --force deletes it anyway.
Refused with exit 2, before anything is deleted:
  - a pool that is the only pool of some worker (a worker must stay in at least one pool: pass --move-workers-to, move the worker with worker update --add-pool, or delete it);
  - no -y/--yes when prompts are off (--no-prompt, CI, no terminal).

If the server fails midway, the run stops: the output says which pools were deleted, which failed and which were not attempted, and the exit code is 1. --json prints the bulk result every bulk command prints: {Action, Results: [{Id, Name, Status, Message}], Done, Unchanged, Failed, NotAttempted}.`

  static override examples = [
    '<%= config.bin %> pool delete "Old pool"',
    '<%= config.bin %> pool delete "Old pool" WorkerPools-9 -y --no-prompt',
    '<%= config.bin %> pool delete "Old pool" --move-workers-to "Linux workers"',
  ]

  static override strict = false

  static override args = {
    pool: Args.string({description: 'Pool names or IDs.', required: true}),
  }

  static override flags = {
    yes: Flags.boolean({char: 'y', description: 'Delete without asking.'}),
    force: Flags.boolean({description: 'Delete even if deployment or runbook steps use the pool (they will fail).'}),
    'move-workers-to': Flags.custom<string>({description: 'Add the deleted pools\' workers to this pool (name or ID) first.', parse: flagParser((input) => parseMoveWorkersTo(input))})(),
  }

  public async run(): Promise<BulkResult> {
    const names = this.argValues
    this.refuseUnconfirmable({yes: this.flags.yes, action: names.length === 1 ? `delete worker pool '${names[0]}'` : `delete these ${names.length} worker pools`})
    const {space} = await this.connectSpace()
    return deletePools(space, {
      names,
      moveWorkersTo: this.flags['move-workers-to'],
      force: this.flags.force,
      bin: this.config.bin,
      onNote: (note) => this.note(usageReadNoteLine(note)),
      confirm: async (targets, impacts, moveTo) => {
        this.noteLines(impactLines(impacts, moveTo))
        await this.confirmDestructive({yes: this.flags.yes, action: `delete ${targets.length === 1 ? 'this worker pool' : `these ${targets.length} worker pools`}`, names: targets.map((p) => p.Name)})
      },
    })
  }
}
