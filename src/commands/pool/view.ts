import {Args} from '@oclif/core'
import {EXIT_CODES_HELP} from '../../base-command.js'
import {ServerCommand} from '../../server-command.js'
import {findByNameOrId} from '../../lib/octopus/names.js'
import {listWorkerPools, listWorkers} from '../../lib/octopus/repositories.js'
import {isDynamicPool} from '../../lib/estate/facts.js'
import {countsFromWorkers} from '../../lib/pools/counts.js'
import {POOL_WORKERS_HEAD, poolViewLines, poolWorkerRow, poolWorkerSummary} from '../../lib/pools/render.js'
import {renderTable} from '../../lib/render/table.js'
import {readPoolUsage} from '../../lib/usage/guard.js'
import {usageLine} from '../../lib/usage/summary.js'

export default class PoolView extends ServerCommand<typeof PoolView> {
  static override summary = 'Show a worker pool: its settings, worker counts by health and endpoint type, its workers and its web-portal URL.'

  static override description = `--json prints the pool resource plus WorkerCounts, Workers (Id, Name, HealthStatus, IsDisabled, CommunicationStyle, Type, Endpoint; Type and Endpoint as worker list shows them), WebUrl and Usage (the counts of \`pool usage\`: Direct, Variable, Default, Projects, Containers...; null when the projects cannot be read).

${EXIT_CODES_HELP}`

  static override examples = ['<%= config.bin %> pool view "Linux workers"', '<%= config.bin %> pool view WorkerPools-3 --json']

  static override args = {
    pool: Args.string({description: 'Pool name (case-insensitive) or ID.', required: true}),
  }

  public async run(): Promise<void> {
    const {space} = await this.connectSpace()
    const pool = findByNameOrId(await listWorkerPools(space), this.args.pool, 'worker pool')
    const dynamic = isDynamicPool(pool)
    // A dynamic pool has no registered workers: Octopus provides them on demand.
    const workers = dynamic ? [] : (await listWorkers(space, {workerPoolIds: [pool.Id]})).filter((w) => (w.WorkerPoolIds ?? []).includes(pool.Id))
    const counts = countsFromWorkers(workers)
    const members = workers.map(poolWorkerSummary)
    const webUrl = space.webUrl(`infrastructure/workerpools/${pool.Id}`)
    const usage = await readPoolUsage(space, pool)
    if (this.isJson) {
      this.printJson({...pool, WorkerCounts: counts, Workers: members, WebUrl: webUrl, Usage: 'summary' in usage ? usage.summary : null})
      return
    }
    const lines = poolViewLines(pool, counts, webUrl)
    lines.splice(lines.length - 1, 0, `Used by:      ${'summary' in usage ? usageLine(usage.summary) : `unknown: ${usage.unavailable}`}`)
    if (!dynamic) {
      lines.push('')
      lines.push(members.length === 0 ? 'No workers in this pool.' : (await renderTable(POOL_WORKERS_HEAD, members.map(poolWorkerRow), {isTTY: Boolean(process.stdout.isTTY)})).trimEnd())
    }
    this.print(lines.join('\n'))
  }
}
