import {Args, Flags} from '@oclif/core'
import {EXIT_CODES_HELP} from '../../base-command.js'
import {ServerCommand} from '../../server-command.js'
import {ExitCode} from '../../lib/errors.js'
import {describeOutcome} from '../../lib/bulk.js'
import {listWorkerPools, listWorkers} from '../../lib/octopus/repositories.js'
import {bulkFailureSummary, bulkJson, requireSelection, selectWorkers, setWorkersDisabled} from '../../lib/workers/bulk.js'

export default class WorkerDisable extends ServerCommand<typeof WorkerDisable> {
  static override summary = 'Disable workers so no new task leases them (running tasks go on).'
  static override description = `Every name (and --pool) is resolved first; an unknown one is exit 4 and nothing is changed.
Workers already disabled are reported, not errors. One line per worker; --json gives an array with each worker's Outcome (done, unchanged, failed, skipped).
If the server fails midway, the lines say which workers were disabled and which were not, and the exit code is 1.

${EXIT_CODES_HELP}`
  static override examples = ['<%= config.bin %> worker disable build-01 build-02', '<%= config.bin %> worker disable --pool "Linux Workers" --json']

  static override strict = false

  static override args = {
    worker: Args.string({description: 'Worker names or IDs.'}),
  }

  static override flags = {
    pool: Flags.string({description: 'Also every worker of this pool (name or ID; repeatable).', multiple: true}),
  }

  async run(): Promise<void> {
    const {argv} = await this.parse(WorkerDisable)
    const poolInputs = this.flags.pool ?? []
    requireSelection(argv as string[], poolInputs)
    const {space} = await this.connectSpace()
    const [workers, pools] = await Promise.all([listWorkers(space), poolInputs.length > 0 ? listWorkerPools(space) : []])
    const targets = selectWorkers({workers, names: argv as string[], pools, poolInputs})
    const report = await setWorkersDisabled(space, targets, true)
    if (this.isJson) this.printJson(bulkJson(report, 'disabled'))
    else this.print(report.results.map(({item, outcome}) => describeOutcome(item.Name, outcome, 'disabled')).join('\n') || 'The pool has no workers.')
    if (report.failed) {
      this.note(bulkFailureSummary(report, 'disabled'))
      process.exitCode = ExitCode.Failure
    }
  }
}
