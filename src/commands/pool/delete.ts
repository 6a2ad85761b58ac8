import {Args, Flags} from '@oclif/core'
import {EXIT_CODES_HELP} from '../../base-command.js'
import {ServerCommand} from '../../server-command.js'
import {CliError, ExitCode} from '../../lib/errors.js'
import {describeOutcome, runBulk} from '../../lib/bulk.js'
import {findAllByNameOrId} from '../../lib/octopus/names.js'
import {deleteWorkerPool, listWorkerPools, listWorkers} from '../../lib/octopus/repositories.js'
import {deleteImpacts, impactLines, plural, refuseDefaultPool, refuseStrandedWorkers} from '../../lib/pools/delete.js'
import {refuseDeletingPoolsInUse} from '../../lib/usage/guard.js'

export default class PoolDelete extends ServerCommand<typeof PoolDelete> {
  static override summary = 'Delete worker pools (their workers stay registered and are removed from them).'

  static override description = `Every name is resolved first; an unknown one is exit 4 and nothing is deleted. Before asking, it says how many workers each pool holds and what happens to them.

Refused with exit 2, before anything is deleted:
  - the default pool (make another pool the default first: pool set-default);
  - a pool that is the only pool of some worker (a worker must stay in at least one pool: move the worker with worker update --add-pool, or delete it);
  - no -y/--yes when prompts are off (--no-prompt, CI, no terminal).
Refused with exit 5, before anything is deleted: a pool that deployment or runbook steps use, directly or through a worker pool variable (it names them and their count; see pool usage). --force deletes it anyway.

If the server fails midway, the output says which pools were deleted and which were not, and the exit code is 1.

${EXIT_CODES_HELP}`

  static override examples = ['<%= config.bin %> pool delete "Old pool"', '<%= config.bin %> pool delete "Old pool" WorkerPools-9 -y --no-prompt']

  static override strict = false

  static override args = {
    pool: Args.string({description: 'Pool names or IDs.', required: true}),
  }

  static override flags = {
    yes: Flags.boolean({char: 'y', description: 'Delete without asking.'}),
    force: Flags.boolean({description: 'Delete even if deployment or runbook steps use the pool (they will fail).'}),
  }

  public async run(): Promise<void> {
    const {argv} = await this.parse(PoolDelete)
    const names = argv as string[]
    this.refuseUnconfirmable({yes: this.flags.yes, action: names.length === 1 ? `delete worker pool '${names[0]}'` : `delete these ${names.length} worker pools`})
    const {space} = await this.connectSpace()
    const pools = await listWorkerPools(space)
    const targets = findAllByNameOrId(pools, names, 'worker pool')
    refuseDefaultPool(pools, targets, this.config.bin)
    const impacts = deleteImpacts(targets, await listWorkers(space, {workerPoolIds: targets.map((p) => p.Id)}))
    refuseStrandedWorkers(impacts, this.config.bin)
    if (!this.flags.force) await refuseDeletingPoolsInUse(space, targets, this.config.bin)
    for (const line of impactLines(impacts)) this.note(line)
    await this.confirmDestructive({yes: this.flags.yes, action: `delete ${targets.length === 1 ? 'this worker pool' : `these ${targets.length} worker pools`}`, names: targets.map((p) => p.Name)})

    const report = await runBulk(targets, async (pool) => {
      await deleteWorkerPool(space, pool.Id)
      return {result: pool.Id}
    })
    const deleted = report.results.filter((r) => r.outcome.status === 'done').map((r) => r.item)
    const notDeleted = report.results.filter((r) => r.outcome.status !== 'done').map((r) => r.item)
    const summary = report.failed
      ? `Deleted ${deleted.length} of ${targets.length} worker pools; not deleted: ${notDeleted.map((p) => `'${p.Name}'`).join(', ')}.`
      : `Deleted ${plural(deleted.length, 'worker pool')}.`
    if (this.isJson) {
      this.printJson({
        Results: report.results.map(({item, outcome}) => ({
          Id: item.Id,
          Name: item.Name,
          Status: outcome.status === 'done' ? 'Deleted' : outcome.status === 'failed' ? 'Failed' : 'NotAttempted',
          Error: outcome.status === 'failed' ? outcome.error.message : null,
        })),
        Deleted: deleted.map((p) => p.Id),
        NotDeleted: notDeleted.map((p) => p.Id),
        ...(report.failed ? {Error: {Message: summary, Code: 'partial-failure', ExitCode: ExitCode.Failure}} : {}),
      })
      if (report.failed) process.exitCode = ExitCode.Failure
      return
    }
    this.print(report.results.map(({item, outcome}) => describeOutcome(`${item.Name} (${item.Id})`, outcome, 'deleted')).join('\n'))
    if (report.failed) throw new CliError(summary, ExitCode.Failure, {code: 'partial-failure'})
    this.note(summary)
  }
}
