import {Args} from '@oclif/core'
import {EXIT_CODES_HELP} from '../../base-command.js'
import {ServerCommand} from '../../server-command.js'
import {findByNameOrId} from '../../lib/octopus/names.js'
import {listAccounts, listMachinePolicies, listProxies, listWorkerPools, listWorkers} from '../../lib/octopus/repositories.js'
import {formatLines, workerView, workerViewLines} from '../../lib/workers/view.js'

export default class WorkerView extends ServerCommand<typeof WorkerView> {
  static override summary = 'Show one worker: endpoint, thumbprint, pools, machine policy, health, Tentacle version, portal link.'
  static override description = EXIT_CODES_HELP
  static override examples = ['<%= config.bin %> worker view build-01', '<%= config.bin %> worker view Workers-12 --json']

  static override args = {
    worker: Args.string({description: 'Worker name or ID.', required: true}),
  }

  async run(): Promise<void> {
    const {space} = await this.connectSpace()
    const [workers, pools, machinePolicies] = await Promise.all([listWorkers(space), listWorkerPools(space), listMachinePolicies(space)])
    const worker = findByNameOrId(workers, this.args.worker, 'worker')
    const endpoint = worker.Endpoint
    const [accounts, proxies] = await Promise.all([
      endpoint?.AccountId ? listAccounts(space) : undefined,
      endpoint?.ProxyId ? listProxies(space) : undefined,
    ])
    const view = workerView(worker, {pools, machinePolicies, accounts, proxies, webUrl: space.webUrl(`infrastructure/workers/${worker.Id}/settings`)})
    if (this.isJson) return this.printJson(view)
    this.print(formatLines(workerViewLines(view)))
  }
}
