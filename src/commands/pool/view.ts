import * as Args from '@oclif/core/args'
import {type Rendered} from '../../cli/base-command.js'
import {ServerCommand} from '../../cli/server-command.js'
import {isDynamicPool} from '../../domain/pools.js'
import {fitLabelledLines, poolViewLines, poolWorkersTable} from '../../views/pools.js'
import {usageReadNoteLine} from '../../views/usage-report.js'
import {viewPool, type PoolViewResult} from '../../app/pools/view.js'
import {usageLine} from '../../domain/usage/summary.js'

export default class PoolView extends ServerCommand<typeof PoolView> {
  static override summary = 'Show a worker pool: its settings, worker counts by health and endpoint type, its workers and its web-portal URL.'

  static override description = `Each worker is counted once: disabled ones under disabled, enabled ones by health (as pool list counts them).

--json prints the pool resource plus WorkerCounts, Workers (Id, Name, HealthStatus, IsDisabled, CommunicationStyle, Type, Endpoint; Type and Endpoint as worker list shows them), WebUrl and Usage (the counts of \`pool usage\`: Direct, Variable, Default, Projects, Containers...; null when the projects cannot be read).`

  static override examples = ['<%= config.bin %> pool view "Linux workers"', '<%= config.bin %> pool view WorkerPools-3 --json']

  static override args = {
    pool: Args.string({description: 'Pool name (case-insensitive) or ID.', required: true}),
  }

  public async run(): Promise<PoolViewResult> {
    const {space} = await this.connectSpace()
    return viewPool(space, this.args.pool, {onNote: (note) => this.note(usageReadNoteLine(note))})
  }

  protected override toJson(result: PoolViewResult): unknown {
    return result.document
  }

  protected override render(result: PoolViewResult): Rendered {
    const table = this.io.table
    const pool = result.document
    let lines = poolViewLines(pool, pool.WorkerCounts, pool.WebUrl)
    lines.splice(lines.length - 1, 0, `Used by:      ${pool.Usage ? usageLine(pool.Usage) : `unknown: ${result.usageUnavailable}`}`)
    if (table.isTTY) lines = fitLabelledLines(lines, table.width ?? 80)
    if (!isDynamicPool(pool)) {
      lines.push('')
      lines.push(pool.Workers.length === 0 ? 'No workers in this pool.' : poolWorkersTable(pool.Workers, table).trimEnd())
    }
    return {stdout: lines.join('\n')}
  }
}
