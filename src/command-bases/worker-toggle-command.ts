import {Args, Flags, type Command} from '@oclif/core'
import {type Rendered} from '../base-command.js'
import {ServerCommand} from '../server-command.js'
import type {BulkResult} from '../lib/bulk.js'
import {renderWorkerBulk, requireSelection, toggleWorkers} from '../lib/workers/bulk.js'

export type ToggledState = 'enabled' | 'disabled'

/** The help shared by `worker enable` and `worker disable`, worded for the state they set. */
export function toggleDescription(state: ToggledState): string {
  return `Select workers by name or ID and with --pool (repeatable; every worker of the pool); the selection is resolved first, and an unknown name is exit 4 with nothing changed. A pool with no workers selects nothing (exit 0).
Workers already ${state} are reported as unchanged, not errors. One line per worker; --json gives the bulk result {Action, Results: [{Id, Name, Status, Message}], Done, Unchanged, Failed, NotAttempted}.
The first failure stops the run: the workers after it are not attempted, the whole result is still printed, and the exit code is 1.`
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

  async run(): Promise<BulkResult> {
    // Explicit options: oclif spreads the class it is given, which drops inherited statics (args, strict).
    const selection = {names: this.argValues, poolInputs: (this.flags as {pool?: string[]}).pool ?? []}
    // Bad usage is exit 2 before any request (even before credentials are looked for).
    requireSelection(selection.names, selection.poolInputs)
    const {space} = await this.connectSpace()
    return toggleWorkers(space, {...selection, disabled: this.targetState === 'disabled'})
  }

  protected override render(result: BulkResult): Rendered {
    return renderWorkerBulk(result, this.targetState)
  }
}
