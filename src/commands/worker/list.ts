import {Flags} from '@oclif/core'
import {EXIT_CODES_HELP} from '../../base-command.js'
import {ServerCommand} from '../../server-command.js'
import {listWorkerPools, listWorkers} from '../../lib/octopus/repositories.js'
import {findAllByNameOrId} from '../../lib/octopus/names.js'
import {renderTable} from '../../lib/render/table.js'
import {HEALTH_STATUSES, WORKER_TABLE_HEAD, parseHealthStatus, parseWorkerType, sortByName, toWorkerQuery, withPoolNames, workerRow} from '../../lib/workers/list.js'
import {WORKER_TYPES} from '../../lib/workers/endpoint.js'

export default class WorkerList extends ServerCommand<typeof WorkerList> {
  static override aliases = ['worker:ls']
  static override summary = 'List workers, filtered by pool, health, state, type or name.'
  static override description = `Filters are sent to the server as its own query parameters (in the spelling of its link template), so a list costs the same few requests however many workers there are; they are applied again to what the server returns, so a server that ignores a filter still gives the exact list. --type kubernetes lists Kubernetes agent workers.\n\n${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> worker list',
    '<%= config.bin %> worker list --pool "Linux Workers" --health Unhealthy --health Unavailable',
    '<%= config.bin %> worker ls --disabled --type polling --json',
  ]

  static override flags = {
    pool: Flags.string({description: 'Only workers in this pool (name or ID; repeatable).', multiple: true}),
    health: Flags.string({description: `Only workers with this health (${HEALTH_STATUSES.join('|')}; repeatable).`, multiple: true}),
    enabled: Flags.boolean({description: 'Only enabled workers.', exclusive: ['disabled']}),
    disabled: Flags.boolean({description: 'Only disabled workers.', exclusive: ['enabled']}),
    type: Flags.string({description: `Only workers of this type (${WORKER_TYPES.join('|')}).`}),
    'name-like': Flags.string({description: 'Only workers whose name contains this text.'}),
  }

  async run(): Promise<void> {
    const {flags} = this
    const health = (flags.health ?? []).map(parseHealthStatus)
    const type = flags.type === undefined ? undefined : parseWorkerType(flags.type)
    const {space} = await this.connectSpace()
    const pools = await listWorkerPools(space)
    const poolIds = findAllByNameOrId(pools, flags.pool ?? [], 'worker pool').map((p) => p.Id)
    const query = toWorkerQuery({poolIds, health, enabled: flags.enabled, disabled: flags.disabled, type, nameLike: flags['name-like']})
    const workers = sortByName(await listWorkers(space, query)).map((w) => withPoolNames(w, pools))
    if (this.isJson) return this.printJson(workers)
    if (workers.length === 0) return this.note('No workers match.')
    this.print(await renderTable(WORKER_TABLE_HEAD, workers.map(workerRow), {isTTY: Boolean(process.stdout.isTTY)}))
  }
}
