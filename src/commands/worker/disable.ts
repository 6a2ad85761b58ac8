import {WorkerToggleCommand, toggleDescription, toggleExamples} from '../../command-bases/worker-toggle-command.js'

export default class WorkerDisable extends WorkerToggleCommand<typeof WorkerDisable> {
  static override summary = 'Disable workers so no new task leases them (running tasks go on).'
  static override description = toggleDescription('disabled')
  static override examples = toggleExamples('disable')

  protected readonly targetState = 'disabled'
}
