import {Args, Flags} from '@oclif/core'
import {EXIT_CODES_HELP} from '../../base-command.js'
import {ServerCommand} from '../../server-command.js'
import {ExitCode} from '../../lib/errors.js'
import {describeOutcome, runBulk} from '../../lib/bulk.js'
import {findAllByNameOrId} from '../../lib/octopus/names.js'
import {deleteWorker, listWorkers, listWorkerTaskLeases} from '../../lib/octopus/repositories.js'
import {bulkFailureSummary, bulkJson, leasesHeldBy, refuseLeasedWorkers} from '../../lib/workers/bulk.js'

export default class WorkerDelete extends ServerCommand<typeof WorkerDelete> {
  static override summary = 'Delete workers (deregister them from the server).'
  static override description = `Every name is resolved first; an unknown one is exit 4 and nothing is deleted.
A worker that holds an active task lease is refused (exit 1, nothing deleted) naming the task, using the server's lease API; on servers without it (before 2022) the server's own refusal is reported.
Asks for the name to be typed unless -y/--yes; with prompts off (--no-prompt, CI, no terminal) and no --yes it refuses (exit 2) before any request.
If the server fails midway, the lines say which workers were deleted and which were not, and the exit code is 1.

${EXIT_CODES_HELP}`
  static override examples = ['<%= config.bin %> worker delete build-01', '<%= config.bin %> worker delete build-01 Workers-12 -y --no-prompt']

  static override strict = false

  static override args = {
    worker: Args.string({description: 'Worker names or IDs.', required: true}),
  }

  static override flags = {
    yes: Flags.boolean({char: 'y', description: 'Delete without asking.'}),
  }

  async run(): Promise<void> {
    const {argv} = await this.parse(WorkerDelete)
    const names = argv as string[]
    this.refuseUnconfirmable({yes: this.flags.yes, action: 'delete workers'})
    const {space} = await this.connectSpace()
    const targets = findAllByNameOrId(await listWorkers(space), names, 'worker')
    const leases = await listWorkerTaskLeases(space)
    if (leases) refuseLeasedWorkers(leasesHeldBy(targets, leases))
    await this.confirmDestructive({yes: this.flags.yes, action: `delete ${targets.length === 1 ? 'this worker' : `these ${targets.length} workers`}`, names: targets.map((w) => w.Name)})
    const report = await runBulk(targets, async (worker) => {
      await deleteWorker(space, worker.Id)
      return {result: worker.Id}
    })
    if (this.isJson) this.printJson(bulkJson(report, 'deleted'))
    else this.print(report.results.map(({item, outcome}) => describeOutcome(item.Name, outcome, 'deleted')).join('\n'))
    if (report.failed) {
      this.note(bulkFailureSummary(report, 'deleted'))
      process.exitCode = ExitCode.Failure
    }
  }
}
