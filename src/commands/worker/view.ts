import * as Args from '@oclif/core/args'
import {type Rendered} from '../../cli/base-command.js'
import {ServerCommand} from '../../cli/server-command.js'
import {viewWorker, type WorkerView as WorkerViewResult} from '../../app/workers/view.js'
import {formatLines, workerViewLines} from '../../views/workers.js'

export default class WorkerView extends ServerCommand<typeof WorkerView> {
  static override summary = 'Show one worker: endpoint, thumbprint, pools, machine policy, health, Tentacle version, portal link.'
  static override description = 'Names the worker\'s pools, machine policy, account and proxy beside their IDs; --json prints the worker resource plus those names, the Tentacle version and upgrade advice (Kubernetes agents: their agent details), and the portal URL.'
  static override examples = ['<%= config.bin %> worker view build-01', '<%= config.bin %> worker view Workers-12 --json']

  static override args = {
    worker: Args.string({description: 'Worker name or ID.', required: true}),
  }

  async run(): Promise<WorkerViewResult> {
    const {space} = await this.connectSpace()
    return viewWorker(space, this.args.worker)
  }

  protected override render(view: WorkerViewResult): Rendered {
    return {stdout: formatLines(workerViewLines(view))}
  }
}
