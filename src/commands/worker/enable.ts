import {Args, Flags} from '@oclif/core'
import {EXIT_CODES_HELP} from '../../base-command.js'
import {ServerCommand} from '../../server-command.js'
import {ExitCode} from '../../lib/errors.js'
import {describeOutcome} from '../../lib/bulk.js'
import {listWorkerPools, listWorkers} from '../../lib/octopus/repositories.js'
import {bulkFailureSummary, bulkJson, requireSelection, selectWorkers, setWorkersDisabled} from '../../lib/workers/bulk.js'

export default class WorkerEnable extends ServerCommand<typeof WorkerEnable> {
  static override summary = 'Enable workers so tasks can lease them again.'
  static override description = `Every name (and --pool) is resolved first; an unknown one is exit 4 and nothing is changed.
Workers already enabled are reported, not errors. One line per worker; --json gives an array with each worker's Outcome (done, unchanged, failed, skipped).
If the server fails midway, the lines say which workers were enabled and which were not, and the exit code is 1.

${EXIT_CODES_HELP}`
  static override examples = ['<%= config.bin %> worker enable build-01 build-02', '<%= config.bin %> worker enable --pool "Linux Workers" --json']

  static override strict = false

  static override args = {
    worker: Args.string({description: 'Worker names or IDs.'}),
  }

  static override flags = {
    pool: Flags.string({description: 'Also every worker of this pool (name or ID; repeatable).', multiple: true}),
  }

  async run(): Promise<void> {
    const {argv} = await this.parse(WorkerEnable)
    const poolInputs = this.flags.pool ?? []
    requireSelection(argv as string[], poolInputs)
    const {space} = await this.connectSpace()
    const [workers, pools] = await Promise.all([listWorkers(space), poolInputs.length > 0 ? listWorkerPools(space) : []])
    const targets = selectWorkers({workers, names: argv as string[], pools, poolInputs})
    const report = await setWorkersDisabled(space, targets, false)
    if (this.isJson) this.printJson(bulkJson(report, 'enabled'))
    else this.print(report.results.map(({item, outcome}) => describeOutcome(item.Name, outcome, 'enabled')).join('\n') || 'The pool has no workers.')
    if (report.failed) {
      this.note(bulkFailureSummary(report, 'enabled'))
      process.exitCode = ExitCode.Failure
    }
  }
}
