import {Flags} from '@oclif/core'
import {type Rendered} from '../../cli/base-command.js'
import {ServerCommand} from '../../cli/server-command.js'
import {allSpacesFlag} from '../../cli/flags.js'
import {terminalTime} from '../../views/time.js'
import {listActiveLeases, type ActiveLeasesDoc} from '../../app/leases/list.js'
import {COMPLETENESS, SOURCE_CHOICES} from '../../app/leases/sources.js'
import {bar} from '../../views/bar-chart.js'
import {allSpaceContexts} from '../../app/estate/spaces.js'
import {renderTable} from '../../ui/table.js'
import {terminalSafe} from '../../ui/safe.js'

interface LeasesListResult {
  doc: ActiveLeasesDoc
  allSpaces: boolean
  perWorker: boolean
}

export default class LeasesList extends ServerCommand<typeof LeasesList> {
  static override summary = 'The worker leases active now, and a summary per pool (--workers: per worker).'

  static override description = `Prints the active leases (worker, pool, task, since when), then one line per pool: its workers, how many are available (enabled, and Healthy or HasWarnings: the ones Octopus leases), how many hold a lease, and its active leases. --workers prints every worker with its number of active leases instead — the quantity Octopus's leasing algorithm balances (it picks the available worker with the fewest). --all-spaces reads every space and adds a SPACE column.

A lease whose task has finished is stale (Octopus keeps such rows when a release fails, until the server restarts): its TASK STATE says so, e.g. \`Success (stale)\`. It holds nothing; \`worker drain\` does not wait on it.

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
  }

  public async run(): Promise<LeasesListResult> {
    const flags = this.flags
    const {client} = await this.connect()
    const spaces = flags['all-spaces'] ? await allSpaceContexts(client) : [(await this.connectSpace()).space]
    const doc = await listActiveLeases({spaces, source: flags.source, pools: flags.pool, workers: flags.worker, debug: this.debugLine})
    return {doc, allSpaces: flags['all-spaces'], perWorker: flags.workers}
  }

  protected override toJson(result: LeasesListResult): unknown {
    return result.doc
  }

  protected override render({doc, allSpaces, perWorker}: LeasesListResult): Rendered {
    const table = this.io.table
    const space = (row: {SpaceName: string}) => (allSpaces ? [row.SpaceName] : [])
    const spaceHead = allSpaces ? ['SPACE'] : []
    const blocks: string[] = []
    const stderr: string[] = []
    if (doc.Leases.length === 0) stderr.push('No active leases.')
    else {
      blocks.push(renderTable(
        [...spaceHead, 'LEASE', 'WORKER', 'POOL', 'TASK', 'TASK STATE', 'DESCRIPTION', 'TAKEN AT', 'EXCLUSIVE'],
        doc.Leases.map((l) => [...space(l), l.LeaseId, l.WorkerName ?? l.WorkerId, l.WorkerPoolName ?? l.WorkerPoolId, l.TaskId, taskStateCell(l), l.TaskDescription, terminalTime(l.TakenAt), l.Exclusive]),
        table,
      ))
      const stale = doc.Leases.filter((l) => l.Stale).length
      if (stale > 0) stderr.push(`${stale} stale lease${stale === 1 ? '' : 's'}: ${stale === 1 ? 'its task has' : 'their tasks have'} finished, so ${stale === 1 ? 'it holds' : 'they hold'} nothing; Octopus clears stale leases when the server restarts (until then it may refuse to delete the worker).`)
    }
    if (perWorker) {
      const max = Math.max(0, ...doc.Workers.map((w) => w.ActiveLeases))
      blocks.push(renderTable(
        [...spaceHead, 'WORKER', 'POOLS', 'HEALTH', 'DISABLED', 'ACTIVE LEASES', ''],
        doc.Workers.map((w) => [...space(w), w.WorkerName, w.WorkerPoolNames.join(', '), w.HealthStatus, w.IsDisabled, w.ActiveLeases, bar(w.ActiveLeases, max, 20)]),
        table,
      ))
    } else if (doc.Pools.length > 0) {
      blocks.push(renderTable(
        [...spaceHead, 'POOL', 'WORKERS', 'AVAILABLE', 'LEASED WORKERS', 'ACTIVE LEASES'],
        doc.Pools.map((p) => [...space(p), p.WorkerPoolName, p.Workers, p.AvailableWorkers, p.LeasedWorkers, p.ActiveLeases]),
        table,
      ))
    }
    const sources = new Set(doc.Spaces.map((s) => s.Source))
    if (sources.size === 1) stderr.push(`Source: ${sourceLabel([...sources][0])}. ${doc.Spaces[0].Completeness}`)
    else for (const s of doc.Spaces) stderr.push(`Source in ${terminalSafe(s.SpaceName)}: ${sourceLabel(s.Source)}. ${s.Completeness}`)
    return {stdout: blocks.length > 0 ? blocks.join('\n') : undefined, stderr}
  }
}

/** `Executing`, or `Success (stale)` for a lease whose task has finished. */
function taskStateCell(lease: {Stale: boolean; TaskState: string | null}): string {
  if (lease.TaskState === null) return ''
  return lease.Stale ? `${lease.TaskState} (stale)` : lease.TaskState
}

function sourceLabel(kind: string): string {
  return kind === 'api' ? 'lease API' : 'task logs'
}
