import {Flags} from '@oclif/core'
import {EXIT_CODES_HELP} from '../../base-command.js'
import {ServerCommand} from '../../server-command.js'
import {usageError} from '../../lib/errors.js'
import {collectLeaseReport} from '../../lib/leases/collect-report.js'
import {NameDirectory} from '../../lib/leases/directory.js'
import {resolveLeaseFilter} from '../../lib/leases/filter.js'
import {progressLine} from '../../lib/leases/format.js'
import {GROUP_BY, type GroupBy} from '../../lib/leases/report.js'
import {parseWindow} from '../../lib/leases/time.js'
import {COMPLETENESS} from '../../lib/leases/sources.js'
import {reportCsv} from '../../lib/render/leases/csv.js'
import {renderLeaseReport} from '../../lib/render/leases/table.js'

const FORMATS = ['table', 'json', 'csv'] as const

export default class LeasesReport extends ServerCommand<typeof LeasesReport> {
  static override summary = 'Worker lease usage over a time window: per worker, per pool, idle capacity, peaks.'

  static override description = `Reads the completed tasks in the window (--since, default 24h; --until, default now) and their logs (8 at a time, with a progress bar on stderr when it is a terminal), and reports: leases per worker, per pool and per task type; workers never leased (idle capacity); the busiest workers; and the peak number of concurrent leases per pool. A lease lasts from its "Leased worker" log line to the end of its step (or else of its task).

What it reads, and what it can miss: ${COMPLETENESS.report} --json (or --format json) states the same in Completeness.

--since/--until take a duration back from now (30m, 24h, 7d, 2w) or a date (2026-03-01, 2026-03-01T12:00:00Z). --group-by picks the main table's rows; the table view draws a bar chart. --format json (or --json) prints one document; --format csv prints the group-by rows.

${EXIT_CODES_HELP}`

  static override examples = [
    '<%= config.bin %> leases report',
    '<%= config.bin %> leases report --since 7d --group-by pool',
    '<%= config.bin %> leases report --since 2026-03-01 --until 2026-03-08 --format csv > leases.csv',
  ]

  static override flags = {
    since: Flags.string({description: 'Start of the window: duration back from now, or a date (default 24h).'}),
    until: Flags.string({description: 'End of the window (default now).'}),
    'group-by': Flags.string({description: 'Rows of the main table.', options: GROUP_BY, default: 'worker'}),
    format: Flags.string({description: 'Output format.', options: [...FORMATS], default: 'table'}),
    pool: Flags.string({description: 'Only leases from this pool (name or ID; repeatable).', multiple: true}),
    worker: Flags.string({description: 'Only leases of this worker (name or ID; repeatable).', multiple: true}),
  }

  public async run(): Promise<void> {
    const flags = this.flags
    const window = parseWindow(flags.since, flags.until, Date.now())
    const format = this.isJson ? 'json' : flags.format
    if (this.isJson && flags.format !== 'table' && flags.format !== 'json') throw usageError(`--json and --format ${flags.format} contradict each other; give one.`)

    const {space} = await this.connectSpace()
    const directory = new NameDirectory(space)
    await directory.load()
    const filter = resolveLeaseFilter([directory], flags.pool, flags.worker)
    const showProgress = Boolean(process.stderr.isTTY)
    let lastDrawn = 0
    const report = await collectLeaseReport(space, directory, {
      since: window.since,
      until: window.until,
      groupBy: flags['group-by'] as GroupBy,
      filter,
      onProgress: showProgress
        ? (done, total) => {
            const now = performance.now()
            if (done !== total && now - lastDrawn < 100) return
            lastDrawn = now
            process.stderr.write(`\r${progressLine(done, total)}${done === total ? '\n' : ''}`)
          }
        : undefined,
    })

    if (format === 'json') this.printJson({...report, Completeness: COMPLETENESS.report})
    else if (format === 'csv') this.print(reportCsv(report))
    else this.print(await renderLeaseReport(report, Boolean(process.stdout.isTTY)))
  }
}
