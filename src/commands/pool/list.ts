import {Flags} from '@oclif/core'
import {EXIT_CODES_HELP} from '../../base-command.js'
import {ServerCommand} from '../../server-command.js'
import {getWorkerPoolsSummary, listWorkerPools} from '../../lib/octopus/repositories.js'
import {joinPoolsWithSummary} from '../../lib/pools/counts.js'
import {filterByType, POOL_LIST_HEAD, poolJson, poolListRow} from '../../lib/pools/render.js'
import {POOL_TYPE_FLAGS} from '../../lib/pools/validate.js'
import {renderTable} from '../../lib/render/table.js'

export default class PoolList extends ServerCommand<typeof PoolList> {
  static override summary = 'List the worker pools of a space with their worker counts, in the server\'s sort order.'

  static override description = `HEALTHY counts workers that are Healthy or HasWarnings (they take work); UNHEALTHY counts Unhealthy or Unavailable ones. Dynamic pools have no registered workers: their counts read n/a (0 in --json).

--json prints each pool resource plus a WorkerCounts object (Total, Healthy, HasWarnings, Unhealthy, Unavailable, Unknown, Disabled, ByEndpointType).

Cost: one /workerpools/summary and one /workerpools/all request, whatever the number of pools or workers.

${EXIT_CODES_HELP}`

  static override aliases = ['pool:ls']

  static override examples = ['<%= config.bin %> pool list', '<%= config.bin %> pool ls --type static', '<%= config.bin %> pool list --json']

  static override flags = {
    type: Flags.string({description: 'Only pools of this type.', options: POOL_TYPE_FLAGS}),
  }

  public async run(): Promise<void> {
    const {space} = await this.connectSpace()
    const [pools, summary] = await Promise.all([listWorkerPools(space), getWorkerPoolsSummary(space)])
    const rows = filterByType(joinPoolsWithSummary(pools, summary), this.flags.type as 'static' | 'dynamic' | undefined)
    if (this.isJson) {
      this.printJson(rows.map(poolJson))
      return
    }
    if (rows.length === 0) {
      this.note(this.flags.type ? `No ${this.flags.type} worker pools in space '${space.space.Name}'.` : `No worker pools in space '${space.space.Name}'.`)
      return
    }
    this.print(await renderTable(POOL_LIST_HEAD, rows.map(poolListRow), {isTTY: Boolean(process.stdout.isTTY)}))
  }
}
