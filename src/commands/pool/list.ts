import * as Flags from '@oclif/core/flags'
import {type Rendered} from '../../cli/base-command.js'
import {ServerCommand} from '../../cli/server-command.js'
import {allSpacesFlag} from '../../cli/flags.js'
import {listPoolsWithCounts, type PoolListResult} from '../../app/pools/list.js'
import {poolListText} from '../../views/pools.js'
import {POOL_TYPE_FLAGS, type PoolTypeFlag} from '../../domain/pools.js'

export default class PoolList extends ServerCommand<typeof PoolList> {
  static override summary = 'List the worker pools of a space (or of every space) with their worker counts, in the server\'s sort order.'

  static override description = `Each worker is counted once: DISABLED counts the disabled workers whatever their health, and HEALTHY, WARNINGS (HasWarnings), UNHEALTHY, UNAVAILABLE and UNKNOWN count the enabled ones by health, so together they add up to WORKERS. AVAILABLE counts the workers Octopus leases: enabled, and Healthy or HasWarnings (HEALTHY + WARNINGS). Dynamic pools have no registered workers: their counts read n/a (0 in --json).

In a terminal too narrow for every column, AVAILABLE goes first, then a dynamic pool's worker type, DEFAULT and TYPE (said under the table), and WARNINGS and UNAVAILABLE are headed WARN and UNAVAIL; names are never cut: a long one wraps under its row. --wide keeps every column. Piped, the table is tab-separated values with every column (e.g. \`pool list | cut -f1\`).

--all-spaces lists the pools of every space the key can see, with a SPACE column.

--json prints each pool resource (with its SpaceId) plus SpaceName and a WorkerCounts object (Total, Available, Healthy, HasWarnings, Unhealthy, Unavailable, Unknown, Disabled, ByEndpointType; the health counts are of enabled workers).

Cost: per space, one /workerpools/all and two /workerpools/summary requests (all workers, enabled ones), whatever the number of pools or workers.`

  static override aliases = ['pool:ls']

  static override examples = ['<%= config.bin %> pool list', '<%= config.bin %> pool ls --type static', '<%= config.bin %> pool list --all-spaces', '<%= config.bin %> pool list | cut -f1,4', '<%= config.bin %> pool list --json']

  static override flags = {
    type: Flags.string({description: 'Only pools of this type.', options: POOL_TYPE_FLAGS}),
    'all-spaces': allSpacesFlag('Every space (not with --space).'),
    wide: Flags.boolean({description: 'Every column even in a narrow terminal (lines may then be wider than it).'}),
  }

  public async run(): Promise<PoolListResult> {
    const allSpaces = this.flags['all-spaces']
    const spaces = await this.connectSpaces(allSpaces)
    return listPoolsWithCounts(spaces, {type: this.flags.type as PoolTypeFlag | undefined, allSpaces})
  }

  protected override toJson(result: PoolListResult): unknown {
    return result.pools
  }

  protected override render({pools, spaceNames, allSpaces, type}: PoolListResult): Rendered {
    const kind = type ? `${type} worker pools` : 'worker pools'
    if (pools.length === 0) return {stderr: [allSpaces ? `No ${kind} in any space.` : `No ${kind} in space '${spaceNames[0]}'.`]}
    const entries = pools.map((p) => ({pool: p, counts: p.WorkerCounts, spaceName: p.SpaceName}))
    return {stdout: poolListText(entries, {allSpaces, wide: this.flags.wide, table: this.io.table})}
  }
}
