import {WorkerToggleCommand, toggleDescription, toggleExamples} from '../../cli/command-bases/worker-toggle-command.js'
import type {BulkResult} from '../../domain/bulk.js'
import {enableWorkers, requireSelection} from '../../app/workers/bulk.js'

export default class WorkerEnable extends WorkerToggleCommand<typeof WorkerEnable> {
  static override summary = 'Enable workers so tasks can lease them again.'
  static override description = `${toggleDescription('enabled')}
Enabling only adds available workers: no floor applies and nothing is asked.`
  static override examples = toggleExamples('enable')

  protected readonly targetState = 'enabled'

  async run(): Promise<BulkResult> {
    const selection = this.selection
    // Bad usage is exit 2 before any request (even before credentials are looked for).
    requireSelection(selection.names, selection.poolInputs)
    const {space} = await this.connectSpace()
    return enableWorkers(space, selection)
  }
}
