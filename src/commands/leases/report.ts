import {Flags} from '@oclif/core'
import {EXIT_CODES_HELP} from '../../base-command.js'
import {ServerCommand} from '../../server-command.js'
import {usageError} from '../../lib/errors.js'
import {collectLeaseReport} from '../../lib/leases/collect-report.js'
import {NameDirectory} from '../../lib/leases/directory.js'
import {ReportCache, cacheDir} from '../../lib/leases/report-cache.js'
import {resolveLeaseFilter} from '../../lib/leases/filter.js'
import {progressLine} from '../../lib/leases/format.js'
import {GROUP_BY, groupGrid, reportCsv, withBars, type GroupBy, type LeaseReport} from '../../lib/leases/report.js'
import {formatDuration, parseWindow} from '../../lib/leases/time.js'
import {COMPLETENESS} from '../../lib/leases/sources.js'
import {renderTable} from '../../lib/render/table.js'
import {terminalSafe} from '../../lib/render/safe.js'

const FORMATS = ['table', 'json', 'csv'] as const

export default class LeasesReport extends ServerCommand<typeof LeasesReport> {
  static override summary = 'Worker lease usage over a time window: per worker, per pool, idle capacity, peaks.'

  static override description = `Reads the completed tasks in the window (--since, default 24h; --until, default now) and their logs (8 at a time, with a progress bar on stderr when it is a terminal), and reports: leases per worker, per pool and per task type; workers never leased (idle capacity); the busiest workers; and the peak number of concurrent leases per pool. A lease lasts from its "Leased worker" log line to the end of its step (or else of its task).

What it reads, and what it can miss: ${COMPLETENESS.report} --json (or --format json) states the same in Completeness.

--since/--until take a duration back from now (30m, 24h, 7d, 2w) or a date (2026-03-01, 2026-03-01T12:00:00Z). --group-by picks the main table's rows; the table view draws a bar chart. --format json (or --json) prints one document; --format csv prints the group-by rows.

What a completed task's log says about leases is cached under $XDG_CACHE_HOME/octoworkers (per server and space), so a later report reads only the logs of tasks it has not seen; --no-cache reads every log (and leaves the cache as it was).

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
    'no-cache': Flags.boolean({description: 'Read every task log; neither use nor update the local cache of lease records.'}),
  }

  public async run(): Promise<void> {
    const flags = this.flags
    const window = parseWindow(flags.since, flags.until, Date.now())
    const format = this.isJson ? 'json' : flags.format
    if (this.isJson && flags.format !== 'table' && flags.format !== 'json') throw usageError(`--json and --format ${flags.format} contradict each other; give one.`)

    const {client, space} = await this.connectSpace()
    const directory = new NameDirectory(space)
    await directory.load()
    const filter = resolveLeaseFilter([directory], flags.pool, flags.worker)
    const showProgress = Boolean(process.stderr.isTTY)
    let lastDrawn = 0
    const cache = flags['no-cache']
      ? undefined
      : await ReportCache.open({dir: cacheDir(process.env), server: client.server, spaceId: space.spaceId, installationId: client.root.InstallationId, producer: this.config.version})
    const report = await collectLeaseReport(space, directory, {
      cache,
      onCacheError: (error) => this.warnUser(`could not update the lease cache ${cache?.file}: ${error.message}`),
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
    else this.print(await renderReport(report, Boolean(process.stdout.isTTY)))
  }
}

async function renderReport(report: LeaseReport, isTTY: boolean): Promise<string> {
  const out: string[] = []
  out.push(`Worker leases ${report.Since} – ${report.Until}: ${report.Leases} leases in ${report.TasksWithLeases} of ${report.TasksScanned} completed tasks.`, '')
  const grid = withBars(groupGrid(report))
  out.push(`By ${report.GroupBy}:`, await renderTable(grid.head, grid.rows, {isTTY}))
  if (report.GroupBy !== 'pool') {
    out.push('Peak concurrent leases per pool:')
    out.push(await renderTable(['POOL', 'WORKERS', 'LEASES', 'PEAK CONCURRENT', 'PEAK AT'], report.Pools.map((p) => [p.WorkerPoolName, p.Workers, p.Leases, p.PeakConcurrentLeases, p.PeakAt ?? '']), {isTTY}))
  }
  if (report.BusiestWorkers.length > 0) {
    out.push('Busiest workers: ' + report.BusiestWorkers.map((w) => `${terminalSafe(w.WorkerName)} (${w.Leases} leases, ${formatDuration(w.BusySeconds * 1000)})`).join(', '))
  }
  out.push(report.IdleWorkers.length === 0
    ? 'Idle workers (never leased): none.'
    : `Idle workers (never leased, ${report.IdleWorkers.length}): ` + report.IdleWorkers.map((w) => terminalSafe(w.WorkerName) + (w.IsDisabled ? ' (disabled)' : '')).join(', '))
  return out.join('\n')
}
