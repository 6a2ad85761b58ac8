import {writeFileSync} from 'node:fs'
import path from 'node:path'
import * as Flags from '@oclif/core/flags'
import {type Rendered} from '../../cli/base-command.js'
import {ServerCommand} from '../../cli/server-command.js'
import {allSpacesFlag, formatFlag} from '../../cli/flags.js'
import {leaseReport} from '../../app/leases/collect-report.js'
import {ReportCache, cacheDir} from '../../app/leases/report-cache.js'
import {once} from '../../config/private-file.js'
import {taskLogProgressBar} from '../../views/leases/events.js'
import {terminalColumns} from '../../ui/table.js'
import {GROUP_BY, type GroupBy} from '../../app/leases/report.js'
import {parseWindow} from '../../text/points-in-time.js'
import {COMPLETENESS} from '../../app/leases/sources.js'
import {LEASE_REPORT_FORMATS, type LeaseReportOutcome} from '../../views/leases/formats.js'
import {renderedText} from '../../views/format.js'
import {CliError, ExitCode} from '../../text/errors.js'
import {safe} from '../../ui/safe.js'
import {plainPaint} from '../../ui/color.js'
import {CONFIG_FILE_NAMES, loadConfig} from '../../config/octoworkers-yaml/load.js'

export default class LeasesReport extends ServerCommand<typeof LeasesReport> {
  static override summary = 'Worker lease usage over a time window: per worker, per pool, idle capacity, peaks.'

  static override description = `Reads the completed tasks in the window (--since, default 24h; --until, default now) and their logs (8 at a time, with a progress bar on stderr when it is a terminal), and reports: leases per worker, per pool and per task type; workers never leased (idle capacity); the busiest workers; and the peak number of concurrent leases per pool. A lease lasts from its "Leased worker" log line to the end of its step (or else of its task).

What it reads, and what it can miss: ${COMPLETENESS.report} --json (or --format json) states the same in Completeness.

--since/--until take a duration back from now (30m, 24h, 7d, 2w) or a date (2026-03-01, 2026-03-01T12:00:00Z). --group-by picks the main table's rows; the table view charts each row's BUSY time (the total time its leases were held) as a bar beside it. --all-spaces reads every space and adds a SPACE column (SpaceId and SpaceName columns in CSV). --format json (or --json) prints one document; --format csv prints the group-by rows; --format html makes one self-contained page (no script, nothing fetched from the network; light and dark) with, per pool, concurrent leases over time against its available workers (the spans every worker was busy shaded), lease durations, and per worker a heatmap of busy time by day and hour (UTC), each chart with a table under it. -o FILE writes the output to FILE instead of stdout.

Recommendations (in every format; Recommendations in JSON), each with its figure: add a worker to a pool whose every available worker held a lease for at least capacity.allBusy (default 30m) in the window; a pool of 2 or more workers idle at least capacity.idlePercent (default 95) of the window could do with fewer; a worker whose steps waited on another script's mutex (Tentacle's "Waiting for the script in task … to finish" lines, counted against the worker the step leased) for at least capacity.mutexWait (default 10m) should run those steps in an execution container or get a second worker. Steps that waited for a worker (from a step's start to its "Leased worker" line, the time Octopus spent retrying the lease) are summed per pool and worker (LEASE WAIT, LeaseWaitSeconds in JSON); a pool whose steps waited at least capacity.leaseWait (default 10m) in all needs another worker. The thresholds are set under capacity: in .octoworkers.yaml (or --config FILE).

What a completed task's log says about leases is cached under $XDG_CACHE_HOME/octoworkers (per server and space), so a later report reads only the logs of tasks it has not seen; --no-cache reads every log (and leaves the cache as it was).`

  static override examples = [
    '<%= config.bin %> leases report',
    '<%= config.bin %> leases report --since 7d --group-by pool',
    '<%= config.bin %> leases report --since 2026-03-01 --until 2026-03-08 --format csv > leases.csv',
    '<%= config.bin %> leases report --since 7d --format html -o capacity.html',
  ]

