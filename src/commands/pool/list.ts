import {Flags} from '@oclif/core'
import {EXIT_CODES_HELP, type Rendered} from '../../base-command.js'
import {ServerCommand} from '../../server-command.js'
import {listPoolsWithCounts, type PoolListResult} from '../../lib/pools/list.js'
import {POOL_LIST_HEAD, poolListRow} from '../../lib/pools/render.js'
import {POOL_TYPE_FLAGS, type PoolTypeFlag} from '../../lib/pools/validate.js'
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

  public async run(): Promise<PoolListResult> {
    const {space} = await this.connectSpace()
    return listPoolsWithCounts(space, {type: this.flags.type as PoolTypeFlag | undefined})
  }

  protected override toJson(result: PoolListResult): unknown {
    return result.pools
  }

  protected override async render({pools, spaceName, type}: PoolListResult): Promise<Rendered> {
    if (pools.length === 0) return {stderr: [type ? `No ${type} worker pools in space '${spaceName}'.` : `No worker pools in space '${spaceName}'.`]}
    return {stdout: await renderTable(POOL_LIST_HEAD, pools.map((p) => poolListRow({pool: p, counts: p.WorkerCounts})), {isTTY: Boolean(process.stdout.isTTY)})}
  }
}
