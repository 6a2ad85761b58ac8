import {Args, Flags, type Command} from '@oclif/core'
import {EXIT_CODES_HELP} from '../base-command.js'
import {ServerCommand} from '../server-command.js'
import {ExitCode} from '../lib/errors.js'
import {describeOutcome} from '../lib/bulk.js'
import {listWorkerPools, listWorkers} from '../lib/octopus/repositories.js'
import {bulkFailureSummary, bulkJson, requireSelection, selectWorkers, setWorkersDisabled} from '../lib/workers/bulk.js'

export type ToggledState = 'enabled' | 'disabled'

/** The help shared by `worker enable` and `worker disable`, worded for the state they set. */
export function toggleDescription(state: ToggledState): string {
  return `Every name (and --pool) is resolved first; an unknown one is exit 4 and nothing is changed.
Workers already ${state} are reported, not errors. One line per worker; --json gives an array with each worker's Outcome (done, unchanged, failed, skipped).
If the server fails midway, the lines say which workers were ${state} and which were not, and the exit code is 1.

${EXIT_CODES_HELP}`
}

export function toggleExamples(verb: 'enable' | 'disable'): string[] {
  return [`<%= config.bin %> worker ${verb} build-01 build-02`, `<%= config.bin %> worker ${verb} --pool "Linux Workers" --json`]
}

/** `worker enable` / `worker disable`: select workers by name and --pool, then set IsDisabled on each. */
export abstract class WorkerToggleCommand<T extends typeof Command> extends ServerCommand<T> {
  static override strict = false

  static override args = {
    worker: Args.string({description: 'Worker names or IDs.'}),
  }

  static override flags = {
    pool: Flags.string({description: 'Also every worker of this pool (name or ID; repeatable).', multiple: true}),
  }

  /** The state the command leaves each selected worker in. */
  protected abstract readonly targetState: ToggledState

  async run(): Promise<void> {
    // Explicit options: oclif spreads the class it is given, which drops inherited statics (args, strict).
    const {argv} = await this.parse({flags: this.ctor.flags, baseFlags: this.ctor.baseFlags, args: this.ctor.args, strict: this.ctor.strict})
    const names = argv as string[]
    const poolInputs = (this.flags as {pool?: string[]}).pool ?? []
    requireSelection(names, poolInputs)
    const {space} = await this.connectSpace()
    const [workers, pools] = await Promise.all([listWorkers(space), poolInputs.length > 0 ? listWorkerPools(space) : []])
    const targets = selectWorkers({workers, names, pools, poolInputs})
    const report = await setWorkersDisabled(space, targets, this.targetState === 'disabled')
    if (this.isJson) this.printJson(bulkJson(report, this.targetState))
    else this.print(report.results.map(({item, outcome}) => describeOutcome(item.Name, outcome, this.targetState)).join('\n') || 'The pool has no workers.')
    if (report.failed) {
      this.note(bulkFailureSummary(report, this.targetState))
      process.exitCode = ExitCode.Failure
    }
  }
}