  static override flags = {
    since: Flags.string({description: 'Start of the window: duration back from now, or a date (default 24h).'}),
    until: Flags.string({description: 'End of the window (default now).'}),
    'group-by': Flags.option({description: 'Rows of the main table.', options: GROUP_BY, default: 'worker' as GroupBy})(),
    format: formatFlag(LEASE_REPORT_FORMATS),
    pool: Flags.string({description: 'Only leases from this pool (name or ID; repeatable).', multiple: true}),
    worker: Flags.string({description: 'Only leases of this worker (name or ID; repeatable).', multiple: true}),
    'no-cache': Flags.boolean({description: 'Read every task log; neither use nor update the local cache of lease records.'}),
    config: Flags.string({description: `Config file for the recommendations' thresholds (default: ${CONFIG_FILE_NAMES[0]} in the current directory or a parent).`}),
    output: Flags.string({char: 'o', description: 'Write the report (table, CSV or HTML) to this file instead of stdout.', exclusive: ['json']}),
    'all-spaces': allSpacesFlag('Every space (not with --space); adds a SPACE column (SpaceId, SpaceName in CSV).'),
  }

  public async run(): Promise<LeaseReportOutcome> {
    const flags = this.flags
    const window = parseWindow(flags.since, flags.until, this.context.now())
    const config = await loadConfig({explicitFile: flags.config, cwd: this.context.cwd})

    const {client} = await this.connect()
    const spaces = await this.connectSpaces(flags['all-spaces'])
    const showProgress = this.io.stderr.isTTY
    const cacheUntrusted = once((reason) => this.warnUser(`not using the lease cache: ${reason}; every task log is read.`))
    let lastDrawn = 0
    let drawn = false
    const report = await leaseReport({
      spaces,
      openCache: flags['no-cache']
        ? undefined
        : (space) => ReportCache.open({dir: cacheDir(this.env), server: client.server, spaceId: space.spaceId, installationId: client.root.InstallationId, producer: this.config.version, onUntrusted: cacheUntrusted}),
      onCacheError: (file, error) => this.warnUser(`could not update the lease cache ${file ?? ''}: ${error.message}`),
      since: window.since,
      until: window.until,
      groupBy: flags['group-by'],
      capacity: flags.format === 'html',
      thresholds: config.capacity,
      pools: flags.pool,
      workers: flags.worker,
      onProgress: showProgress
        ? (done, total) => {
            // Nothing (left) to read, every log cached or no task in the window: no bar, no `0/0`.
            if (!drawn && done === total) return
            const now = performance.now()
            if (done !== total && now - lastDrawn < 100) return
            lastDrawn = now
            drawn = true
            this.io.stderr.write(`\r${taskLogProgressBar(done, total, terminalColumns(this.io.stderr, this.env))}${done === total ? '\n' : ''}`)
          }
        : undefined,
    })
    return {report, allSpaces: flags['all-spaces']}
  }

  protected override toJson({report}: LeaseReportOutcome): unknown {
    const {Capacity: _drawnOnlyByHtml, ...document} = report
    return {...document, Completeness: COMPLETENESS.report}
  }

  protected override render(result: LeaseReportOutcome): Rendered {
    if (!this.flags.output) return LEASE_REPORT_FORMATS.render(this.flags.format, result, this.viewContext())
    // A file is not the terminal: the table goes in as it does down a pipe (no colour, no fitting).
    const rendered = LEASE_REPORT_FORMATS.render(this.flags.format, result, {...this.viewContext<LeaseReportOutcome>(), table: {isTTY: false}, paint: plainPaint})
    const file = path.resolve(this.context.cwd, this.flags.output)
    try {
      const text = renderedText(rendered)
      // As stdout would end it: with a newline.
      writeFileSync(file, text === '' || text.endsWith('\n') ? text : `${text}\n`)
    } catch (error) {
      throw new CliError(`Could not write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, ExitCode.Failure)
    }
    return {stderr: [...(rendered.stderr ?? []), safe`Wrote the ${this.flags.format} report to ${file}.`]}
  }
}
