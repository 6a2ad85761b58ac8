import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import type {Command} from '@oclif/core/command'
import {type Rendered} from '../base-command.js'
import {ServerCommand} from '../server-command.js'
import type {BulkResult} from '../../domain/bulk.js'
import {renderWorkerBulk} from '../../views/bulk.js'

export type ToggledState = 'enabled' | 'disabled'

/** The help shared by `worker enable` and `worker disable`, worded for the state they set. */
export function toggleDescription(state: ToggledState): string {
  return `Select workers by name or ID and with --pool (repeatable; every worker of the pool); the selection is resolved first, and an unknown name is exit 4 with nothing changed. A pool with no workers selects nothing (exit 0).
Each worker is read just before it is written, and only IsDisabled changes (a change someone made to it meanwhile is kept). Workers already ${state} are reported as unchanged, not errors. One line per worker; --json gives the bulk result {Action, Results: [{Id, Name, Status, Message}], Done, Unchanged, Failed, NotAttempted}.
The first failure stops the run: the workers after it are not attempted, the whole result is still printed, and the exit code is 1.`
}

export function toggleExamples(verb: 'enable' | 'disable'): string[] {
  const yes = verb === 'disable' ? ' -y' : ''
  return [`<%= config.bin %> worker ${verb} build-01 build-02${yes}`, `<%= config.bin %> worker ${verb} --pool "Linux Workers" --json${verb === 'disable' ? ' --force -y' : ''}`]
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

  /** Explicit options: oclif spreads the class it is given, which drops inherited statics (args, strict). */
  protected get selection(): {names: string[]; poolInputs: string[]} {
    return {names: this.argValues, poolInputs: (this.flags as {pool?: string[]}).pool ?? []}
  }

  protected override render(result: BulkResult): Rendered {
    return renderWorkerBulk(result, this.targetState)
  }
}
