import {WorkerToggleCommand, toggleDescription, toggleExamples} from '../../command-bases/worker-toggle-command.js'

export default class WorkerEnable extends WorkerToggleCommand<typeof WorkerEnable> {
  static override summary = 'Enable workers so tasks can lease them again.'
  static override description = toggleDescription('enabled')
  static override examples = toggleExamples('enable')

  protected readonly targetState = 'enabled'
}
