import {Flags} from '@oclif/core'
import {type Rendered} from '../../cli/base-command.js'
import {ServerCommand} from '../../cli/server-command.js'
import {allSpacesFlag} from '../../cli/flags.js'
import {listPoolsWithCounts, type PoolListResult} from '../../app/pools/list.js'
import {POOL_LIST_ALL_SPACES_HEAD, POOL_LIST_HEAD, poolListRow} from '../../views/pools.js'
import {POOL_TYPE_FLAGS, type PoolTypeFlag} from '../../domain/pools.js'
import {allSpaceContexts} from '../../app/estate/spaces.js'
import {renderTable} from '../../ui/table.js'

export default class PoolList extends ServerCommand<typeof PoolList> {
  static override summary = 'List the worker pools of a space (or of every space) with their worker counts, in the server\'s sort order.'

  static override description = `Each worker is counted once: DISABLED counts the disabled workers whatever their health, and HEALTH counts the enabled ones by status (e.g. "2 Healthy, 1 HasWarnings"), so together they add up to WORKERS. AVAILABLE counts the workers Octopus leases: enabled, and Healthy or HasWarnings. Dynamic pools have no registered workers: their counts read n/a (0 in --json).

--all-spaces lists the pools of every space the key can see, with a SPACE column.

--json prints each pool resource (with its SpaceId) plus SpaceName and a WorkerCounts object (Total, Available, Healthy, HasWarnings, Unhealthy, Unavailable, Unknown, Disabled, ByEndpointType; the health counts are of enabled workers).

Cost: per space, one /workerpools/all and two /workerpools/summary requests (all workers, enabled ones), whatever the number of pools or workers.`

  static override aliases = ['pool:ls']

  static override examples = ['<%= config.bin %> pool list', '<%= config.bin %> pool ls --type static', '<%= config.bin %> pool list --all-spaces', '<%= config.bin %> pool list --json']

  static override flags = {
    type: Flags.string({description: 'Only pools of this type.', options: POOL_TYPE_FLAGS}),
    'all-spaces': allSpacesFlag('Every space (not with --space).'),
  }

  public async run(): Promise<PoolListResult> {
    const allSpaces = this.flags['all-spaces']
    const spaces = allSpaces ? await allSpaceContexts((await this.connect()).client) : [(await this.connectSpace()).space]
    return listPoolsWithCounts(spaces, {type: this.flags.type as PoolTypeFlag | undefined, allSpaces})
  }

  protected override toJson(result: PoolListResult): unknown {
    return result.pools
  }

  protected override render({pools, spaceNames, allSpaces, type}: PoolListResult): Rendered {
    const kind = type ? `${type} worker pools` : 'worker pools'
    if (pools.length === 0) return {stderr: [allSpaces ? `No ${kind} in any space.` : `No ${kind} in space '${spaceNames[0]}'.`]}
    const rows = pools.map((p) => poolListRow({pool: p, counts: p.WorkerCounts}))
    const table = this.io.table
    if (!allSpaces) return {stdout: renderTable(POOL_LIST_HEAD, rows, table)}
    return {stdout: renderTable(POOL_LIST_ALL_SPACES_HEAD, rows.map((row, i) => [pools[i].SpaceName, ...row]), table)}
  }
}
