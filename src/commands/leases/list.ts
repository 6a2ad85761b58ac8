import {Flags} from '@oclif/core'
import {EXIT_CODES_HELP} from '../../base-command.js'
import {ServerCommand} from '../../server-command.js'
import {NameDirectory} from '../../lib/leases/directory.js'
import {resolveLeaseFilter} from '../../lib/leases/filter.js'
import {activeLeasesDoc} from '../../lib/leases/list.js'
import {chooseSourceKind, COMPLETENESS, createLeaseSource, SOURCE_CHOICES, type SourceChoice} from '../../lib/leases/sources.js'
import {bar} from '../../lib/render/bar-chart.js'
import {renderTable} from '../../lib/render/table.js'

export default class LeasesList extends ServerCommand<typeof LeasesList> {
  static override summary = 'The worker leases active now, and how many each worker holds.'

  static override description = `Two tables: the active leases (worker, pool, task, since when), and every worker with its number of active leases — the quantity Octopus's leasing algorithm balances (it picks the healthy worker with the fewest). --json prints {Source, Completeness, SpaceId, Leases[], Workers[]}.

What it reads, and what it can miss (--source; auto uses the lease API where the server has it):
- api: ${COMPLETENESS['list-api']}
- logs: ${COMPLETENESS['list-logs']}

${EXIT_CODES_HELP}`

  static override examples = ['<%= config.bin %> leases list', '<%= config.bin %> leases list --pool "Linux workers" --json']

  static override flags = {
    source: Flags.string({description: 'Where leases are read from.', options: SOURCE_CHOICES, default: 'auto'}),
    pool: Flags.string({description: 'Only this pool (name or ID; repeatable).', multiple: true}),
    worker: Flags.string({description: 'Only this worker (name or ID; repeatable).', multiple: true}),
  }

  public async run(): Promise<void> {
    const {space} = await this.connectSpace()
    const directory = new NameDirectory(space)
    await directory.load()
    const filter = resolveLeaseFilter([directory], this.flags.pool, this.flags.worker)
    const kind = await chooseSourceKind(space, this.flags.source as SourceChoice, this.debugLine, 'active-now')
    const leases = await createLeaseSource(kind, space, directory).start()
    const doc = activeLeasesDoc(kind, space.spaceId, leases, directory, filter, COMPLETENESS[kind === 'api' ? 'list-api' : 'list-logs'])
    if (this.isJson) {
      this.printJson(doc)
      return
    }
    const isTTY = Boolean(process.stdout.isTTY)
    if (doc.Leases.length === 0) this.print('No active leases.')
    else {
      this.print(await renderTable(
        ['LEASE', 'WORKER', 'POOL', 'TASK', 'DESCRIPTION', 'TAKEN AT', 'EXCLUSIVE'],
        doc.Leases.map((l) => [l.LeaseId, l.WorkerName ?? l.WorkerId, l.WorkerPoolName ?? l.WorkerPoolId, l.TaskId, l.TaskDescription, l.TakenAt, l.Exclusive]),
        {isTTY},
      ))
    }
    const max = Math.max(0, ...doc.Workers.map((w) => w.ActiveLeases))
    this.print(await renderTable(
      ['WORKER', 'POOLS', 'HEALTH', 'ACTIVE LEASES', ''],
      doc.Workers.map((w) => [w.WorkerName + (w.IsDisabled ? ' (disabled)' : ''), w.WorkerPoolNames.join(', '), w.HealthStatus, w.ActiveLeases, bar(w.ActiveLeases, max, 20)]),
      {isTTY},
    ))
    this.note(`Source: ${kind === 'api' ? 'lease API' : 'task logs'}. ${doc.Completeness}`)
  }
}
