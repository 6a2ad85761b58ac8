import * as Flags from '@oclif/core/flags'
import {type Rendered} from '../../cli/base-command.js'
import {ServerCommand} from '../../cli/server-command.js'
import {allSpacesFlag} from '../../cli/flags.js'
import {listActiveLeases, type ActiveLeasesDoc} from '../../app/leases/list.js'
import {COMPLETENESS, SOURCE_CHOICES} from '../../app/leases/sources.js'
import {terminalColumns} from '../../ui/table.js'
import {renderLeasesList} from '../../views/leases/list.js'

interface LeasesListResult {
  doc: ActiveLeasesDoc
  allSpaces: boolean
  perWorker: boolean
}

export default class LeasesList extends ServerCommand<typeof LeasesList> {
  static override summary = 'The worker leases active now, and a summary per pool (--workers: per worker).'

  static override description = `Prints the active leases (worker, pool, task, since when), then one line per pool: its workers, how many are available (enabled, and Healthy or HasWarnings: the ones Octopus leases), how many hold a lease, and its active leases. --workers prints every worker with its number of active leases instead — the quantity Octopus's leasing algorithm balances (it picks the available worker with the fewest). --all-spaces reads every space and adds a SPACE column.

A lease whose task has finished is stale (Octopus keeps such rows when a release fails, until the server restarts): its TASK STATE says so, e.g. \`Success (stale)\`. It holds nothing; \`worker drain\` does not wait on it.

On a terminal nothing is cut: what does not fit moves under its row, and an EXCLUSIVE column that says no for every lease is left out; --wide keeps every column in its row.

--json prints {Spaces[{SpaceId, SpaceName, Source, Completeness}], Leases[], Pools[], Workers[]}, whatever --workers says; each lease carries Stale, TaskState and TaskCompletedTime.

What it reads, and what it can miss (--source; auto uses the lease API where the server has it):
- api: ${COMPLETENESS['list-api']}
- logs: ${COMPLETENESS['list-logs']}`

  static override examples = ['<%= config.bin %> leases list', '<%= config.bin %> leases list --workers --pool "Linux workers"', '<%= config.bin %> leases list --all-spaces --json']

  static override flags = {
    source: Flags.option({description: 'Where leases are read from.', options: SOURCE_CHOICES, default: 'auto' as const})(),
    pool: Flags.string({description: 'Only this pool (name or ID; repeatable).', multiple: true}),
    worker: Flags.string({description: 'Only this worker (name or ID; repeatable).', multiple: true}),
    'all-spaces': allSpacesFlag('Every space (not with --space).'),
    workers: Flags.boolean({description: 'After the leases, every worker with its active leases (instead of the per-pool summary).'}),
    wide: Flags.boolean({description: 'Every column in its row, however narrow the terminal (else the description, lease ID, pool and task state move under their row as needed).'}),
  }

  public async run(): Promise<LeasesListResult> {
    const flags = this.flags
    const spaces = await this.connectSpaces(flags['all-spaces'])
    const doc = await listActiveLeases({spaces, source: flags.source, pools: flags.pool, workers: flags.worker, debug: this.debugLine})
    return {doc, allSpaces: flags['all-spaces'], perWorker: flags.workers}
  }

  protected override toJson(result: LeasesListResult): unknown {
    return result.doc
  }

  protected override render({doc, allSpaces, perWorker}: LeasesListResult): Rendered {
    const notesWidth = this.io.stderr.isTTY ? terminalColumns(this.io.stderr, this.env) : undefined
    return renderLeasesList(doc, {allSpaces, perWorker, wide: this.flags.wide, table: this.io.table, notesWidth})
  }
}
