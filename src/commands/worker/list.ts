import * as Flags from '@oclif/core/flags'
import {type Rendered} from '../../cli/base-command.js'
import {ServerCommand} from '../../cli/server-command.js'
import {allSpacesFlag} from '../../cli/flags.js'
import {renderTable} from '../../ui/table.js'
import {HEALTH_STATUSES, listWorkersIn, type WorkerListResult} from '../../app/workers/list.js'
import {workerListTable} from '../../views/workers.js'
import {WORKER_TYPES} from '../../domain/workers/endpoint-facts.js'

export default class WorkerList extends ServerCommand<typeof WorkerList> {
  static override aliases = ['worker:ls']
  static override summary = 'List workers, filtered by pool, health, state, type or name.'
  static override description = `Filters are sent to the server as its own query parameters (in the spelling of its link template), so a list costs the same few requests however many workers there are; they are applied again to what the server returns, so a server that ignores a filter still gives the exact list. --type kubernetes lists Kubernetes agent workers.

--all-spaces lists every space's workers with a SPACE column (SpaceName in --json); --pool then matches the pools of that name in each space that has one.`
  static override examples = [
    '<%= config.bin %> worker list',
    '<%= config.bin %> worker list --pool "Linux Workers" --health Unhealthy --health Unavailable',
    '<%= config.bin %> worker ls --disabled --type polling --json',
    '<%= config.bin %> worker list --all-spaces --health Unhealthy',
  ]

  static override flags = {
    pool: Flags.string({description: 'Only workers in this pool (name or ID; repeatable).', multiple: true}),
    health: Flags.string({description: `Only workers with this health (${HEALTH_STATUSES.join('|')}; repeatable).`, multiple: true}),
    enabled: Flags.boolean({description: 'Only enabled workers.', exclusive: ['disabled']}),
    disabled: Flags.boolean({description: 'Only disabled workers.', exclusive: ['enabled']}),
    type: Flags.string({description: `Only workers of this type (${WORKER_TYPES.join('|')}).`}),
    'name-like': Flags.string({description: 'Only workers whose name contains this text.'}),
    'all-spaces': allSpacesFlag('Workers of every space, with a SPACE column (not with --space).'),
  }

  async run(): Promise<WorkerListResult> {
    const {flags} = this
    const allSpaces = flags['all-spaces']
    const input = {pools: flags.pool, health: flags.health, enabled: flags.enabled, disabled: flags.disabled, type: flags.type, nameLike: flags['name-like']}
    const connect = async () => this.connectSpaces(allSpaces)
    return listWorkersIn(input, {allSpaces, connect})
  }

  protected override toJson(result: WorkerListResult): unknown {
    return result.workers
  }

  protected override render(result: WorkerListResult): Rendered {
    if (result.workers.length === 0) return {stderr: ['No workers match.']}
    const {head, rows} = workerListTable(result)
    return {stdout: renderTable(head, rows, this.io.table)}
  }
}
